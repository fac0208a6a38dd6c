"""GET /dashboard/api/collectors/{id}/trickle-status/ (contract §7.2)."""

import pytest

from tests.perfdash.session_ticks import TICKS, at, ending_now, trickle
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db


def _status(user, collector):
    return api_client(user).get(f"/dashboard/api/collectors/{collector.uuid}/trickle-status/")


def test_it_counts_the_ticks_of_the_last_5_minutes_and_all_of_them(client):
    acme = team_make("acme")
    key = api_key_make(acme.organization)[1]
    old = TICKS[:4]  # captured months ago
    recent = ending_now(TICKS[4:10], seconds_ago=10)
    older_than_5_minutes = ending_now(TICKS[10:12], seconds_ago=6 * 60)
    trickle(client, key, old + older_than_5_minutes + recent)
    collector = acme.organization.collectors.get()

    response = _status(acme.viewer, collector)

    assert response.status_code == 200
    collector.refresh_from_db()
    assert response.json() == {
        "collector_id": str(collector.uuid), "collector_name": collector.name, "trickle_active": True,
        "last_data_at": at(recent[-1]).isoformat(), "metrics_last_5min": len(recent),
        "total_metrics": len(old) + len(older_than_5_minutes) + len(recent), "collector_status": "connected",
        "collector_last_seen": collector.last_contact_at.isoformat()}


def test_it_says_inactive_when_nothing_came_for_5_minutes(client):
    acme = team_make("acme")
    trickle(client, api_key_make(acme.organization)[1], TICKS[:3])
    answer = _status(acme.viewer, acme.organization.collectors.get()).json()
    assert (answer["trickle_active"], answer["metrics_last_5min"], answer["total_metrics"]) == (False, 0, 3)


def test_it_answers_a_collector_that_never_sent_anything():
    acme = team_make("acme")
    answer = _status(acme.viewer, collector_make(acme.organization)).json()
    assert {key: answer[key] for key in ("trickle_active", "last_data_at", "metrics_last_5min", "total_metrics",
                                         "collector_status", "collector_last_seen")} == {
        "trickle_active": False, "last_data_at": None, "metrics_last_5min": 0, "total_metrics": 0,
        "collector_status": "pending", "collector_last_seen": None}


def test_it_answers_404_for_another_organizations_collector_to_every_role():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization)
    for user in (acme.admin, acme.analyst, acme.viewer):
        response = _status(user, theirs)
        assert (response.status_code, response.json()) == (404, {"error": "Collector not found"})
