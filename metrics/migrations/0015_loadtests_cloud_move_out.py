"""The load tests' and the cloud inventories' models left the metrics app for their own
apps (metrics/loadtests/, metrics/cloud/; their 0001_initial took them over): out of the
metrics app's state only, their tables, indexes and rows as they are. Their content types
move with them, and with those the permissions granted and the admin history."""

from django.db import migrations

from metrics.migrations._content_types import content_types_moved

LOADTESTS = ("benchmark", "benchmarkcomparison", "benchmarkcomparisonserver", "loadtest")
CLOUD = ("cloudaction", "cloudcredential", "cloudinstance")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('metrics', '0014_session_updates_hot'),
        ('loadtests', '0001_initial'),
        ('cloud', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            # Those that others point at last.
            migrations.DeleteModel(name='BenchmarkComparisonServer'),
            migrations.DeleteModel(name='BenchmarkComparison'),
            migrations.DeleteModel(name='LoadTest'),
            migrations.DeleteModel(name='Benchmark'),
            migrations.DeleteModel(name='CloudAction'),
            migrations.DeleteModel(name='CloudCredential'),
            migrations.DeleteModel(name='CloudInstance'),
        ]),
        content_types_moved(LOADTESTS, source="metrics", target="loadtests"),
        content_types_moved(CLOUD, source="metrics", target="cloud"),
    ]
