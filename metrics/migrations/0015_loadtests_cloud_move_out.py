"""The load tests' and the cloud inventories' models left the metrics app for their own
apps (metrics/loadtests/, metrics/cloud/; their 0001_initial took them over): out of the
metrics app's state only. Their tables, indexes and rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
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
    ]
