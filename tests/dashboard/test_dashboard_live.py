"""GET /api/dashboard/collectors/{id}/live/?since=: the raw ticks after `since`."""

from datetime import UTC, datetime

import pytest

from tests.dashboard.capture import LAST_TICK, TICKS, close, oracle, replayed
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db


def test_it_gives_the_ticks_after_since_with_every_family(client):
    host = replayed(client)
    answer = host.get("live", since=LAST_TICK - 60).json()

    assert answer["resolution"] == "raw"
    assert answer["timestamps"] == list(range(LAST_TICK - 55, LAST_TICK + 1, 5))  # strictly after since
    assert set(answer["series"]) == {"cpu", "memory", "disk", "network"}
    assert answer["units"]["network"]["rx_kb_ps"] == "kB/s" and answer["units"]["cpu"]["busy"] == "%"
    stat = {int(row["timestamp"]): row for row in oracle("proc/stat", CPU="-1")}
    meminfo = {int(row["timestamp"]): row for row in oracle("proc/meminfo")}
    for index, t in enumerate(answer["timestamps"]):
        assert close(answer["series"]["cpu"]["user"][index], float(stat[t]["%usr"]))
        assert close(answer["series"]["cpu"]["busy"][index], 100 - float(stat[t]["%idle"]))
        assert close(answer["series"]["memory"]["mem_used_pct"][index], float(meminfo[t]["%memused"]))
        assert answer["series"]["disk"]["tps"][index] is not None
        assert answer["series"]["network"]["rx_kb_ps"][index] is not None


def test_it_gives_nothing_newer_than_the_latest_sample(client):
    host = replayed(client, TICKS[:5])
    answer = host.get("live", since=datetime.fromtimestamp(TICKS[4][0]["timestamp"], UTC).isoformat()).json()
    assert answer["timestamps"] == [] and answer["series"]["cpu"]["user"] == []


@pytest.mark.parametrize("params", [{}, {"since": "a while ago"}, {"since": LAST_TICK - 3601}])
def test_it_refuses_a_missing_unparsable_or_too_old_since(client, params):
    host = replayed(client)
    response = host.get("live", **params)
    assert response.status_code == 400 and list(response.json()) == ["since"]


def test_it_answers_empty_arrays_for_a_collector_without_data():
    team = team_make("acme")
    collector = collector_make(team.organization, name="silent")
    response = api_client(team.viewer).get(f"/api/dashboard/collectors/{collector.pk}/live/", {"since": 0})
    assert response.status_code == 200 and response.json()["timestamps"] == []


def test_it_answers_404_for_another_organizations_collector(client):
    host = replayed(client, TICKS[:3])
    outsider = team_make("globex")
    assert host.get("live", user=outsider.viewer, since=LAST_TICK).status_code == 404
