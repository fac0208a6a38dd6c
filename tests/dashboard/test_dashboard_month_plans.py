"""A 30-day chart reads one level, a few chunks, in a fixed number of statements, on data
whose raw chunks span more than the raw retention.

A 30-day window always starts before the raw retention (30 days), so the choice of level
once looked up what every level still held for the collector (dashboard_levels_first, a
descent of the four levels' views) before every such chart: 40-83 ms of a 30-day chart's
45-65 ms on 3 hosts x 30 days (issue 19). The level a 30-day chart reads at 1,000 points,
1h, is kept 730 days: retention alone says it holds the window (metrics.dashboard,
_level_choose). These tests count what the request really does: its statements (Django's
cursor) and the chunks it scans (pg_stat_xact_all_tables: this transaction's scans of each
chunk, TimescaleDB's or the Apache edition's aggregate tables')."""

import time
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.aggregates import aggregates_refresh
from metrics.models import Collector
from tests.dashboard.capture import LAST_TICK, TICKS
from tests.ingest.agent import envelope, post_like_pcc
from tests.personas import api_client, api_key_make, team_make

pytestmark = pytest.mark.django_db
DAY = 86400
DAYS = 40  # of samples, one pair of ticks a day: more daily raw chunks than 30 days hold

# The chunks this transaction scanned so far, by hypertable (each scan of a chunk: a
# sequential scan or an index scan started on it; a chunk excluded, at plan or run time,
# is not started). A level's hypertable is named as the Apache edition names it,
# aggregate_store.<family>_<level>; the Community edition's materialisation hypertables
# by their continuous aggregate's name.
CHUNK_SCANS = """
SELECT coalesce('aggregate_store.' || a.view_name, h.schema_name || '.' || h.table_name),
       s.relid::regclass::text, s.seq_scan + s.idx_scan
FROM pg_stat_xact_all_tables s
JOIN _timescaledb_catalog.chunk c ON c.schema_name = s.schemaname AND c.table_name = s.relname
JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id
LEFT JOIN timescaledb_information.continuous_aggregates a
       ON a.materialization_hypertable_schema = h.schema_name AND a.materialization_hypertable_name = h.table_name
"""


def _chunk_scans() -> dict[str, tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(CHUNK_SCANS)
        return {chunk: (hypertable, scans) for hypertable, chunk, scans in cursor.fetchall()}


def _chunks_read(before: dict, after: dict) -> dict[str, int]:
    """{hypertable: number of its chunks scanned between the two snapshots}."""
    read: dict[str, int] = {}
    for chunk, (hypertable, scans) in after.items():
        if scans > before.get(chunk, (hypertable, 0))[1]:
            read[hypertable] = read.get(hypertable, 0) + 1
    return read


@pytest.fixture
def month_host(client, settings):
    """acme's collector "host" with the capture's first pair of ticks (cpu, memory) once a
    day for DAYS days ending today (one raw chunk a day and hypertable), every level
    materialised; the default retention periods."""
    settings.XAT_RETENTION_DAYS = {"raw": 30, "1m": 90, "1h": 730, "1d": 0}
    team = team_make("acme")
    _, key = api_key_make(team.organization, name="fleet")
    shift = (int(time.time()) - LAST_TICK) // DAY * DAY  # whole days: the last tick is today's, in the past
    pair = [[m for m in tick if m["subsystem"] in ("/proc/stat", "/proc/meminfo")] for tick in TICKS[:2]]
    for back in range(DAYS - 1, -1, -1):
        for tick in pair:
            moved = [{**m, "timestamp": m["timestamp"] + shift - back * DAY} for m in tick]
            assert post_like_pcc(client, key, envelope("host", moved)).status_code == 200
    aggregates_refresh(now=datetime.now(UTC))
    collector = Collector.objects.get(organization=team.organization, identifier="host")
    return team, collector


def _month_chart(team, collector, family: str, *, path: str = "/api/dashboard/collectors/{pk}/{family}/",
                 params: dict | None = None):
    with CaptureQueriesContext(connection) as queries:
        before = _chunk_scans()
        response = api_client(team.viewer).get(path.format(pk=collector.pk, uuid=collector.uuid, family=family),
                                               params or {"hours": 720, "points": 1000})
        after = _chunk_scans()
    assert response.status_code == 200, response.content
    # The two snapshots are statements of this test, not of the request.
    return response.json(), [query["sql"] for query in queries][1:-1], _chunks_read(before, after)


def _raw_chunks(hypertable: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = %s",
                       [hypertable])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("family", ["cpu", "memory"])
def test_it_charts_a_month_in_a_fixed_number_of_statements(month_host, family):
    team, collector = month_host
    answer, statements, _ = _month_chart(team, collector, family)

    assert answer["resolution"] == "1h" and len(answer["timestamps"]) == 721
    # Today's hour and the 30 before it, the first the window's first bucket (1h holds it all).
    assert sum(value is not None for value in next(iter(answer["series"].values()))) == 31
    # 1 the token's user with their memberships (accounts.authentication), 2 the collector,
    # 3 generic plans for the transaction (dashboard_plans_generic), 4 the chart at 1h.
    # No look at what the levels hold (dashboard_levels_first): 1h is kept 730 days.
    assert len(statements) == 4, statements
    assert not any("memory_levels m" in sql for sql in statements), statements


@pytest.mark.parametrize("family", ["cpu", "memory"])
def test_it_charts_a_month_from_a_few_chunks_of_one_level(month_host, family):
    team, collector = month_host
    assert _raw_chunks(f"{family}_sample") >= DAYS  # one a day: what a scan of raw samples would start
    _, _, read = _month_chart(team, collector, family)

    # The hours stored (one chunk of aggregate_store.<family>_1h, 90 days) and, above their
    # watermark, the real-time part's newest minutes and raw samples: at most one chunk each
    # (the watermarks are those of the refresh above, the last tick's minute).
    assert read.get(f"aggregate_store.{family}_1h", 0) <= 2, read
    assert read.get(f"aggregate_store.{family}_1m", 0) <= 1, read
    assert read.get(f"public.{family}_sample", 0) <= 1, read
    assert sum(read.values()) <= 4, read
    # No other family, and no coarser level, is read.
    own = {f"aggregate_store.{family}_1h", f"aggregate_store.{family}_1m", f"public.{family}_sample"}
    assert set(read) <= own, read


def test_it_summarises_a_month_in_a_fixed_number_of_statements(month_host):
    team, collector = month_host
    answer, statements, _ = _month_chart(team, collector, "summary", params={"hours": 720})

    assert answer["resolution"] == "1m" and answer["metrics"]["memory_used"]["avg"] is not None
    # 1 the token's user with their memberships, 2 the collector, 3 generic plans, 4 the
    # summary at 1m (kept 90 days: no look at what raw still holds).
    assert len(statements) == 4, statements
    assert not any("memory_levels m" in sql for sql in statements), statements


def test_the_perf_dashboards_month_chart_reads_hours_without_looking_up_the_levels(month_host):
    team, collector = month_host
    answer, statements, read = _month_chart(team, collector, "cpu", path="/dashboard/api/collectors/{uuid}/{family}/",
                                            params={"hours": 720})

    assert len(answer["timestamps"]) == 31  # the hours holding a sample, the others left out
    assert not any("memory_levels m" in sql for sql in statements), statements
    assert set(read) <= {"aggregate_store.cpu_1h", "aggregate_store.cpu_1m", "public.cpu_sample"}, read
    assert sum(read.values()) <= 4, read
