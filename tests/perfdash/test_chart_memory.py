"""GET /dashboard/api/collectors/{id}/memory/ (§6.2): MiB (kB / 1024) and the endpoint's own
"used" (total - available), MemFree + Buffers + Cached standing in for a missing or zero
MemAvailable."""

import re
from datetime import UTC, datetime

import pytest

from metrics import dashboard
from tests.perfdash.replay import (ORACLES, TICKS, assert_chart_shape, assert_hidden_from_other_organizations,
                                   assert_no_data_without_samples, assert_rounded, oracle_rows, CAPTURE,
                                   retention_keeps_the_captures, uploaded, DAY, days_of_ticks)  # noqa: F401
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db
MEM_TOTAL_KB = 16327188  # MemTotal of every /proc/meminfo of the capture


def _get(team, collector, **params):
    return api_client(team.viewer).get(f"/dashboard/api/collectors/{collector.uuid}/memory/", params)


def _with_meminfo(ticks, change) -> list[list[dict]]:
    return [[{**m, "measurement": change(m["measurement"])} if m["subsystem"] == "/proc/meminfo" else m
             for m in tick] for tick in ticks]


def test_it_answers_the_contract_shape_in_mib():
    team = team_make("acme")
    collector = uploaded(team).collector

    answer = _get(team, collector).json()

    assert_chart_shape(answer, "memory", collector)
    assert set(answer["mem_total"]) == {round(MEM_TOTAL_KB / 1024, 2)}
    expected = ORACLES["memory"]()
    for index, t in enumerate(sorted(expected)):
        # used is total - available here, not the sysstat "used" of XAT's own chart (kbmemused).
        assert_rounded(answer["mem_used"][index], expected[t]["mem_used"], t)
        assert_rounded(answer["mem_used_percent"][index], expected[t]["mem_used_percent"], t)


@pytest.mark.parametrize("change", [
    lambda text: re.sub(r"MemAvailable:\s+\d+ kB\n", "", text),
    lambda text: re.sub(r"MemAvailable:\s+\d+ kB", "MemAvailable:          0 kB", text),
], ids=["missing", "zero"])
def test_it_takes_free_buffers_and_cached_without_mem_available(change):
    team = team_make("acme")
    collector = uploaded(team, ticks=_with_meminfo(TICKS, change)).collector

    answer = _get(team, collector).json()

    rows = {int(row["timestamp"]): row for row in oracle_rows(CAPTURE, "proc/meminfo")}
    assert len(answer["timestamps"]) == len(rows)
    for index, t in enumerate(sorted(rows)):
        row = {column: float(value) for column, value in rows[t].items()}
        available = row["kbmemfree"] + row["kbbuffers"] + row["kbcached"]
        assert_rounded(answer["mem_available"][index], available / 1024, t)
        assert_rounded(answer["mem_used"][index], (MEM_TOTAL_KB - available) / 1024, t)


def test_it_hides_other_organizations_collectors():
    assert_hidden_from_other_organizations("memory")


def test_it_answers_no_data_for_a_collector_without_samples():
    assert_no_data_without_samples("memory")


def test_it_shows_the_newest_days_of_a_longer_range(monkeypatch):
    monkeypatch.setattr(dashboard, "POINTS_DEFAULT", 10)  # 1,000 days of chunks exhaust a test's lock table
    team = team_make("acme")
    collector = uploaded(team, ticks=days_of_ticks(15)).collector
    t = TICKS[1][0]["timestamp"]
    newest = [datetime.fromtimestamp((t - back * DAY) // 3600 * 3600, UTC).isoformat() for back in range(9, -1, -1)]

    for params in ({}, {"hours": dashboard.HOURS_MAX}):  # the upload's range; 20 years back from its last sample
        answer = _get(team, collector, **params).json()
        assert answer["timestamps"] == newest, params
        for value in answer["mem_used_percent"]:
            assert_rounded(value, ORACLES["memory"]()[t]["mem_used_percent"], t)
    refused = _get(team, collector, hours=10**7)
    assert refused.status_code == 400 and "hours" in refused.json()["error"] and len(refused.content) < 500
