"""GET /dashboard/api/collectors/{id}/cpu/ (§6.1): interval percentages of the total CPU
line, and the range every chart covers (`hours`, or the newest session or upload)."""

from datetime import UTC, datetime

import pytest

from metrics.models import SessionStatus, TrickleSession
from metrics.uploads.models import Upload
from tests.perfdash.replay import (ORACLES, TICKS, assert_chart_shape, assert_hidden_from_other_organizations,
                                   assert_no_data_without_samples, assert_rounded,
                                   retention_keeps_the_captures, uploaded)  # noqa: F401
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db


def _get(team, collector, **params):
    return api_client(team.viewer).get(f"/dashboard/api/collectors/{collector.uuid}/cpu/", params)


def _seconds(answer: dict) -> list[int]:
    return [int(datetime.fromisoformat(text).timestamp()) for text in answer["timestamps"]]


def _moment(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)


@pytest.fixture
def acme():
    team = team_make("acme")
    team.collector = uploaded(team).collector
    return team


def test_it_answers_the_contract_shape(acme):
    response = _get(acme, acme.collector)

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert_chart_shape(response.json(), "cpu", acme.collector)


def test_it_gives_interval_values_that_sum_to_100(acme):
    answer = _get(acme, acme.collector).json()

    sums = [sum(values) for values in zip(*(answer[f] for f in ("cpu_user", "cpu_system", "cpu_iowait", "cpu_idle",
                                                                 "cpu_steal")))]
    assert all(abs(total - 100) <= 0.03 for total in sums)
    # Interval values, not since-boot ratios (C30): the load test's busy share moves.
    assert max(answer["cpu_user"]) - min(answer["cpu_user"]) > 10


def test_it_counts_hours_back_from_the_newest_sample(acme):
    answer = _get(acme, acme.collector, hours=0.1).json()

    last = TICKS[-1][0]["timestamp"]
    expected = ORACLES["cpu"]()
    assert _seconds(answer) == [t for t in sorted(expected) if t >= last - 360]
    for index, t in enumerate(_seconds(answer)):
        assert_rounded(answer["cpu_idle"][index], expected[t]["cpu_idle"], t)


@pytest.mark.parametrize("hours", ["abc", "0", "-1", "nan", "inf", "1e9"])
def test_it_refuses_hours_that_are_not_a_positive_number(acme, hours):
    response = _get(acme, acme.collector, hours=hours)

    assert response.status_code == 400
    assert response.json()["error"].startswith("hours: ")


def test_it_reads_the_newest_upload_by_default():
    team = team_make("acme")
    collector = uploaded(team, ticks=TICKS[:60]).collector
    uploaded(team, collector=collector, ticks=TICKS[60:])

    answer = _get(team, collector).json()

    assert _seconds(answer) == [tick[0]["timestamp"] for tick in TICKS[60:]]


def test_it_reads_the_newest_session_when_it_ends_after_the_newest_upload(acme):
    start, last = TICKS[100][0]["timestamp"], TICKS[-1][0]["timestamp"]
    TrickleSession.objects.create(organization=acme.organization, collector=acme.collector, name="later",
                                  status=SessionStatus.COMPLETED, started_at=_moment(start),
                                  last_data_at=_moment(last), ended_at=_moment(last + 5),
                                  last_received_at=_moment(last + 5))

    answer = _get(acme, acme.collector).json()

    assert _seconds(answer) == [tick[0]["timestamp"] for tick in TICKS[100:]]


def test_it_answers_empty_arrays_when_the_range_holds_no_sample(acme):
    last = TICKS[-1][0]["timestamp"]
    TrickleSession.objects.create(organization=acme.organization, collector=acme.collector, name="silent",
                                  started_at=_moment(last + 3600), last_data_at=_moment(last + 3660),
                                  last_received_at=_moment(last + 3660))

    response = _get(acme, acme.collector)

    assert response.status_code == 200
    answer = response.json()
    assert answer["timestamps"] == [] and answer["cpu_user"] == [] and answer["cpu_steal"] == []


def test_it_reads_the_last_24_hours_without_session_or_upload(acme):
    Upload.objects.filter(collector=acme.collector).delete()  # the record only: the samples stay

    answer = _get(acme, acme.collector).json()

    # 24 hours are more than the dashboard's 1,000 points of 5 s, but the capture spans 10
    # minutes of them: its samples (issue 19: once one hourly mean).
    expected = ORACLES["cpu"]()
    assert _seconds(answer) == sorted(expected)
    for index, t in enumerate(sorted(expected)):
        assert_rounded(answer["cpu_idle"][index], expected[t]["cpu_idle"], t)


def test_it_hides_other_organizations_collectors():
    assert_hidden_from_other_organizations("cpu")


def test_it_answers_no_data_for_a_collector_without_samples():
    assert_no_data_without_samples("cpu")


def test_it_wants_a_token(acme):
    response = api_client().get(f"/dashboard/api/collectors/{acme.collector.uuid}/cpu/")

    assert response.status_code == 401
