from django.db import migrations

from metrics.migrations._versioned import versioned_sql


class Migration(migrations.Migration):
    dependencies = [("metrics", "0002_samples")]

    operations = [migrations.RunSQL(versioned_sql("0002_host_totals.sql"))]
