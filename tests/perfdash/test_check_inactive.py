"""POST /dashboard/api/trickle/check-inactive/?timeout_minutes=2 (contract §7.4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import TrickleSession
from tests.perfdash.session_ticks import TICKS, at, trickle
from tests.personas import api_client, api_key_make, team_make

pytestmark = pytest.mark.django_db


def _streamed(client, team, host: str, ticks, *, idle: timedelta) -> TrickleSession:
    """A session of team's collector `host` made by ticks, its last request `idle` ago."""
    trickle(client, api_key_make(team.organization, name=host)[1], ticks, host=host)
    session = TrickleSession.objects.get(collector__identifier=host, organization=team.organization)
    TrickleSession.objects.filter(pk=session.pk).update(last_received_at=timezone.now() - idle)
    return session


def _check(user, **params):
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return api_client(user).post(f"/dashboard/api/trickle/check-inactive/?{query}")


def test_it_completes_the_sessions_idle_for_longer_than_2_minutes(client):
    acme = team_make("acme")
    idle = _streamed(client, acme, "idle-host", TICKS[:3], idle=timedelta(minutes=2, seconds=5))
    busy = _streamed(client, acme, "busy-host", TICKS[:2], idle=timedelta(minutes=1, seconds=55))

    response = _check(acme.viewer)

    assert response.status_code == 200
    assert response.json() == {"completed_count": 1, "completed_sessions": [
        {"session_id": str(idle.pk), "collector_name": idle.collector.name, "sample_count": 3}]}
    idle.refresh_from_db(), busy.refresh_from_db()
    assert (idle.status, idle.ended_at) == ("completed", at(TICKS[2]))
    assert busy.status == "active"


def test_it_takes_the_timeout_from_the_query_string(client):
    acme = team_make("acme")
    _streamed(client, acme, "host", TICKS[:2], idle=timedelta(seconds=70))
    assert _check(acme.admin, timeout_minutes=2).json()["completed_count"] == 0
    assert _check(acme.admin, timeout_minutes=1).json()["completed_count"] == 1


def test_it_lets_only_an_admin_end_sessions_idle_for_less_than_2_minutes(client):
    acme = team_make("acme")
    session = _streamed(client, acme, "host", TICKS[:2], idle=timedelta(seconds=10))
    for user in (acme.viewer, acme.analyst):
        assert _check(user, timeout_minutes=0).json()["completed_count"] == 0
    session.refresh_from_db()
    assert session.status == "active"
    assert _check(acme.admin, timeout_minutes=0).json()["completed_count"] == 1


@pytest.mark.parametrize("timeout", ["soon", "1.5", "-1", str(10**12)])
def test_it_answers_400_for_a_timeout_that_is_not_a_whole_number_of_minutes(timeout):
    response = _check(team_make("acme").viewer, timeout_minutes=timeout)
    assert response.status_code == 400 and response.json()["error"].startswith("timeout_minutes: ")


def test_it_leaves_other_organizations_sessions_alone(client):
    acme, globex = team_make("acme"), team_make("globex")
    theirs = _streamed(client, globex, "host", TICKS[:2], idle=timedelta(hours=1))

    for user in (acme.admin, acme.analyst, acme.viewer):
        assert _check(user).json() == {"completed_count": 0, "completed_sessions": []}

    theirs.refresh_from_db()
    assert theirs.status == "active"
    assert api_client().post("/dashboard/api/trickle/check-inactive/").status_code == 401
