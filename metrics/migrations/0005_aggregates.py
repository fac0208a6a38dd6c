from django.db import migrations

from metrics.migrations._versioned import versioned_sql


def install(apps, schema_editor):
    # Versioned files only, so that this migration does what it did when it merged. (It
    # called metrics.aggregates, whose files and policies changed since; the views and
    # functions these files create are created again by the idempotent layer after every
    # migrate, and the Community edition's policies with them: metrics/schema.py.)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('timescaledb.license', true)")
        edition = cursor.fetchone()[0] or "apache"
        cursor.execute(versioned_sql("0003_aggregates_common.sql"))
        cursor.execute(versioned_sql(f"0004_aggregates_{'timescale' if edition == 'timescale' else 'apache'}.sql"))
        cursor.execute(versioned_sql("0005_aggregate_levels.sql"))


class Migration(migrations.Migration):
    dependencies = [("metrics", "0004_upload")]

    # The edition decides which DDL runs: continuous aggregates (Community) or tables kept
    # by XAT (Apache); see metrics/aggregates.py.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
