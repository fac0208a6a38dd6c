from django.db import migrations

from xat.sqlfiles import ddl


class Migration(migrations.Migration):
    dependencies = [("metrics", "0006_analytics")]

    # Each collector's newest tick and its counters, the usual source of the next tick's
    # rates; see sql/schema/0007_collector_tick_state.sql.
    operations = [migrations.RunSQL(ddl("0007_collector_tick_state.sql"), "DROP TABLE collector_tick_state")]
