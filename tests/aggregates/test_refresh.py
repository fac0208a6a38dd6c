"""Apache edition: the aggregate relations, before and after the incremental refresher,
against an independent computation from pcprocess's own rows."""

import math
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from django.db import connection

from metrics import timescale
from metrics.aggregates import aggregates_refresh
from metrics.collectors import collector_delete
from metrics.models import Collector
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES, oracle_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _apache_edition():
    # make test runs on the Apache build; the Community edition is tests/aggregates/test_editions.py's.
    assert timescale.aggregate_mode() == "incremental"

CAPTURE = next(path for path in CAPTURES if path.name == "azure-loadtest-3")
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def _replay(client, ticks, identifier="host", key=None):
    key = key or organization_with_ingest_key(identifier)[1]
    for tick in ticks:
        assert post_like_pcc(client, key, envelope(identifier, tick)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM metrics_collector WHERE identifier = %s", [identifier])
        return cursor.fetchone()[0]


def _rows(relation: str, collector_id: int, columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT bucket, {columns} FROM {relation} WHERE collector_id = %s ORDER BY 1, 2",
                       [collector_id])
        return cursor.fetchall()


def _same(left: list[tuple], right: list[tuple]) -> bool:
    return len(left) == len(right) and all(
        len(a) == len(b) and all(x == y or (isinstance(x, float) and math.isclose(x, y, rel_tol=1e-12))
                                 for x, y in zip(a, b))
        for a, b in zip(left, right))


COLUMNS = "cpu, samples, user_pct_avg, user_pct_min, user_pct_max, user_pct_last, user_pct_count, idle_pct_sum"


def test_it_gives_the_same_rows_before_and_after_materialising(client):
    collector_id = _replay(client, capture_ticks(CAPTURE))
    live = {level: _rows(f"cpu_{level}", collector_id, COLUMNS) for level in ("1m", "1h", "1d")}
    assert len(live["1m"]) >= 5 * 10

    aggregates_refresh(now=FAR_FUTURE)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM aggregate_store.cpu_1m WHERE collector_id = %s", [collector_id])
        assert cursor.fetchone()[0] == len(live["1m"])
    for level in ("1m", "1h", "1d"):
        assert _same(_rows(f"cpu_{level}", collector_id, COLUMNS), live[level]), level


def test_it_matches_minute_statistics_computed_from_pcprocess_rows(client):
    collector_id = _replay(client, capture_ticks(CAPTURE))
    aggregates_refresh(now=FAR_FUTURE)
    rows = oracle_rows(CAPTURE, "proc/stat")
    first = min(int(row["timestamp"]) for row in rows)
    by_minute = defaultdict(list)
    for row in rows:
        if row["CPU"] == "-1":
            by_minute[int(row["timestamp"]) // 60 * 60].append((int(row["timestamp"]), float(row["%usr"])))
    stored = {int(bucket.timestamp()): values
              for bucket, *values in _rows("cpu_1m", collector_id,
                                           "cpu, samples, user_pct_avg, user_pct_min, user_pct_max, user_pct_last")
              if values[0] == -1}
    compared = 0
    for minute, samples in by_minute.items():
        if minute <= first // 60 * 60:
            continue  # pcprocess has no row for the second tick: its first minute differs
        values = [value for _, value in sorted(samples)]
        _, count, avg, low, high, last = stored[minute]
        assert count == len(values)
        assert math.isclose(avg, sum(values) / len(values), rel_tol=1e-9, abs_tol=1e-6)
        assert math.isclose(low, min(values), abs_tol=1e-6) and math.isclose(high, max(values), abs_tol=1e-6)
        assert math.isclose(last, values[-1], abs_tol=1e-6)
        compared += 1
    assert compared >= 9


def test_it_recomputes_only_what_late_ticks_changed(client):
    ticks = capture_ticks(CAPTURE)
    in_order = _replay(client, ticks, identifier="in-order")
    held_back = ticks[40:45]
    _, key = organization_with_ingest_key("late")
    late = _replay(client, ticks[:40] + ticks[45:], identifier="late", key=key)
    aggregates_refresh(now=FAR_FUTURE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM aggregate_invalidation")
        assert cursor.fetchone()[0] == 0
    _replay(client, held_back, identifier="late", key=key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM aggregate_invalidation WHERE level = '1m'")
        assert cursor.fetchone()[0] == len(held_back)

    recomputed = aggregates_refresh(now=FAR_FUTURE)

    assert recomputed["1m"] == 1 and recomputed["1h"] == 1
    for level in ("1m", "1h", "1d"):
        for relation in ("cpu", "disk_total", "network_total"):
            columns = COLUMNS if relation == "cpu" else "samples, tps_avg" if relation == "disk_total" else \
                "samples, rx_kb_ps_max"
            assert _same(_rows(f"{relation}_{level}", late, columns), _rows(f"{relation}_{level}", in_order, columns)), \
                (relation, level)


def test_it_deletes_a_collectors_aggregates_with_it(client):
    collector_id = _replay(client, capture_ticks(CAPTURE)[:30])
    aggregates_refresh(now=FAR_FUTURE)
    collector_delete(collector=Collector.objects.get(pk=collector_id))
    for level in ("1m", "1h", "1d"):
        assert _rows(f"cpu_{level}", collector_id, "cpu") == []
