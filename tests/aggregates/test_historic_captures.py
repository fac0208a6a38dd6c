"""Historic captures keep full resolution (issue 13): retention counts from when data
arrived, the dashboard reads the finest level that holds a range, and an upload's job
completes every aggregate level of its range before it reports done.

The capture is azure-loadtest-3, taken on 2026-01-10: older than the default raw (30 days)
and 1-minute (90 days) retention by its own times. It is uploaded through the API and read
by the upload's job in this thread (tests.uploads.files.uploads_run_here), inside the
test's transaction: retention run with a later "now" drops chunks of every organization,
and the aggregates' watermarks are shared, so nothing here may outlive the test.
"""

import json
import math
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from metrics.aggregates import LEVELS, aggregates_refresh, aggregates_refresh_range, bucket_start, retention_apply
from metrics.catalogue import FAMILIES
from metrics.models import Collector
from metrics.uploads.models import Upload, UploadState
from tests.dashboard.capture import (CAPTURE, FIRST_TICK, LAST_TICK, TICKS, assert_series, by_minute, close,
                                     full_minutes, oracle)
from tests.conftest import default_connection_to
from tests.oracle import SAMPLE_TABLES
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import upload, uploads_run_here
from xat import sqlfiles

pytestmark = pytest.mark.django_db

DEFAULT_RETENTION = {"raw": 30, "1m": 90, "1h": 730, "1d": 0}  # xat/settings.py's defaults
WHOLE = {"start": FIRST_TICK, "end": LAST_TICK}


@pytest.fixture(autouse=True)
def default_retention(settings):
    settings.XAT_RETENTION_DAYS = DEFAULT_RETENTION


@pytest.fixture
def uploaded_capture() -> "Uploaded":
    """The capture uploaded where the upkeep has run: the aggregates' watermarks are now."""
    aggregates_refresh()
    team = team_make("historic")
    return Uploaded(team, _uploaded(team))


def _uploaded(team) -> Collector:
    """The capture uploaded by team's analyst for a new collector, its job run: done."""
    collector = collector_make(team.organization, name="load-test")
    response = upload(api_client(team.analyst), (CAPTURE / "collection.ndjson").read_bytes(), collector=collector)
    assert response.status_code == 202, response.content
    uploads_run_here()
    assert Upload.objects.get().state == UploadState.DONE
    return collector


class Uploaded:
    def __init__(self, team, collector):
        self.team, self.collector = team, collector

    def chart(self, family: str, **params) -> dict:
        response = api_client(self.team.viewer).get(
            f"/api/dashboard/collectors/{self.collector.pk}/{family}/", {**WHOLE, **params})
        assert response.status_code == 200, response.content
        return response.json()

    def rows(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE collector_id = %s", [self.collector.pk])
            return cursor.fetchone()[0]


def _assert_raw_is_pcprocess(answer: dict, series: str, csv_name: str, column: str, **match) -> None:
    assert answer["resolution"] == "raw"
    assert_series(answer, answer["series"][series],
                  {int(row["timestamp"]): float(row[column]) for row in oracle(csv_name, **match)})


def _assert_raw_cpu_and_memory_are_pcprocess(cpu: dict, memory: dict) -> None:
    _assert_raw_is_pcprocess(cpu, "user", "proc/stat", "%usr", CPU="-1")
    _assert_raw_is_pcprocess(cpu, "idle", "proc/stat", "%idle", CPU="-1")
    _assert_raw_is_pcprocess(memory, "mem_used_pct", "proc/meminfo", "%memused")
    _assert_raw_is_pcprocess(memory, "cached_kb", "proc/meminfo", "kbcached")


def test_the_capture_is_older_than_the_raw_and_minute_retention():
    assert datetime.fromtimestamp(FIRST_TICK, UTC) < timezone.now() - timedelta(days=DEFAULT_RETENTION["1m"])


def test_it_charts_a_capture_of_last_year_uploaded_now_at_raw_as_pcprocess(uploaded_capture):
    _assert_raw_cpu_and_memory_are_pcprocess(uploaded_capture.chart("cpu"), uploaded_capture.chart("memory"))
    assert uploaded_capture.chart("summary")["resolution"] == "raw"


def test_it_still_charts_it_at_raw_after_an_upkeep_run(uploaded_capture):
    before = {family: uploaded_capture.chart(family) for family in ("cpu", "memory", "disk", "network")}

    call_command("xat_aggregates", "maintain")  # one round: sessions, refresh, retention

    assert uploaded_capture.rows("memory_sample") == len(TICKS)  # every tick kept
    after = {family: uploaded_capture.chart(family) for family in before}
    assert after == before
    _assert_raw_cpu_and_memory_are_pcprocess(after["cpu"], after["memory"])


def test_it_drops_what_arrived_longer_ago_than_the_retention(uploaded_capture):
    # The chunks were created by this upload, now: retention run a day less than 31 days
    # later (30 days, plus the raw chunks' day) keeps them, a minute past drops them.
    uploaded_at = timezone.now()
    retention_apply(now=uploaded_at + timedelta(days=31) - timedelta(minutes=1))
    assert uploaded_capture.rows("memory_sample") > 100

    dropped = retention_apply(now=uploaded_at + timedelta(days=31, minutes=1))

    assert dropped["public.memory_sample"] >= 1 and uploaded_capture.rows("memory_sample") == 0
    assert uploaded_capture.rows("aggregate_store.memory_1m") > 10  # kept 90 days + its 7-day chunks
    minutes = uploaded_capture.chart("memory")
    assert minutes["resolution"] == "1m"  # what is left, not the empty raw level
    oracle_minutes = by_minute(oracle("proc/meminfo"), lambda row: float(row["%memused"]))
    position = {t: index for index, t in enumerate(minutes["timestamps"])}
    for minute in full_minutes(oracle("proc/meminfo")):
        values = oracle_minutes[minute]
        assert close(minutes["series"]["mem_used_pct"][position[minute]], sum(values) / len(values)), minute


def test_it_reads_a_range_partly_kept_at_raw_from_the_level_that_holds_all_of_it(uploaded_capture):
    # Raw samples gone before the capture's middle (as retention would drop older chunks),
    # the aggregates all there.
    middle = FIRST_TICK + (LAST_TICK - FIRST_TICK) // 2
    with connection.cursor() as cursor:
        for table in SAMPLE_TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE collector_id = %s AND time < to_timestamp(%s)",
                           [uploaded_capture.collector.pk, middle])

    assert uploaded_capture.chart("cpu")["resolution"] == "1m"  # raw would show half a chart
    assert uploaded_capture.chart("summary")["resolution"] == "1m"
    second_half = uploaded_capture.chart("cpu", start=middle)
    assert second_half["resolution"] == "raw"
    assert second_half["timestamps"][0] >= middle and len(second_half["timestamps"]) > 50


