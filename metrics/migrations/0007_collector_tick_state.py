from django.db import migrations

from metrics.migrations._versioned import versioned_sql


class Migration(migrations.Migration):
    dependencies = [("metrics", "0006_analytics")]

    # Each collector's newest tick and its counters, the usual source of the next tick's
    # rates; see sql/schema/0007_collector_tick_state.sql.
    operations = [migrations.RunSQL(versioned_sql("0007_collector_tick_state.sql"), "DROP TABLE collector_tick_state")]
