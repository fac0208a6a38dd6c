"""The PGlite TimescaleDB-TSL engine of tests/tsl.py: it starts, it is the TSL edition, our
schema is there, and the TSL features our continuous-aggregate mode needs work on it.

Each test that changes shared state (views, policies, compression settings, rows of the
sample hypertables) undoes exactly that, so that other tests on the "tsl" alias are not
disturbed. Rows here belong to organization 9001.
"""

import json
import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Organization
from metrics.models import Collector
from xat import sqlfiles

SAMPLE_TABLES = {"sample_tick", "cpu_sample", "memory_sample", "disk_sample", "network_sample", "filesystem_sample"}
ORG, COLLECTOR = 9001, 77
# After the real captures other tests replay (2026-01), whose refreshes move the aggregates'
# watermarks there (real-time rows are those above it), and more than a day old (compression).
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def rows(cursor, sql, params=None):
    cursor.execute(sql, params)
    return cursor.fetchall()


def insert_cpu_rows(cursor, times_and_pcts, cpu=-1, collector=COLLECTOR):
    """A small multi-row INSERT into cpu_sample (no COPY, no big arrays)."""
    values = ", ".join(["(%s, %s, %s, %s, '{1,2,3,4,5,6,7,8,9,10}', %s, 0, 1, 0, 0, 0, 0, %s)"] * len(times_and_pcts))
    params = []
    for at, user_pct in times_and_pcts:
        params += [ORG, collector, at, cpu, user_pct, 99 - user_pct]
    cursor.execute(
        "INSERT INTO cpu_sample (organization_id, collector_id, time, cpu, counters, user_pct, nice_pct,"
        " system_pct, iowait_pct, irq_pct, softirq_pct, steal_pct, idle_pct) VALUES " + values,
        params,
    )


@pytest.mark.django_db(databases=["tsl"])
def test_the_engine_is_timescaledb_community_edition(tsl_database):
    assert tsl_database.alias == "tsl" and tsl_database.is_tsl
    with connections["tsl"].cursor() as cursor:
        assert rows(cursor, "SHOW timescaledb.license") == [("timescale",)]
        assert rows(cursor, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'") == [
            (tsl_database.timescaledb,)
        ]
    assert tsl_database.timescaledb.startswith("2.") and tsl_database.postgresql.startswith("17")


@pytest.mark.django_db(databases=["tsl"])
def test_our_migrations_are_applied_and_the_sample_tables_are_hypertables(tsl_database):
    connection = connections["tsl"]
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    with connection.cursor() as cursor:
        hypertables = {
            name
            for (name,) in rows(
                cursor,
                "SELECT hypertable_name FROM timescaledb_information.hypertables WHERE hypertable_schema = 'public'",
            )
        }
    assert SAMPLE_TABLES <= hypertables
    # Django's own tables too (the ORM works on the alias).
    from accounts.models import Organization

    Organization.objects.using("tsl").create(name="tsl-org", slug="tsl-org")
    assert Organization.objects.using("tsl").filter(slug="tsl-org").count() == 1


