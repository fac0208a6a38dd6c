"""A chart's resolution: a level not refreshed yet is computed from a finer one (issue 19,
section 3). The capture is 126 ticks at 5 s (10.5 minutes). A level not yet refreshed once
made a chart that fits it answer 400 (the finer level holding the range had too many
buckets for `points`), or draw nothing."""

import pytest

from metrics.aggregates import aggregates_refresh
from tests.dashboard.capture import FAR_FUTURE, replayed, same_answer

pytestmark = pytest.mark.django_db
DEFAULT_RETENTION = {"raw": 30, "1m": 90, "1h": 730, "1d": 0}  # xat/settings.py's defaults
KEPT = dict.fromkeys(DEFAULT_RETENTION, 0)


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
