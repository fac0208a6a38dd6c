"""Trickle sessions updated in place: every ingest group moves its collectors' active
session (last_received_at, last_data_at, sample_count). With last_received_at indexed
(trickle_session_idle) none of those updates was HOT: each added an entry to all five
indexes of metrics_tricklesession, 11 % of PostgreSQL's CPU a tick in groups of four
(docs/performance.md). The upkeep's idle sweep reads the active rows through
trickle_session_one_active instead, and the pages keep room for the new versions."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('metrics', '0013_cloud_inventory'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='tricklesession', name='trickle_session_idle'),
        migrations.RunSQL("ALTER TABLE metrics_tricklesession SET (fillfactor = 70)",
                          "ALTER TABLE metrics_tricklesession RESET (fillfactor)"),
    ]
