"""GET /api/dashboard/collectors/{id}/memory/, against pcprocess's rows of the same capture."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.aggregates import aggregates_refresh, retention_apply
from tests.dashboard.capture import FIRST_TICK, LAST_TICK, by_minute, close, full_minutes, oracle, replayed
from tests.oracle import MEMORY_COLUMNS

pytestmark = pytest.mark.django_db

def test_it_gives_the_raw_gauges_pcprocess_read(client):
    host = replayed(client)
    answer = host.get("memory", hours=1).json()

    assert answer["resolution"] == "raw" and "items" not in answer
    assert answer["units"]["mem_used_pct"] == "%" and answer["units"]["mem_used_kb"] == "kB"
    position = {t: index for index, t in enumerate(answer["timestamps"])}
    rows = oracle("proc/meminfo")
    for row in rows:
        index = position[int(row["timestamp"])]
        for theirs, ours in MEMORY_COLUMNS.items():
            assert close(answer["series"][ours][index], float(row[theirs])), (row, theirs)
    assert len(rows) > 100


def test_it_gives_minute_averages_and_maxima_of_pcprocess_rows(client):
    host = replayed(client)
    averages = host.get("memory", start=FIRST_TICK, end=LAST_TICK, points=20).json()
    maxima = host.get("memory", start=FIRST_TICK, end=LAST_TICK, points=20, stat="max").json()

    assert averages["resolution"] == "1m"
    rows = oracle("proc/meminfo")
    used = by_minute(rows, lambda row: float(row["%memused"]))
    for minute in full_minutes(rows):
        index = averages["timestamps"].index(minute)
        assert close(averages["series"]["mem_used_pct"][index], sum(used[minute]) / len(used[minute]))
        assert close(maxima["series"]["mem_used_pct"][index], max(used[minute]))


def test_it_reads_minutes_where_retention_dropped_the_raw_samples(client, settings):
    host = replayed(client)
    aggregates_refresh()
    settings.XAT_RETENTION_DAYS = {**settings.XAT_RETENTION_DAYS, "raw": 30}
    # 30 days and the raw chunk interval (1 day) after the capture arrived: its raw samples go.
    retention_apply(now=timezone.now() + timedelta(days=31, minutes=1))
    answer = host.get("memory", start=FIRST_TICK, end=LAST_TICK).json()

    assert answer["resolution"] == "1m"
    used = by_minute(oracle("proc/meminfo"), lambda row: float(row["%memused"]))
    for minute in full_minutes(oracle("proc/meminfo")):
        index = answer["timestamps"].index(minute)
        assert close(answer["series"]["mem_used_pct"][index], sum(used[minute]) / len(used[minute]))
