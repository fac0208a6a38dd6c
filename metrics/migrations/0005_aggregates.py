from django.db import migrations


def install(apps, schema_editor):
    from metrics.aggregates import aggregates_install

    with schema_editor.connection.cursor() as cursor:
        aggregates_install(cursor)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0004_upload")]

    # The edition decides which DDL runs: continuous aggregates (Community) or tables kept
    # by XAT (Apache); see metrics/aggregates.py.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
