from django.db import migrations

from xat import sqlfiles


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sqlfiles.query("timescaledb_license"))
        if (cursor.fetchone()[0] or "apache") != "timescale":
            cursor.execute(sqlfiles.ddl("0007_analytics_apache.sql"))


class Migration(migrations.Migration):
    dependencies = [("metrics", "0006_analytics")]

    # Apache edition: the analytics aggregate views read the materialized buckets and a
    # SECURITY DEFINER function for the live ones (see sql/schema/0007_analytics_apache.sql).
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
