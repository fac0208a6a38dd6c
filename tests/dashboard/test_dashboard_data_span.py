"""A chart's resolution follows the data inside its window (issue 19, sections 2 and 3).

The capture is 126 ticks at 5 s (10.5 minutes). A range of 24 hours or more around it once
chose its level from the range's length alone (1h at the default 1,000 points) and drew
the capture as one hourly mean; and a level not yet refreshed made a chart that fits it
answer 400 (the finer level holding the range had too many buckets for `points`)."""

import pytest

from metrics.aggregates import aggregates_refresh
from tests.dashboard.capture import FAR_FUTURE, FIRST_TICK, LAST_TICK, replayed, same_answer
from tests.personas import api_client

pytestmark = pytest.mark.django_db
DEFAULT_RETENTION = {"raw": 30, "1m": 90, "1h": 730, "1d": 0}  # xat/settings.py's defaults
KEPT = dict.fromkeys(DEFAULT_RETENTION, 0)


@pytest.mark.parametrize("hours", [6, 12, 17, 24, 168, 720])
def test_it_charts_a_short_capture_at_raw_whatever_the_hours(client, hours):
    host = replayed(client)
    short = host.get("cpu", hours=0.5).json()  # 361 nominal samples: raw
    answer = host.get("cpu", hours=hours).json()

    assert short["resolution"] == "raw" and len(short["timestamps"]) >= 120
    assert answer["resolution"] == "raw"
    assert answer["timestamps"] == short["timestamps"] and same_answer(answer["series"], short["series"])


@pytest.mark.parametrize("family", ["memory", "disk", "network"])
def test_every_family_charts_a_short_capture_at_raw(client, family):
    host = replayed(client)
    answer = host.get(family, hours=720).json()

    assert answer["resolution"] == "raw" and len(answer["timestamps"]) >= 120


def test_the_grid_of_a_finer_level_covers_the_data_not_the_window(client):
    host = replayed(client)
    # 10.5 minutes: more samples than 100 points, 11 or 12 minutes.
    answer = host.get("cpu", hours=720, points=100).json()

    assert answer["resolution"] == "1m"
    assert answer["timestamps"] == list(range(FIRST_TICK // 60 * 60, LAST_TICK // 60 * 60 + 1, 60))
    assert all(value is not None for value in answer["series"]["user"][1:])


@pytest.mark.parametrize("retention", [DEFAULT_RETENTION, KEPT], ids=["default-retention", "kept"])
def test_it_charts_what_the_data_spans_from_levels_not_refreshed_yet(client, settings, retention):
    """The upkeep ran before the capture arrived: its minutes lie below every watermark, in
    no aggregate yet, and a chart of a day around it is still drawn at raw."""
    settings.XAT_RETENTION_DAYS = retention
    aggregates_refresh()
    host = replayed(client)

    answer = host.get("cpu", hours=24).json()

    assert answer["resolution"] == "raw" and len(answer["timestamps"]) >= 120


def test_the_perf_dashboards_charts_follow_the_data_too(client):
    host = replayed(client)
    path = f"/dashboard/api/collectors/{host.collector.uuid}/cpu/"
    viewer = api_client(host.team.viewer)
    short = viewer.get(path, {"hours": 0.5}).json()

    for hours in (24, 168, 720):
        assert viewer.get(path, {"hours": hours}).json() == short
    assert len(short["timestamps"]) >= 120


@pytest.mark.parametrize("stat", ["avg", "max"])
@pytest.mark.parametrize("retention", [DEFAULT_RETENTION, KEPT], ids=["default-retention", "kept"])
def test_it_computes_minutes_not_refreshed_yet_from_the_samples(client, settings, stat, retention):
    """hours=1 at 61 points is 1m; the minutes of a capture that arrived after the upkeep's
    last run are in no aggregate yet: computed from the raw samples, as the upkeep will.
    Older than the default retention of 1m by its own times, the capture once made the
    chart look up what the levels hold, find raw only, and answer 400 (721 samples); kept
    forever, it read the empty 1m level and drew no value at all."""
    settings.XAT_RETENTION_DAYS = retention
    aggregates_refresh()
    host = replayed(client)
    params = {"hours": 1, "points": 61, "per_core": 1, "stat": stat}

    response = host.get("cpu", **params)

    assert response.status_code == 200, response.content
    before = response.json()
    assert before["resolution"] == "1m" and len(before["timestamps"]) == 61
    aggregates_refresh(now=FAR_FUTURE)
    assert same_answer(before, host.get("cpu", **params).json())


def test_it_still_refuses_what_no_level_answers_within_points(client):
    aggregates_refresh()
    host = replayed(client)

    response = host.get("cpu", hours=24 * 90, points=5)

    assert response.status_code == 400 and list(response.json()) == ["points"]
