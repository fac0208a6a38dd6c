"""The PGlite TimescaleDB-TSL engine of tests/tsl.py: it starts, it is the TSL edition, our
schema is there, and the TSL features our continuous-aggregate mode needs work on it.

Each test that changes shared state (views, policies, compression settings, rows of the
sample hypertables) undoes exactly that, so that other tests on the "tsl" alias are not
disturbed. Rows here belong to organization 9001.
"""

import json
import re
import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from xat import sqlfiles

SAMPLE_TABLES = {"sample_tick", "cpu_sample", "memory_sample", "disk_sample", "network_sample", "filesystem_sample"}
ORG, COLLECTOR = 9001, 77
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
OURS_1M = f"SELECT bucket, user_pct, samples FROM tsl_test_cpu_1m WHERE organization_id = {ORG} ORDER BY bucket"


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
def test_continuous_aggregates_hierarchical_real_time_and_policies(tsl_database):
    cursor = connections["tsl"].cursor()
    undo = {"jobs": [], "compression": False}
    try:
        # 3 minutes of 20-second samples: user_pct 10, 20, 30 in minute 0; 40.. in minute 1; ...
        samples = [(T0 + timedelta(seconds=20 * i), 10.0 * (i + 1)) for i in range(9)]
        insert_cpu_rows(cursor, samples)

        cursor.execute(
            """CREATE MATERIALIZED VIEW tsl_test_cpu_1m
               WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
               SELECT organization_id, collector_id, cpu, time_bucket('1 minute', time) AS bucket,
                      avg(user_pct) AS user_pct, count(*) AS samples
               FROM cpu_sample GROUP BY organization_id, collector_id, cpu, bucket
               WITH NO DATA"""
        )
        # Outside a transaction: the connection is in autocommit mode (transaction=True).
        cursor.execute("CALL refresh_continuous_aggregate('tsl_test_cpu_1m', NULL, NULL)")
        expected = [(T0, 20.0, 3), (T0 + timedelta(minutes=1), 50.0, 3), (T0 + timedelta(minutes=2), 80.0, 3)]
        assert rows(cursor, OURS_1M) == expected
        assert rows(
            cursor,
            "SELECT materialized_only FROM timescaledb_information.continuous_aggregates"
            " WHERE view_name = 'tsl_test_cpu_1m'",
        ) == [(False,)]
        # Real time: rows after the refresh show up without one (materialized_only = false).
        insert_cpu_rows(cursor, [(T0 + timedelta(minutes=5), 5.0), (T0 + timedelta(minutes=5, seconds=30), 15.0)])
        assert rows(cursor, OURS_1M)[-1] == (
            T0 + timedelta(minutes=5),
            10.0,
            2,
        )

        # Hierarchical: an hourly aggregate on top of the minute one.
        cursor.execute(
            """CREATE MATERIALIZED VIEW tsl_test_cpu_1h
               WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
               SELECT organization_id, collector_id, cpu, time_bucket('1 hour', bucket) AS bucket,
                      sum(user_pct * samples) / sum(samples) AS user_pct, sum(samples) AS samples
               FROM tsl_test_cpu_1m GROUP BY organization_id, collector_id, cpu, time_bucket('1 hour', bucket)
               WITH NO DATA"""
        )
        cursor.execute("CALL refresh_continuous_aggregate('tsl_test_cpu_1m', NULL, NULL)")
        cursor.execute("CALL refresh_continuous_aggregate('tsl_test_cpu_1h', NULL, NULL)")
        assert rows(cursor, "SELECT bucket, round(user_pct::numeric, 6)::float8, samples::int FROM tsl_test_cpu_1h"
                       f" WHERE organization_id = {ORG}") == [
            (T0, round((450 + 20) / 11, 6), 11)
        ]

        # Policies. PGlite runs no background workers: the jobs exist, and run when asked.
        cursor.execute(
            "SELECT add_continuous_aggregate_policy('tsl_test_cpu_1m', start_offset => NULL,"
            " end_offset => interval '1 minute', schedule_interval => interval '1 hour')"
        )
        (refresh_job,) = cursor.fetchone()
        undo["jobs"].append(refresh_job)
        undo["compression"] = not compression_enabled(cursor)
        cursor.execute(
            "ALTER TABLE cpu_sample SET (timescaledb.compress,"
            " timescaledb.compress_segmentby = 'organization_id, collector_id')"
        )
        cursor.execute("SELECT add_compression_policy('cpu_sample', interval '7 days')")
        (compression_job,) = cursor.fetchone()
        undo["jobs"].append(compression_job)
        cursor.execute("SELECT add_retention_policy('cpu_sample', interval '100 years')")
        (retention_job,) = cursor.fetchone()
        undo["jobs"].append(retention_job)
        assert {job for (job,) in rows(cursor, "SELECT job_id FROM timescaledb_information.jobs")} >= {
            refresh_job,
            compression_job,
            retention_job,
        }
        insert_cpu_rows(cursor, [(T0 + timedelta(minutes=6), 70.0)])
        cursor.execute("CALL run_job(%s)", [refresh_job])
        cursor.execute("CALL run_job(%s)", [compression_job])  # the March 2024 chunk is > 7 days old
        assert rows(
            cursor,
            "SELECT count(*) FILTER (WHERE is_compressed), count(*) FROM timescaledb_information.chunks"
            " WHERE hypertable_name = 'cpu_sample' AND range_start <= %s AND range_end > %s",
            [T0, T0],
        ) == [(1, 1)]
        # Compressed rows read back through the hypertable and the aggregates.
        assert rows(cursor, "SELECT count(*), sum(user_pct) FROM cpu_sample WHERE organization_id = %s", [ORG]) == [
            (12, 450.0 + 20 + 70)
        ]
        assert rows(cursor, "SELECT user_pct FROM tsl_test_cpu_1m WHERE organization_id = %s AND bucket = %s",
                    [ORG, T0 + timedelta(minutes=6)]) == [
            (70.0,)
        ]
        cursor.execute("CALL run_job(%s)", [retention_job])
        assert rows(cursor, "SELECT count(*) FROM cpu_sample WHERE organization_id = %s", [ORG]) == [(12,)]
    finally:
        # Undo exactly what this test did: its jobs, views, compression, rows.
        for job in undo["jobs"]:
            cursor.execute("SELECT delete_job(%s)", [job])
        cursor.execute("DROP MATERIALIZED VIEW IF EXISTS tsl_test_cpu_1h")
        cursor.execute("DROP MATERIALIZED VIEW IF EXISTS tsl_test_cpu_1m")
        if undo["compression"]:
            cursor.execute(
                "SELECT decompress_chunk(format('%I.%I', chunk_schema, chunk_name)::regclass)"
                " FROM timescaledb_information.chunks WHERE hypertable_name = 'cpu_sample' AND is_compressed"
            )
            cursor.execute("ALTER TABLE cpu_sample SET (timescaledb.compress = false)")
        delete_our_rows(cursor)
        cursor.close()