@pytest.mark.django_db(databases=["tsl"], transaction=True)
def test_our_continuous_aggregates_and_policies_work_there(tsl_database):
    cursor = connections["tsl"].cursor()
    try:
        views = rows(cursor, "SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates")
        assert len(views) == 7 * 3 and not any(materialized_only for _, materialized_only in views)
        jobs = rows(cursor, "SELECT proc_name, count(*) FROM timescaledb_information.jobs WHERE job_id >= 1000"
                            " GROUP BY 1 ORDER BY 1")
        # refresh: every view; compression: every raw hypertable (8); retention: XAT's one job
        # over every raw hypertable and continuous aggregate (docs/storage.md, "Retention").
        assert dict(jobs) == {"policy_refresh_continuous_aggregate": 21, "policy_compression": 8,
                              "xat_retention_by_arrival": 1}

        # 3 minutes of 20-second samples: user_pct 10, 20, 30 in minute 0; 40.. in minute 1; ...
        insert_cpu_rows(cursor, [(T0 + timedelta(seconds=20 * i), 10.0 * (i + 1)) for i in range(9)])
        minute = ("SELECT bucket, user_pct_avg, user_pct_max, samples FROM cpu_1m"
                  f" WHERE organization_id = {ORG} ORDER BY bucket")
        expected = [(T0, 20.0, 30.0, 3), (T0 + timedelta(minutes=1), 50.0, 60.0, 3),
                    (T0 + timedelta(minutes=2), 80.0, 90.0, 3)]
        assert rows(cursor, minute) == expected  # real time, nothing materialised yet
        # Outside a transaction: the connection is in autocommit mode (transaction=True).
        cursor.execute("CALL refresh_continuous_aggregate('cpu_1m', NULL, NULL)")
        cursor.execute("CALL refresh_continuous_aggregate('cpu_1h', NULL, NULL)")
        assert rows(cursor, minute) == expected
        insert_cpu_rows(cursor, [(T0 + timedelta(minutes=5), 5.0), (T0 + timedelta(minutes=5, seconds=30), 15.0)])
        assert rows(cursor, minute)[-1] == (T0 + timedelta(minutes=5), 10.0, 15.0, 2)
        hour = f"SELECT bucket, user_pct_sum, user_pct_count, samples FROM cpu_1h WHERE organization_id = {ORG}"
        # The hour is materialised: rows added below its watermark show after a refresh, as
        # in the Apache edition (metrics/aggregates.py).
        assert rows(cursor, hour) == [(T0, 450.0, 9, 9)]
        cursor.execute("CALL refresh_continuous_aggregate('cpu_1m', NULL, NULL)")
        cursor.execute("CALL refresh_continuous_aggregate('cpu_1h', NULL, NULL)")
        assert rows(cursor, hour) == [(T0, 470.0, 11, 11)]

        # PGlite runs no background workers: the jobs exist, and run when asked.
        (compression_job,) = rows(cursor, "SELECT job_id FROM timescaledb_information.jobs"
                                          " WHERE proc_name = 'policy_compression' AND hypertable_name = 'cpu_sample'")[0]
        cursor.execute("CALL run_job(%s)", [compression_job])  # the June 2026 chunk is > 1 day old
        assert rows(
            cursor,
            "SELECT count(*) FILTER (WHERE is_compressed), count(*) FROM timescaledb_information.chunks"
            " WHERE hypertable_name = 'cpu_sample' AND range_start <= %s AND range_end > %s",
            [T0, T0],
        ) == [(1, 1)]
        # Compressed rows read back, and late rows can still be written into their chunk.
        insert_cpu_rows(cursor, [(T0 + timedelta(minutes=6), 70.0)])
        assert rows(cursor, "SELECT count(*), sum(user_pct) FROM cpu_sample WHERE organization_id = %s", [ORG]) == [
            (12, 450.0 + 20 + 70)
        ]
    finally:
        cursor.execute(
            "SELECT decompress_chunk(format('%I.%I', chunk_schema, chunk_name)::regclass)"
            " FROM timescaledb_information.chunks WHERE hypertable_name = 'cpu_sample' AND is_compressed"
        )
        delete_our_rows(cursor)
        cursor.execute("CALL refresh_continuous_aggregate('cpu_1m', NULL, NULL)")
        cursor.execute("CALL refresh_continuous_aggregate('cpu_1h', NULL, NULL)")
        cursor.close()


def delete_our_rows(cursor):
    for table in ("sample_tick", "cpu_sample"):
        cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [ORG])
    cursor.execute("DELETE FROM collector_tick_state WHERE collector_id = %s", [COLLECTOR])
    cursor.execute("DELETE FROM metrics_collector WHERE id = %s", [COLLECTOR])
    cursor.execute("DELETE FROM accounts_organization WHERE id = %s", [ORG])


def cpu_rows(times, user_pct):
    n = len(times)
    return dict(
        t=times, item=[-1] * n, counters=["{1,2,3,4,5,6,7,8,9,10}"] * n, user_pct=[user_pct] * n,
        nice_pct=[0.0] * n, system_pct=[2.5] * n, iowait_pct=[None] * n, irq_pct=[0.0] * n,
        softirq_pct=[0.0] * n, steal_pct=[0.0] * n, idle_pct=[96.0] * n,
    )


def ingest_ticks(cursor, times) -> list[int]:
    """The new ticks among `times`, through the ingest path's named query."""
    cursor.execute(sqlfiles.query("ticks_place"), dict(organization_id=ORG, collector_id=COLLECTOR, times=times))
    return sorted(row[1] for row in cursor.fetchall() if row[0] == "tick" and row[4])


