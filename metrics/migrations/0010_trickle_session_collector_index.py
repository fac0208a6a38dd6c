import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Trickle sessions: no index on collector_id alone; trickle_session_history
    (collector_id, status, started_at DESC) serves every lookup by collector (the plans in
    tests/perfdash/test_sessions.py). Written by hand: Django's AlterField would also drop
    the partial unique index trickle_session_one_active on the same column, and not make it
    again."""

    dependencies = [
        ("metrics", "0009_perf_dashboard"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="tricklesession",
                    name="collector",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="sessions", to="metrics.collector"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX metrics_tricklesession_collector_id_16cbb00d",
                    "CREATE INDEX metrics_tricklesession_collector_id_16cbb00d ON metrics_tricklesession (collector_id)",
                ),
            ],
        ),
    ]
