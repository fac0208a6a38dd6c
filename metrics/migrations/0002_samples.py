from django.db import migrations

from metrics.migrations._versioned import versioned_sql


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]

    operations = [migrations.RunSQL(versioned_sql("0001_samples.sql"))]
