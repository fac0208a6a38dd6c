"""GET /dashboard/api/collectors/{id}/live/ (contract §7.1): window, bounds, shapes, the
C33 null rule and tenancy. The values themselves: test_live_oracle.py."""

from datetime import timedelta

import pytest

from tests.perfdash.session_ticks import TICKS, at, ending_now, trickle
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db
FIELDS = {"cpu": ["user", "system", "iowait", "idle", "steal"],
          "memory": ["total_mb", "used_mb", "available_mb", "buffers_mb", "cached_mb"],
          "disk": ["read_bytes", "write_bytes", "read_ops", "write_ops", "read_iops", "write_iops", "read_mbps",
                   "write_mbps"],
          "network": ["rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_mbps", "tx_mbps", "rx_pps", "tx_pps"]}


@pytest.fixture
def acme():
    team = team_make("acme")
    team.key = api_key_make(team.organization)[1]
    return team


def _live(team, collector, **params):
    return api_client(team.viewer).get(f"/dashboard/api/collectors/{collector.uuid}/live/", params)


def _collector(team):
    return team.organization.collectors.get()


def test_it_answers_the_no_data_shape_exactly_for_a_collector_without_samples(acme):
    collector = collector_make(acme.organization, name="quiet")
    response = _live(acme, collector)
    assert response.status_code == 200
    assert response.json() == {
        "collector_id": str(collector.uuid), "collector_name": "quiet", "has_live_data": False,
        "message": "No live metrics available. Start trickle mode collection.", "timestamps": [],
        "cpu": {}, "memory": {}, "disk": {}, "network": {}}


def test_it_gives_the_last_10_minutes_by_default_and_minutes_when_asked(client, acme):
    trickle(client, acme.key, ending_now(TICKS[:3], seconds_ago=15 * 60) + ending_now(TICKS[3:6], seconds_ago=60))
    collector = _collector(acme)

    default = _live(acme, collector).json()
    assert default["has_live_data"] is True and default["sample_count"] == 3 == len(default["timestamps"])
    assert list(default) == ["collector_id", "collector_name", "has_live_data", "sample_count", "timestamps", "cpu",
                             "memory", "disk", "network"]
    assert {group: list(default[group]) for group in FIELDS} == FIELDS
    assert all(len(series) == 3 for group in FIELDS for series in default[group].values())
    assert _live(acme, collector, minutes=20).json()["sample_count"] == 6


@pytest.mark.parametrize("since", ["{iso}", "{naive}", "{z}"], ids=["offset", "naive is UTC", "Z"])
def test_it_starts_at_since_inclusive_whatever_the_now(client, acme, since):
    trickle(client, acme.key, TICKS[:6])  # captured months ago
    third = at(TICKS[2])
    text = since.format(iso=third.isoformat(), naive=third.replace(tzinfo=None).isoformat(),
                        z=third.isoformat().replace("+00:00", "Z"))
    answer = _live(acme, _collector(acme), since=text).json()
    assert answer["timestamps"] == [at(tick).isoformat() for tick in TICKS[2:6]]


def test_it_falls_back_to_minutes_when_since_cannot_be_read(client, acme):
    trickle(client, acme.key, TICKS[:6])
    answer = _live(acme, _collector(acme), since="yesterday", minutes=5).json()
    assert answer["has_live_data"] is False  # 5 minutes before now: the capture is older


def test_it_starts_a_since_further_back_than_24_hours_24_hours_before_the_newest_sample(client, acme):
    """A live page resuming its polling after a long pause gets the newest day, not an error."""
    newest = at(TICKS[5])
    day_before = [[{**item, "timestamp": item["timestamp"] - 86400} for item in tick] for tick in TICKS[4:6]]
    trickle(client, acme.key, day_before + TICKS[:6])
    long_ago = (newest - timedelta(days=30)).isoformat()
    answer = _live(acme, _collector(acme), since=long_ago).json()
    # The day before: only its tick exactly 24 hours before the newest is inside the bound.
    assert answer["timestamps"] == [at(tick).isoformat() for tick in day_before[1:] + TICKS[:6]]


def test_it_covers_at_most_24_hours_whatever_the_minutes(client, acme):
    trickle(client, acme.key, ending_now(TICKS[:2], seconds_ago=2 * 86400) + ending_now(TICKS[2:4], seconds_ago=60))
    answer = _live(acme, _collector(acme), minutes=10**15).json()
    assert answer["sample_count"] == 2  # the ticks of two days ago are past the 24-hour bound


@pytest.mark.parametrize("minutes", ["ten", "2.5", "0", "-3"])
def test_it_answers_400_with_an_error_for_bad_minutes(acme, minutes):
    response = _live(acme, collector_make(acme.organization), minutes=minutes)
    assert response.status_code == 400
    assert response.json()["error"].startswith("minutes: ")


def test_it_sends_0_for_missing_counters_and_null_for_missing_rates(client, acme):
    without_disks = [[item for item in tick if item["subsystem"] != "/proc/diskstats"] for tick in TICKS[:3]]
    trickle(client, acme.key, without_disks)
    answer = _live(acme, _collector(acme), since=at(TICKS[0]).isoformat()).json()
    assert answer["disk"]["read_bytes"] == [0, 0, 0] and answer["disk"]["write_ops"] == [0, 0, 0]
    assert answer["disk"]["read_iops"] == [None, None, None] and answer["disk"]["write_mbps"] == [None] * 3
    assert answer["cpu"]["idle"][0] == 0 and answer["cpu"]["idle"][1] > 0  # first tick: no CPU yet
    assert answer["network"]["rx_mbps"][0] is None and answer["network"]["rx_mbps"][1] is not None


def test_it_answers_404_for_another_organizations_collector_to_every_role(client, acme):
    globex = team_make("globex")
    trickle(client, api_key_make(globex.organization)[1], TICKS[:3])
    theirs = _collector(globex)
    for user in (acme.admin, acme.analyst, acme.viewer):
        response = api_client(user).get(f"/dashboard/api/collectors/{theirs.uuid}/live/",
                                        {"since": at(TICKS[0]).isoformat()})
        assert (response.status_code, response.json()) == (404, {"error": "Collector not found"})
    assert api_client().get(f"/dashboard/api/collectors/{theirs.uuid}/live/").status_code == 401
