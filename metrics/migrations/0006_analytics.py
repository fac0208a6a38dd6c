from django.db import migrations

from metrics.migrations._versioned import versioned_sql


class Migration(migrations.Migration):
    dependencies = [("metrics", "0005_aggregates")]

    # Schema analytics (views for analysts) and analytics_private (role -> organization);
    # see sql/schema/0006_analytics.sql.
    operations = [migrations.RunSQL(versioned_sql("0006_analytics.sql"))]
