"""The proof that both aggregate modes agree: the same real capture, ingested through the
agent endpoint into the Apache edition (aggregates kept by XAT) and into a real
Community edition (continuous aggregates, PGlite + TimescaleDB TSL, tests/tsl.py), gives
the same dashboard answers at raw, 1-minute and 1-hour resolution.

Numbers are compared to 1e-12 relative: SQL does not fix the order in which sum() adds
floats, so the two engines may differ in the last bit.
"""

import math
from datetime import UTC, datetime

import pytest
from django.db import connections

from metrics.aggregates import FAMILIES, LEVELS, aggregates_refresh
from tests.aggregates.test_refresh import FAR_FUTURE
from tests.conftest import default_connection_to
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES
from tests.personas import api_client, api_key_make, team_make

CAPTURE = next(path for path in CAPTURES if path.name == "azure-loadtest-3")
CHARTS = ("cpu", "memory", "disk", "network", "filesystem")
# The capture spans 630 s: every point count below picks one resolution (checked).
RESOLUTIONS = {"raw": 1000, "1m": 20, "1h": 2}
DAY = 86400


@pytest.fixture(autouse=True)
def retention_keeps_the_capture(settings):
    """The capture is older than the default retention, which would make the charts skip raw
    and 1m (metrics.dashboard.resolution_choose)."""
    settings.XAT_RETENTION_DAYS = dict.fromkeys(("raw", "1m", "1h", "1d"), 0)


def _scenario(client, refresh) -> dict:
    team = team_make("editions")
    _, key = api_key_make(team.organization)
    ticks = capture_ticks(CAPTURE)
    for tick in ticks:
        assert post_like_pcc(client, key, envelope("editions-host", tick)).status_code == 200
    refresh()
    collector = team.organization.collectors.get(identifier="editions-host")
    start, end = ticks[0][0]["timestamp"], ticks[-1][0]["timestamp"] + 1
    dashboard = api_client(team.viewer)
    answers = {}
    for chart in CHARTS:
        for resolution, points in RESOLUTIONS.items():
            for extra in ({}, {"stat": "max"}, {"per_core": 1} if chart == "cpu" else {}):
                response = dashboard.get(f"/api/dashboard/collectors/{collector.pk}/{chart}/",
                                         {"start": start, "end": end, "points": points, **extra})
                assert response.status_code == 200, response.content
                body = response.json()
                assert body["resolution"] == resolution, (chart, points, body["resolution"])
                body.pop("collector")
                answers[chart, resolution, tuple(extra.items())] = body
    summary = dashboard.get(f"/api/dashboard/collectors/{collector.pk}/summary/", {"start": start, "end": end})
    assert summary.status_code == 200
    answers["summary"] = {key: value for key, value in summary.json().items() if key != "collector"}
    return answers


def _refresh_continuous_aggregates():
    with connections["default"].cursor() as cursor:
        for level in LEVELS:
            for family in FAMILIES:
                cursor.execute("CALL refresh_continuous_aggregate(%s, NULL, NULL)", [f"{family}_{level.name}"])


def _same(left, right, where="") -> list[str]:
    if isinstance(left, float) and isinstance(right, float):
        return [] if math.isclose(left, right, rel_tol=1e-12, abs_tol=1e-12) else [f"{where}: {left} != {right}"]
    if isinstance(left, dict) and isinstance(right, dict):
        if left.keys() != right.keys():
            return [f"{where}: keys {sorted(left)} != {sorted(right)}"]
        return [d for key in left for d in _same(left[key], right[key], f"{where}.{key}")]
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return [f"{where}: {len(left)} != {len(right)} items"]
        return [d for index, (a, b) in enumerate(zip(left, right)) for d in _same(a, b, f"{where}[{index}]")]
    return [] if left == right else [f"{where}: {left!r} != {right!r}"]


def _in_both_editions(tsl_database, scenario, apache_refresh) -> dict:
    """scenario's answers under the Apache edition (refreshed by apache_refresh) and under the
    Community edition's engine (its continuous aggregates refreshed), asserted equal; the
    Apache edition's answers."""
    apache = scenario(apache_refresh)
    connections[tsl_database.alias].close()  # the engine takes one connection at a time
    tsl_settings = {key: value for key, value in connections[tsl_database.alias].settings_dict.items() if key != "TEST"}
    with default_connection_to(**tsl_settings):
        community = scenario(_refresh_continuous_aggregates)
    tsl_database.truncate_hypertables()

    assert apache.keys() == community.keys()
    differences = [d for key in apache for d in _same(apache[key], community[key], str(key))]
    assert not differences, f"{len(differences)} differences, first: {differences[:5]}"
    return apache


@pytest.mark.django_db(databases=["default", "tsl"], transaction=True)
def test_the_dashboard_answers_the_same_in_both_editions(client, tsl_database):
    apache = _in_both_editions(tsl_database, lambda refresh: _scenario(client, refresh),
                               lambda: aggregates_refresh(now=FAR_FUTURE))
    series = [value for body in apache.values() for values in body.get("series", {}).values() for value in values]
    assert sum(value is not None for value in series) > 1000  # not an agreement on empty answers


def _unrefreshed_scenario(client, refresh) -> dict:
    """The capture trickled after the aggregates were refreshed past its times (a tick of
    another host a day after it, then the refresh): its buckets lie below every watermark,
    in no aggregate until the next refresh, and each chart computes them from the samples
    (metrics.dashboard._chart_rows). A day, not the wall clock: the Community engine's
    watermarks outlive the test (tests/test_tsl_engine.py's samples of June 2026 must stay
    above them)."""
    team = team_make("late")
    _, key = api_key_make(team.organization)
    ticks = capture_ticks(CAPTURE)
    current = [{**m, "timestamp": m["timestamp"] + DAY} for m in ticks[-1]]
    assert post_like_pcc(client, key, envelope("current-host", current)).status_code == 200
    refresh()
    for tick in ticks:
        assert post_like_pcc(client, key, envelope("late-host", tick)).status_code == 200
    collector = team.organization.collectors.get(identifier="late-host")
    start, end = ticks[0][0]["timestamp"], ticks[-1][0]["timestamp"] + 1
    answers = {}
    for chart in CHARTS:
        for resolution, points in RESOLUTIONS.items():
            response = api_client(team.viewer).get(f"/api/dashboard/collectors/{collector.pk}/{chart}/",
                                                   {"start": start, "end": end, "points": points})
            assert response.status_code == 200, response.content
            body = response.json()
            assert body["resolution"] == resolution, (chart, points, body["resolution"])
            body.pop("collector")
            answers[chart, resolution] = body
    return answers


@pytest.mark.django_db(databases=["default", "tsl"], transaction=True)
def test_both_editions_compute_the_levels_not_refreshed_yet_alike(client, tsl_database):
    day_after = datetime.fromtimestamp(capture_ticks(CAPTURE)[-1][0]["timestamp"] + DAY + 60, UTC)
    apache = _in_both_editions(tsl_database, lambda refresh: _unrefreshed_scenario(client, refresh),
                               lambda: aggregates_refresh(now=day_after))
    for (chart, resolution), body in apache.items():
        values = [value for values in body["series"].values() for value in values]
        values += [value for item in body.get("items", []) for values in item["series"].values() for value in values]
        assert any(value is not None for value in values), (chart, resolution)
