from django.db import migrations

from xat.sqlfiles import ddl


class Migration(migrations.Migration):
    dependencies = [("metrics", "0005_aggregates")]

    # Schema analytics (views for analysts) and analytics_private (role -> organization);
    # see sql/schema/0006_analytics.sql.
    operations = [migrations.RunSQL(ddl("0006_analytics.sql"))]