def ingest_cpu(cursor, times, user_pct) -> int:
    """Upserts cpu rows through the ingest path's named query; the cpu rows written."""
    columns = cpu_rows(times, user_pct)
    records = [
        {name: values[i] for name, values in columns.items()} | {"counters": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
        for i in range(len(times))
    ]
    families = {family: json.dumps(records if family == "cpu" else []) for family in
                ("cpu", "disk", "disk_total", "network", "network_total", "memory", "filesystem")}
    cursor.execute(sqlfiles.query("samples_write"), dict(organization_id=ORG, collector_id=COLLECTOR, last=max(times),
                                                         changed_from=min(times), changed_to=max(times), ticks=[],
                                                         state_time=max(times), state_counters='{"cpu": {}}',
                                                         **families))
    return cursor.fetchone()[0]


def ingest_lock(cursor, **lookup) -> tuple:
    """The ingest lock statement, the collector found by id or by identifier: its id,
    identifier and tick state."""
    cursor.execute(sqlfiles.query("collector_ingest_lock"),
                   dict(organization_id=ORG, collector_id=None, identifier=None) | lookup)
    return cursor.fetchone()


@pytest.mark.django_db(databases=["tsl"], transaction=True)
@pytest.mark.parametrize("binding", ["django", "client-side", "server-side"])
def test_our_ingest_queries_run_there(tsl_database, binding):
    """The ingest statements of sql/queries/samples.sql (ticks_insert_new + cpu_sample_upsert,
    or their successors ticks_place + samples_write), with small arrays (< 50 elements),
    through Django's cursor and psycopg's client-side and server-side binding cursors."""
    connection = connections["tsl"]
    connection.ensure_connection()
    cursor_class = {"django": None, "client-side": psycopg.ClientCursor, "server-side": psycopg.Cursor}[binding]
    cursor = connection.cursor() if cursor_class is None else cursor_class(connection.connection)
    times = [int(T0.timestamp()) + 10 * i for i in range(40)]
    organization = Organization.objects.using("tsl").create(id=ORG, slug="tsl-engine", name="TSL engine")
    Collector.objects.using("tsl").create(id=COLLECTOR, organization=organization, name="tsl", identifier="tsl-host")
    try:
        assert ingest_lock(cursor, collector_id=COLLECTOR) == (COLLECTOR, "tsl-host", None, None)
        assert ingest_ticks(cursor, times) == times
        assert ingest_ticks(cursor, times[:5] + [times[-1] + 10]) == [times[-1] + 10]  # re-sent ticks: not new
        assert ingest_cpu(cursor, times, 1.5) == 40
        assert ingest_lock(cursor, identifier="tsl-host") == (COLLECTOR, "tsl-host", max(times), '{"cpu": {}}')
        assert ingest_lock(cursor, identifier="another-host") is None
        assert ingest_cpu(cursor, times, 3.0) == 40  # the same ticks again: rates rewritten
        cursor.execute("SELECT count(*), sum(user_pct), count(iowait_pct) FROM cpu_sample WHERE organization_id = %s",
                       [ORG])
        assert cursor.fetchone() == (40, 3.0 * 40, 0)
    finally:
        delete_our_rows(cursor)
        cursor.close()


def test_the_server_resets_the_session_between_connections_and_survives_copy_and_big_parameters(tsl_database):
    """What tests/pglite/server.mjs adds to pglite-socket (raw connections: no Django one is open)."""
    dsn = f"host=127.0.0.1 port={tsl_database.port} user=postgres password=x dbname=postgres sslmode=disable"
    with psycopg.connect(dsn) as first:
        first.execute("CREATE TEMP TABLE tsl_left_behind (a int)")
        first.execute("INSERT INTO sample_tick (organization_id, collector_id, time) VALUES (%s, 1, now())", [ORG])
        first.execute("SET TimeZone = 'Asia/Tokyo'")
        first.pgconn.finish()  # gone without COMMIT or ROLLBACK
    with psycopg.connect(dsn, autocommit=True) as second:
        assert second.execute("SELECT count(*) FROM sample_tick WHERE organization_id = %s", [ORG]).fetchone() == (
            0,
        )  # rolled back
        assert second.execute("SELECT to_regclass('tsl_left_behind')").fetchone() == (None,)
        assert second.execute("SHOW search_path").fetchone() == ("public",)
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="COPY FROM STDIN"):
            with second.cursor().copy("COPY sample_tick (organization_id, collector_id, time) FROM STDIN") as copy:
                copy.write_row((ORG, 1, T0))
        big = list(range(20_000))  # ~200 KB of parameters: several TCP reads
        assert second.execute("SELECT cardinality(%s::bigint[]), sum(x) FROM unnest(%s::bigint[]) x", [big, big]).fetchone() == (
            20_000,
            sum(big),
        )
    assert tsl_database.alive()


@pytest.mark.django_db(databases=["tsl"])
def test_speed_and_memory(tsl_database, record_property):
    """Rough figures (printed with -s, and in junit properties); the bounds only catch a
    broken engine."""
    with connections["tsl"].cursor() as cursor:
        started = time.perf_counter()
        for i in range(50):
            cursor.execute(
                "INSERT INTO sample_tick (organization_id, collector_id, time) VALUES (%s, %s, %s)",
                [ORG, COLLECTOR, T0 + timedelta(seconds=i)],
            )
        insert_ms = (time.perf_counter() - started) * 1000 / 50
        started = time.perf_counter()
        for _ in range(50):
            cursor.execute("SELECT 1")
        select_ms = (time.perf_counter() - started) * 1000 / 50
    memory = tsl_database.memory_kib()
    print(
        f"\nPGlite TSL: started in {tsl_database.start_seconds:.1f} s, {insert_ms:.2f} ms per 1-row INSERT,"
        f" {select_ms:.2f} ms per SELECT 1, node RSS {memory and memory // 1024} MiB"
    )
    record_property("tsl_start_seconds", round(tsl_database.start_seconds, 2))
    record_property("tsl_insert_ms", round(insert_ms, 2))
    record_property("tsl_rss_kib", memory)
    assert insert_ms < 500 and select_ms < 500
