from django.db import migrations

from xat.sqlfiles import ddl


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]

    operations = [migrations.RunSQL(ddl("0001_samples.sql"))]
