from django.db import migrations

from xat.sqlfiles import ddl


class Migration(migrations.Migration):
    dependencies = [("metrics", "0002_samples")]

    operations = [migrations.RunSQL(ddl("0002_host_totals.sql"))]
