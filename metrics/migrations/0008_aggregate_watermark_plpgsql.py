from django.db import migrations

from metrics.migrations._versioned import versioned_sql


class Migration(migrations.Migration):
    dependencies = [("metrics", "0007_collector_tick_state")]

    # The aggregate watermark function in PL/pgSQL, which keeps its plan across the
    # per-chunk evaluations of chunk exclusion; see sql/schema/0008_aggregate_watermark_plpgsql.sql.
    operations = [migrations.RunSQL(versioned_sql("0008_aggregate_watermark_plpgsql.sql"))]
