"""GET /dashboard/api/trickle/active/ (contract §7.3): the organization's active sessions,
with CPU and memory averages of each collector's newest ticks checked against pcprocess."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import TrickleSession
from tests.oracle import oracle_rows
from tests.perfdash.session_ticks import CAPTURE, TICKS, ending_now, trickle
from tests.personas import api_client, api_key_make, team_make

pytestmark = pytest.mark.django_db


def _active(user):
    response = api_client(user).get("/dashboard/api/trickle/active/")
    assert response.status_code == 200
    return response.json()


def test_it_lists_the_active_sessions_with_the_averages_of_the_10_newest_ticks(client):
    acme = team_make("acme")
    ticks = ending_now(TICKS[:20], seconds_ago=5)
    trickle(client, api_key_make(acme.organization)[1], ticks)
    session = TrickleSession.objects.get()

    answer = _active(acme.viewer)

    # Independently: pcprocess's rows of the 10 newest ticks (original capture times).
    newest = {tick[0]["timestamp"] for tick in TICKS[10:20]}
    busy = [100 - float(row["%idle"]) for row in oracle_rows(CAPTURE, "proc/stat")
            if row["CPU"] == "-1" and int(row["timestamp"]) in newest]
    used = [float(row["kbmemused"]) for row in oracle_rows(CAPTURE, "proc/meminfo") if int(row["timestamp"]) in newest]
    total = next(int(line.split()[1]) for item in TICKS[19] if item["subsystem"] == "/proc/meminfo"
                 for line in item["measurement"].splitlines() if line.startswith("MemTotal:"))
    assert len(busy) == len(used) == 10
    (listed,) = answer["sessions"]
    assert answer["active_count"] == 1
    assert abs(listed["avg_cpu_percent"] - sum(busy) / 10) <= 0.05 + 1e-9
    assert abs(listed["avg_mem_percent"] - sum(used) / 10 / total * 100) <= 0.05 + 1e-9
    assert listed == {
        "session_id": str(session.pk), "collector_id": str(session.collector.uuid),
        "collector_name": session.collector.name, "started_at": session.started_at.isoformat(),
        "last_data_at": session.last_data_at.isoformat(), "sample_count": 20,
        "duration_seconds": (session.last_data_at - session.started_at).total_seconds(),
        "avg_cpu_percent": listed["avg_cpu_percent"], "avg_mem_percent": listed["avg_mem_percent"]}


def test_it_gives_0_averages_without_ticks_in_the_last_5_minutes(client):
    acme = team_make("acme")
    trickle(client, api_key_make(acme.organization)[1], TICKS[:3])  # captured months ago
    (listed,) = _active(acme.viewer)["sessions"]
    assert (listed["avg_cpu_percent"], listed["avg_mem_percent"]) == (0.0, 0.0)


def test_it_lists_neither_completed_sessions_nor_other_organizations(client):
    acme, globex = team_make("acme"), team_make("globex")
    trickle(client, api_key_make(globex.organization)[1], TICKS[:3])
    trickle(client, api_key_make(acme.organization)[1], TICKS[:3])
    TrickleSession.objects.filter(organization=acme.organization).update(
        last_received_at=timezone.now() - timedelta(minutes=3))
    api_client(acme.viewer).post("/dashboard/api/trickle/check-inactive/")

    for user in (acme.admin, acme.analyst, acme.viewer):
        assert _active(user) == {"active_count": 0, "sessions": []}
    assert _active(globex.viewer)["active_count"] == 1
