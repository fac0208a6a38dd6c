"""docs/storage.md's worked example, "Adding a metric", under the Community edition (the
PGlite TSL engine, tests/tsl.py): one catalogue entry, the files it generates, applied as
its migration does (metrics/migrations/_metrics_added.py) and then the
idempotent layer, on a database holding memory data: buckets whose raw samples retention
dropped (only the first version of the continuous aggregates holds them), raw samples still
held (the backfill brings them to the new version), and new samples with the new metric,
written by ingest's generated statement (samples_write).

The rollout changes the shared "tsl" database (a column, continuous aggregates renamed and
created): the fixture puts it back as it was, so that the other tests on the engine see the
catalogue's schema."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connections

from metrics.aggregates import WIDTHS, aggregates_refresh_range, bucket_start
from metrics.catalogue import STATISTICS
from metrics.ingest import SampleRows
from metrics.migrations._metrics_added import metrics_added_apply
from metrics.schema import schema_idempotent_apply
from sql import generate
from tests.conftest import default_connection_to
from tests.schema.test_worked_example import CHANGED_FILES, generated_with_shmem, named_queries_with_shmem  # noqa: F401
from xat import sqlfiles

# "default" too: the migrations run on "tsl" write some rows through the default alias.
pytestmark = pytest.mark.django_db(databases=["default", "tsl"], transaction=True)

ORG, COLLECTOR = 9013, 990_113
DROPPED = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)  # raw samples dropped before the rollout
HELD = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)  # raw samples held at the rollout
NEW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # samples written after it, with shmem_kb
SHMEM_STATISTICS = ", ".join(f"shmem_kb_{statistic}" for statistic in STATISTICS)
TOTAL_STATISTICS = ", ".join(f"mem_total_kb_{statistic}" for statistic in STATISTICS)


def _rows(statement: str, *params) -> list[tuple]:
    with connections["tsl"].cursor() as cursor:
        cursor.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


def _insert(minute: datetime, totals: list[int]) -> None:
    for second, total in enumerate(totals):
        _rows("INSERT INTO memory_sample (organization_id, collector_id, time, mem_total_kb) VALUES (%s, %s, %s, %s)",
              ORG, COLLECTOR, minute + timedelta(seconds=10 * second), total)


def _written_by_samples_write(minute: datetime, totals: list[int], shmem: list[int]) -> None:
    """The samples of a minute as ingest writes them: rows as SampleRows holds them, through
    the named query samples_write (the generated one, named_queries_with_shmem)."""
    rows = SampleRows()
    times = [int((minute + timedelta(seconds=10 * second)).timestamp()) for second in range(len(totals))]
    for t, total, value in zip(times, totals, shmem):
        rows.add("memory", t, None, {"mem_total_kb": total, "shmem_kb": value})
    with connections["tsl"].cursor() as cursor:
        cursor.execute(sqlfiles.query("samples_write"),
                       dict(organization_id=ORG, collector_id=COLLECTOR, **rows.as_json(), ticks=[],
                            state_time=None, state_counters=None, last=max(times), changed_from=min(times),
                            changed_to=max(times)))
        assert cursor.fetchone()[SampleRows.FAMILIES.index("memory")] == len(times)


def _statistics(values: list[int]) -> tuple:
    """The six statistics, computed here independently of the aggregates."""
    return (sum(values) / len(values), min(values), max(values), values[-1], sum(values), len(values))


def _at(relation: str, level: str, minute: datetime, columns: str) -> list[tuple]:
    return _rows(f"SELECT {columns} FROM {relation} WHERE organization_id = %s AND collector_id = %s"
                 " AND bucket = %s", ORG, COLLECTOR, bucket_start(minute, WIDTHS[level]))


def _column_names(schema: str, relation: str) -> set[str]:
    return {name for (name,) in _rows("SELECT column_name FROM information_schema.columns"
                                      " WHERE table_schema = %s AND table_name = %s", schema, relation)}


@pytest.fixture
def restored_afterwards(tsl_database):
    yield
    connections["tsl"].close()  # a failed statement may have left the connection in a transaction
    _rows("DO $$ DECLARE name text; BEGIN FOREACH name IN ARRAY ARRAY['memory_1d', 'memory_1h', 'memory_1m'] LOOP"
          " IF NOT EXISTS (SELECT FROM timescaledb_information.continuous_aggregates WHERE view_name = name) THEN"
          " EXECUTE format('DROP VIEW IF EXISTS %I CASCADE', name); END IF; END LOOP; END $$")  # the swap's views
    for level in reversed(generate.LEVELS):  # a level depends on the one below
        _rows(f"DROP MATERIALIZED VIEW IF EXISTS memory_{level}_v2")
    _rows("DO $$ BEGIN IF to_regclass('memory_1m_v1') IS NOT NULL THEN"
          " ALTER MATERIALIZED VIEW memory_1m_v1 RENAME TO memory_1m;"
          " ALTER MATERIALIZED VIEW memory_1h_v1 RENAME TO memory_1h;"
          " ALTER MATERIALIZED VIEW memory_1d_v1 RENAME TO memory_1d; END IF; END $$")
    for level in generate.LEVELS:
        _rows(f"ALTER MATERIALIZED VIEW memory_{level} SET (timescaledb.materialized_only = false)")
    _rows("ALTER TABLE memory_sample DROP COLUMN IF EXISTS shmem_kb CASCADE")  # analytics.memory_raw
    _rows("DELETE FROM memory_sample WHERE collector_id = %s", COLLECTOR)
    schema_idempotent_apply(using="tsl")
    assert "shmem_kb_avg" not in _column_names("public", "memory_levels")


def test_it_adds_a_metric_from_one_catalogue_entry(tmp_path, restored_afterwards, named_queries_with_shmem):
    assert generated_with_shmem(tmp_path) == CHANGED_FILES

    # Before: one minute materialised whose raw samples retention then dropped, one held.
    _insert(DROPPED, [1000, 1200])
    _insert(HELD, [2000, 2600, 2900])
    for level in generate.LEVELS:
        _rows(f"CALL refresh_continuous_aggregate('memory_{level}', NULL, NULL)")
    _rows("SELECT drop_chunks('memory_sample', older_than => %s::timestamptz, newer_than => %s::timestamptz)",
          DROPPED + timedelta(days=1), DROPPED - timedelta(days=1))
    assert _rows("SELECT count(*) FROM memory_sample WHERE collector_id = %s AND time < %s",
                 COLLECTOR, HELD) == [(0,)]

    # What `migrate` does: the migration of 0010 (metrics_added), then the layer.
    metrics_added_apply(connections["tsl"], "0010_memory_shmem", directory=tmp_path / "schema")
    schema_idempotent_apply(using="tsl", directory=tmp_path / "idempotent")

    statistics = {f"shmem_kb_{statistic}" for statistic in STATISTICS}
    assert statistics <= _column_names("public", "memory_levels")
    for level in generate.LEVELS:
        for schema, relation in (("public", f"memory_{level}"), ("analytics", f"memory_{level}")):
            assert statistics <= _column_names(schema, relation), (schema, relation)

    _written_by_samples_write(NEW, [3000, 3100], shmem=[100, 301])
    nulls = (None, None, None, None, None, 0)
    for level in generate.LEVELS:
        # Old buckets keep their values (only the first version holds them), shmem_kb NULL there.
        assert _at(f"memory_{level}", level, DROPPED, TOTAL_STATISTICS) == [_statistics([1000, 1200])], level
        assert _at(f"memory_{level}", level, DROPPED, SHMEM_STATISTICS) == [(None,) * 6], level
        # Held raw samples: backfilled into the new version, same values, shmem_kb never sent.
        assert _at(f"memory_{level}", level, HELD, TOTAL_STATISTICS) == [_statistics([2000, 2600, 2900])], level
        assert _at(f"memory_{level}", level, HELD, SHMEM_STATISTICS) == [nulls], level
        # New samples: real-time aggregation of the new version.
        assert _at(f"memory_{level}", level, NEW, SHMEM_STATISTICS) == [_statistics([100, 301])], level
        assert _rows(f"SELECT {SHMEM_STATISTICS} FROM memory_levels WHERE level = %s AND organization_id = %s"
                     " AND collector_id = %s AND bucket = %s", level, ORG, COLLECTOR,
                     bucket_start(NEW, WIDTHS[level])) == [_statistics([100, 301])], level
    # ... and materialised by refresh, as an upload's job does it (and the policies, on the
    # live versions too: below).
    connections["tsl"].close()  # the engine takes one connection at a time
    tsl_settings = {key: value for key, value in connections["tsl"].settings_dict.items() if key != "TEST"}
    with default_connection_to(**tsl_settings):
        aggregates_refresh_range(organization_id=ORG, collector_id=COLLECTOR, start=NEW, end=NEW)
    for level in generate.LEVELS:
        assert _at(f"memory_{level}_v2", level, NEW, SHMEM_STATISTICS) == [_statistics([100, 301])], level
        assert _at(f"memory_{level}", level, NEW, "samples") == [(2,)], level
    assert _rows("SELECT count(*) FROM analytics.memory_1m") == [(0,)]  # no organization in the session

    refreshed = _rows("SELECT c.user_view_name FROM timescaledb_information.jobs j"
                      " JOIN _timescaledb_catalog.continuous_agg c"
                      " ON c.mat_hypertable_id = (j.config ->> 'mat_hypertable_id')::int"
                      " WHERE j.proc_name = 'policy_refresh_continuous_aggregate'"
                      " AND c.user_view_name LIKE 'memory%'")
    assert sorted(refreshed) == [("memory_1d_v2",), ("memory_1h_v2",), ("memory_1m_v2",)]
    (periods,) = _rows("SELECT (config -> 'periods')::text FROM timescaledb_information.jobs"
                      " WHERE proc_name = 'xat_retention_by_arrival'")[0]
    # Retention empties both versions (the levels kept forever have no period).
    kept_for_a_while = [level for level in generate.LEVELS if settings.XAT_RETENTION_DAYS[level]]
    assert kept_for_a_while
    assert {f"public.memory_{level}_v{version}" for level in kept_for_a_while for version in (1, 2)} <= set(
        json.loads(periods))


def test_it_goes_on_from_the_backfill_when_run_again_after_a_stop(tmp_path, restored_afterwards):
    generated_with_shmem(tmp_path)
    _insert(HELD, [2000, 2600, 2900])
    schema = tmp_path / "schema"
    # The create step committed, then the migration stopped (a backfill cut short, say).
    with connections["tsl"].cursor() as cursor:
        cursor.execute((schema / "0010_memory_shmem.sql").read_text()
                       + (schema / "0010_memory_shmem_create_timescale.sql").read_text())

    metrics_added_apply(connections["tsl"], "0010_memory_shmem", directory=schema)

    assert _rows("SELECT table_type FROM information_schema.tables"
                 " WHERE table_schema = 'public' AND table_name = 'memory_1m'") == [("VIEW",)]
    for level in generate.LEVELS:
        assert _at(f"memory_{level}_v2", level, HELD, TOTAL_STATISTICS) == [_statistics([2000, 2600, 2900])], level