def test_it_completes_every_aggregate_level_of_an_upload_before_its_job_is_done(uploaded_capture):
    # The watermarks pass the capture's times first: its buckets are then the stored ones
    # (the views compute only those above the watermarks on the fly).
    collector = uploaded_capture.collector
    after_the_job = _stored_aggregates(collector.pk)

    # A fresh full refresh of the capture's range, every collector, level after level.
    for level in LEVELS:
        sqlfiles.fetch_one(f"aggregate_recompute_{level.name}",
                           range_start=bucket_start(datetime.fromtimestamp(FIRST_TICK, UTC), level.width),
                           range_end=bucket_start(datetime.fromtimestamp(LAST_TICK, UTC), level.width) + level.width,
                           organization_id=None, collector_id=None)
    refreshed = _stored_aggregates(collector.pk)

    for relation, rows in refreshed.items():
        assert rows, relation
        assert _same_rows(after_the_job[relation], rows), relation


def _stored_aggregates(collector_id: int) -> dict[str, list[tuple]]:
    """Every aggregate_store row of the collector, per relation, in key order."""
    stored = {}
    with connection.cursor() as cursor:
        for family in FAMILIES:
            for level in LEVELS:
                relation = f"aggregate_store.{family}_{level.name}"
                cursor.execute(f"SELECT * FROM {relation} WHERE collector_id = %s ORDER BY 1, 2, 3, 4",
                               [collector_id])
                stored[relation] = cursor.fetchall()
    return stored


def _same_rows(left: list[tuple], right: list[tuple]) -> bool:
    """Equal rows, floats within 1e-12 relative (sums taken in another order)."""
    return len(left) == len(right) and all(
        len(a) == len(b) and all(
            math.isclose(x, y, rel_tol=1e-12) if isinstance(x, float) and isinstance(y, float) else x == y
            for x, y in zip(a, b))
        for a, b in zip(left, right))


# -- the Community edition (continuous aggregates, PGlite + TimescaleDB TSL, tests/tsl.py) ------

TSL_ORG, TSL_COLLECTOR = 9013, 1313  # rows of their own on the shared engine, deleted after
A_YEAR_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(days=365)


def _tsl_rows(cursor, sql: str, params=None) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _tsl_insert_cpu_rows(cursor, times: list[datetime]) -> None:
    cursor.execute(
        "INSERT INTO cpu_sample (organization_id, collector_id, time, cpu, counters, user_pct, idle_pct)"
        " SELECT %s, %s, t, -1, '{1,2,3,4,5,6,7,8,9,10}', 25, 75 FROM unnest(%s::timestamptz[]) AS t",
        [TSL_ORG, TSL_COLLECTOR, times])