def compression_enabled(cursor) -> bool:
    return rows(
        cursor,
        "SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_name = 'cpu_sample'",
    ) == [(True,)]


def delete_our_rows(cursor):
    for table in ("sample_tick", "cpu_sample"):
        cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [ORG])


def cpu_rows(times, user_pct):
    n = len(times)
    return dict(
        t=times, item=[-1] * n, counters=["{1,2,3,4,5,6,7,8,9,10}"] * n, user_pct=[user_pct] * n,
        nice_pct=[0.0] * n, system_pct=[2.5] * n, iowait_pct=[None] * n, irq_pct=[0.0] * n,
        softirq_pct=[0.0] * n, steal_pct=[0.0] * n, idle_pct=[96.0] * n,
    )


def ingest_ticks(cursor, times) -> list[int]:
    """The new ticks among `times`, through the named query of the ingest path in place."""
    tick = dict(organization_id=ORG, collector_id=COLLECTOR, times=times)
    if "ticks_place" in sqlfiles.named_queries():  # ticks and neighbours in one statement
        cursor.execute(sqlfiles.query("ticks_place"), tick)
        return sorted(row[1] for row in cursor.fetchall() if row[0] == "tick" and row[4])
    cursor.execute(sqlfiles.query("ticks_insert_new"), tick)
    return sorted(t for (t,) in cursor.fetchall())


def ingest_cpu(cursor, times, user_pct) -> int:
    """Upserts cpu rows through the named query of the ingest path in place; rows written."""
    columns = cpu_rows(times, user_pct)
    if "samples_write" in sqlfiles.named_queries():  # every family as one JSON document
        records = [
            {name: values[i] for name, values in columns.items()} | {"counters": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
            for i in range(len(times))
        ]
        sql = sqlfiles.query("samples_write")
        params = dict(organization_id=ORG, collector_id=COLLECTOR, last=max(times))
        for name in set(re.findall(r"%\((\w+)\)s", sql)) - set(params):
            # Either one document {"cpu": [...], ...} (rows) or one JSON array per family.
            params[name] = json.dumps({"cpu": records} if name == "rows" else records if name == "cpu" else [])
        cursor.execute(sql, params)
        return cursor.fetchone()[0]  # the cpu rows written
    cursor.execute(sqlfiles.query("cpu_sample_upsert"), dict(organization_id=ORG, collector_id=COLLECTOR, **columns))
    return cursor.rowcount


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
    try:
        assert ingest_ticks(cursor, times) == times
        assert ingest_ticks(cursor, times[:5] + [times[-1] + 10]) == [times[-1] + 10]  # re-sent ticks: not new
        assert ingest_cpu(cursor, times, 1.5) == 40
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
