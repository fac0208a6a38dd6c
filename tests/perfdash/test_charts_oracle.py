"""Every chart endpoint (§6.1-§6.4) against pcprocess's output for the same capture, in the
contract's units: trickled as pcc sends it, uploaded as a file, and read at an aggregate
level over a long range."""

from datetime import datetime

import pytest

from metrics.perfdash.charts import CONVERSIONS
from tests.dashboard.capture import moved_back, replayed
from tests.perfdash.replay import (ORACLES, ROUNDING, TICKS, assert_rounded, retention_keeps_the_captures,  # noqa: F401
                                   uploaded)
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db


def _seconds(timestamps: list[str]) -> list[int]:
    return [int(datetime.fromisoformat(text).timestamp()) for text in timestamps]


def _assert_oracle(answer: dict, family: str) -> None:
    expected = ORACLES[family]()
    assert _seconds(answer["timestamps"]) == sorted(expected)
    assert len(expected) > 100
    for field in CONVERSIONS[family].names:
        assert len(answer[field]) == len(expected)
        for value, t in zip(answer[field], sorted(expected)):
            assert_rounded(value, expected[t][field], (field, t))


@pytest.mark.parametrize("family", ORACLES)
def test_it_gives_pcprocess_values_of_a_trickled_capture(client, family):
    host = replayed(client, TICKS)  # through POST /v1/trickle, one tick per request

    # One hour back from the newest sample: the whole capture, at most 721 samples of 5 s,
    # fewer than the dashboard's 1,000 points: raw samples answer.
    response = api_client(host.team.viewer).get(f"/dashboard/api/collectors/{host.collector.uuid}/{family}/",
                                                {"hours": 1})

    assert response.status_code == 200
    _assert_oracle(response.json(), family)


@pytest.mark.parametrize("family", ORACLES)
def test_it_gives_pcprocess_values_of_an_uploaded_capture(family):
    team = team_make("acme")
    capture = uploaded(team)

    # No `hours`: the range is the newest upload's.
    response = api_client(team.viewer).get(f"/dashboard/api/collectors/{capture.collector.uuid}/{family}/")

    assert response.status_code == 200
    _assert_oracle(response.json(), family)


def test_it_gives_hourly_means_over_a_long_range():
    team = team_make("acme")
    # The capture and an earlier sample (its last interval's rate again) 499 hours before it.
    earlier = moved_back(TICKS[-2:], 499 * 3600)
    capture = uploaded(team, ticks=[*earlier, *TICKS])

    # 500 hours of data: 360,000 raw samples or 30,000 minutes, more than the dashboard's
    # 1,000 points, but 500 hourly buckets: the 1h level answers.
    answer = api_client(team.viewer).get(f"/dashboard/api/collectors/{capture.collector.uuid}/cpu/",
                                         {"hours": 500}).json()

    expected = ORACLES["cpu"]()
    hours = sorted({t // 3600 * 3600 for t in expected})
    assert _seconds(answer["timestamps"]) == [earlier[-1][0]["timestamp"] // 3600 * 3600, *hours]
    for field in CONVERSIONS["cpu"].names:
        assert_rounded(answer[field][0], expected[TICKS[-1][0]["timestamp"]][field], field)
    answer = {field: values[1:] for field, values in answer.items() if isinstance(values, list)}
    for index, hour in enumerate(hours):
        ticks = [t for t in expected if t // 3600 * 3600 == hour]
        for field in CONVERSIONS["cpu"].names:
            mean = sum(expected[t][field] for t in ticks) / len(ticks)
            assert abs(answer[field][index] - mean) <= ROUNDING + 1e-6, (field, hour)
