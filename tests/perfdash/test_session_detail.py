"""GET /dashboard/api/sessions/{id}/ (contract §7.7): the session and its samples, raw for a
short session (point by point: test_live_oracle.py), aggregated for a long one."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from metrics.aggregates import aggregates_refresh, retention_apply
from metrics.models import TrickleSession
from tests.dashboard.capture import FIRST_TICK, by_minute, full_minutes, oracle, raw_counters, replayed
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
START = datetime.fromtimestamp(FIRST_TICK, UTC)


@pytest.fixture(autouse=True)
def retention_keeps_the_capture(settings):
    """The capture is older than the default retention of raw samples (see test_live_oracle)."""
    settings.XAT_RETENTION_DAYS = dict.fromkeys(("raw", "1m", "1h", "1d"), 0)


def _session(collector, *, hours: float, status: str = "completed") -> TrickleSession:
    end = START + timedelta(hours=hours)
    return TrickleSession.objects.create(
        organization=collector.organization, collector=collector, status=status, name="Long run",
        started_at=START, last_data_at=end, ended_at=end if status != "active" else None, last_received_at=end)


def _detail(user, session):
    return api_client(user).get(f"/dashboard/api/sessions/{session.pk}/")


def _positions(answer) -> dict[float, int]:
    """{Unix seconds: index} of the answer's timestamps."""
    return {datetime.fromisoformat(text).timestamp(): index for index, text in enumerate(answer["timestamps"])}


def _assert_minute_averages(answer) -> None:
    """The answer holds the capture in minute buckets, its cpu user and memory used the
    averages of pcprocess's rows over each full minute."""
    minutes = sorted(full_minutes(oracle("proc/stat")))
    user = by_minute(oracle("proc/stat", CPU="-1"), lambda row: float(row["%usr"]) + float(row["%nice"]))
    used = by_minute(oracle("proc/meminfo"), lambda row: float(row["kbmemused"]) / 1024)
    position = _positions(answer)
    assert all(datetime.fromisoformat(text).second == 0 for text in answer["timestamps"])
    assert len(minutes) >= 8 and answer["sample_count"] == len(answer["timestamps"]) < 20
    for minute in minutes:
        index = position[minute]
        assert abs(answer["cpu"]["user"][index] - sum(user[minute]) / len(user[minute])) <= 0.005 + 1e-9
        assert abs(answer["memory"]["used_mb"][index] - sum(used[minute]) / len(used[minute])) <= 0.005 + 1e-9


def test_it_averages_a_long_session_per_minute_with_each_minutes_last_counters(client):
    host = replayed(client)
    session = _session(host.collector, hours=2)  # 1441 raw ticks at 5 s: more than 1000 points

    answer = _detail(host.team.viewer, session).json()

    _assert_minute_averages(answer)
    counters = raw_counters()
    position = _positions(answer)
    for minute in full_minutes(oracle("proc/stat")):
        index = position[minute]
        # The cumulative counters of the minute's last tick, read from the raw rows; the rates averaged.
        last_tick = counters[max(tick for tick in counters if minute <= tick < minute + 60)]
        for field in ("disk.read_bytes", "disk.write_ops", "network.rx_bytes", "network.tx_packets"):
            group, name = field.split(".")
            assert answer[group][name][index] == last_tick[field], (minute, field)
        assert answer["network"]["rx_mbps"][index] is not None


def test_it_reads_minutes_where_retention_dropped_the_raw_samples(client, settings):
    host = replayed(client)
    session = _session(host.collector, hours=0.25)  # 181 raw ticks at most: raw, were they kept
    aggregates_refresh()
    settings.XAT_RETENTION_DAYS = {"raw": 30, "1m": 90, "1h": 0, "1d": 0}
    # 30 days and the raw chunk interval (1 day) after the capture arrived: its raw samples
    # go, its minutes stay (97 days). By age alone (the capture is older than 90 days) the
    # session would be read hourly.
    retention_apply(now=timezone.now() + timedelta(days=31, minutes=1))

    _assert_minute_averages(_detail(host.team.viewer, session).json())


def test_it_answers_the_session_fields_and_empty_arrays_for_an_empty_window():
    acme = team_make("acme")
    session = _session(collector_make(acme.organization, name="quiet"), hours=0.5, status="active")

    response = _detail(acme.viewer, session)

    assert response.status_code == 200
    answer = response.json()
    assert {key: answer[key] for key in list(answer)[:8]} == {
        "session_id": str(session.pk), "session_name": "Long run", "session_status": "active",
        "collector_id": str(session.collector.uuid), "collector_name": "quiet",
        "started_at": START.isoformat(), "ended_at": None, "sample_count": 0}
    assert answer["timestamps"] == [] and answer["cpu"]["user"] == [] and answer["network"]["rx_pps"] == []
    assert list(answer)[8:] == ["timestamps", "cpu", "memory", "disk", "network"]


def test_it_answers_404_for_another_organizations_session_to_every_role():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = _session(collector_make(globex.organization), hours=1)
    for user in (acme.admin, acme.analyst, acme.viewer):
        response = _detail(user, theirs)
        assert (response.status_code, response.json()) == (404, {"error": "Session not found"})
    assert api_client().get(f"/dashboard/api/sessions/{theirs.pk}/").status_code == 401