@pytest.mark.django_db(databases=["default", "tsl"], transaction=True)
def test_the_community_edition_drops_by_arrival_too(tsl_database):
    with connections[tsl_database.alias].cursor() as cursor:
        (job, schedule), = _tsl_rows(cursor, "SELECT job_id, schedule_interval FROM timescaledb_information.jobs"
                                             " WHERE proc_name = 'xat_retention_by_arrival'")
        assert schedule == timedelta(days=1)
        assert _tsl_rows(cursor, "SELECT count(*) FROM timescaledb_information.jobs"
                                 " WHERE proc_name = 'policy_retention'") == [(0,)]
        periods = dict(_tsl_rows(cursor, "SELECT key, value::interval FROM timescaledb_information.jobs,"
                                         " jsonb_each_text(config -> 'periods') WHERE job_id = %s", [job]))
        intervals = dict(_tsl_rows(cursor, "SELECT format('%I.%I', c.view_schema, c.view_name), d.time_interval"
                                           " FROM timescaledb_information.continuous_aggregates c"
                                           " JOIN timescaledb_information.dimensions d"
                                           " ON d.hypertable_name = c.materialization_hypertable_name"))
        # Every raw hypertable: 30 days after its 1-day chunks stop taking rows.
        raw = {f"public.{table}": timedelta(days=31) for table in SAMPLE_TABLES}
        # Every 1m and 1h level (1d is kept): its days after its chunks stop taking rows.
        aggregated = {f"public.{family}_{level}": timedelta(days=DEFAULT_RETENTION[level])
                      + intervals[f"public.{family}_{level}"] for family in FAMILIES for level in ("1m", "1h")}
        assert periods == raw | aggregated

        _tsl_insert_cpu_rows(cursor, [A_YEAR_AGO])
        try:
            cursor.execute("CALL run_job(%s)", [job])
            # Created now, its chunk stays, a year of sample time notwithstanding.
            assert _tsl_rows(cursor, "SELECT count(*) FROM cpu_sample WHERE organization_id = %s", [TSL_ORG]) == [(1,)]
            # A second later, with a retention of a second, it goes.
            time.sleep(1.1)
            cursor.execute("CALL xat_retention_by_arrival(0, %s::jsonb)",
                           [json.dumps({"periods": {"public.cpu_sample": "1 second"}})])
            assert _tsl_rows(cursor, "SELECT count(*) FROM cpu_sample WHERE organization_id = %s", [TSL_ORG]) == [(0,)]
        finally:
            cursor.execute("DELETE FROM cpu_sample WHERE organization_id = %s", [TSL_ORG])


@pytest.mark.django_db(databases=["default", "tsl"], transaction=True)
def test_the_community_edition_materialises_every_level_of_an_uploads_range(tsl_database):
    times = [A_YEAR_AGO + timedelta(seconds=5 * index) for index in range(24)]  # two minutes
    materialised = {}
    connection_tsl = connections[tsl_database.alias]
    with connection_tsl.cursor() as cursor:
        for level in LEVELS:
            (relation,) = _tsl_rows(cursor, "SELECT format('%%I.%%I', materialization_hypertable_schema,"
                                            " materialization_hypertable_name)"
                                            " FROM timescaledb_information.continuous_aggregates WHERE view_name = %s",
                                    [f"cpu_{level.name}"])[0]
            materialised[level.name] = f"SELECT count(*) FROM {relation} WHERE organization_id = {TSL_ORG}"
        _tsl_insert_cpu_rows(cursor, times)
    try:
        with connection_tsl.cursor() as cursor:
            assert {level: _tsl_rows(cursor, query)[0][0] for level, query in materialised.items()} == {
                "1m": 0, "1h": 0, "1d": 0}
        connection_tsl.close()  # the engine takes one connection at a time
        tsl_settings = {key: value for key, value in connection_tsl.settings_dict.items() if key != "TEST"}
        with default_connection_to(**tsl_settings):
            aggregates_refresh_range(organization_id=TSL_ORG, collector_id=TSL_COLLECTOR, start=times[0],
                                     end=times[-1])
        with connection_tsl.cursor() as cursor:
            counts = {level: _tsl_rows(cursor, query)[0][0] for level, query in materialised.items()}
        # Two minutes (or three, should the year-old second not fall on a minute), one hour
        # or two, one day or two: every level holds the range.
        assert counts["1m"] >= 2 and counts["1h"] >= 1 and counts["1d"] >= 1, counts
    finally:
        with connection_tsl.cursor() as cursor:
            cursor.execute("DELETE FROM cpu_sample WHERE organization_id = %s", [TSL_ORG])
            for level in LEVELS:
                cursor.execute("CALL refresh_continuous_aggregate(%s, %s::timestamptz, %s::timestamptz)",
                               [f"cpu_{level.name}", A_YEAR_AGO - timedelta(days=2), A_YEAR_AGO + timedelta(days=2)])
