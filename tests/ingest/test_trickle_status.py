"""GET /api/trickle/status/: each collector's newest sample, recent ticks and state."""

import json
import time

import pytest

from tests.ingest.agent import post_like_pcc
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db


def _tick(timestamp: int) -> list[dict]:
    return [{"timestamp": timestamp, "subsystem": "/proc/meminfo",
             "measurement": "MemTotal: 1000 kB\nMemFree: 500 kB\nBuffers: 1 kB\nCached: 1 kB\nSlab: 1 kB\n"}]


def test_it_lists_each_collector_with_its_recent_ticks_and_state(client):
    team, other = team_make("acme"), team_make("globex")
    _, key = api_key_make(team.organization)
    now = int(time.time())
    body = json.dumps({"identifier": "live", "hostname": "live", "measurements": _tick(now - 60) + _tick(now - 10)})
    assert post_like_pcc(client, key, body.encode()).status_code == 200
    old = json.dumps({"identifier": "old", "hostname": "old", "measurements": _tick(now - 86400)})
    assert post_like_pcc(client, key, old.encode()).status_code == 200
    collector_make(team.organization, name="quiet")
    collector_make(other.organization, name="hidden")

    response = api_client(team.viewer).get("/api/trickle/status/")

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["collectors"]}
    assert set(rows) == {"live", "old", "quiet"}
    assert (rows["live"]["state"], rows["live"]["ticks_last_5_minutes"]) == ("active", 2)
    assert (rows["old"]["state"], rows["old"]["ticks_last_5_minutes"]) == ("stale", 0)
    assert (rows["quiet"]["state"], rows["quiet"]["last_sample"]) == ("never", None)
    assert rows["live"]["last_sample"].startswith(time.strftime("%Y-%m-%dT", time.gmtime(now - 10)))


def test_it_requires_a_login():
    assert api_client().get("/api/trickle/status/").status_code == 401
