"""POST /dashboard/api/sessions/{id}/complete/ (contract §7.8)."""

import pytest

from metrics.models import TrickleSession
from tests.perfdash.session_ticks import TICKS, at, trickle
from tests.personas import api_client, api_key_make, team_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(client):
    team = team_make("acme")
    trickle(client, api_key_make(team.organization)[1], TICKS[:4])
    team.session = TrickleSession.objects.get(organization=team.organization)
    return team


def _complete(user, session, body=None):
    return api_client(user).post(f"/dashboard/api/sessions/{session.pk}/complete/", body or {}, format="json")


def test_it_completes_the_session_at_its_last_sample_and_renames_it(acme):
    response = _complete(acme.admin, acme.session, {"name": "Load test 1"})

    assert response.status_code == 200
    assert response.json() == {"session_id": str(acme.session.pk), "status": "completed",
                               "ended_at": at(TICKS[3]).isoformat(), "sample_count": 4,
                               "message": "Session marked as completed"}
    acme.session.refresh_from_db()
    assert (acme.session.status, acme.session.name, acme.session.ended_at) == ("completed", "Load test 1",
                                                                               at(TICKS[3]))


def test_it_keeps_the_name_without_one_and_takes_an_empty_body(acme):
    name = acme.session.name
    response = api_client(acme.admin).post(f"/dashboard/api/sessions/{acme.session.pk}/complete/")
    assert response.status_code == 200
    acme.session.refresh_from_db()
    assert (acme.session.status, acme.session.name) == ("completed", name)


def test_it_answers_400_for_a_session_that_is_not_active(acme):
    assert _complete(acme.admin, acme.session).status_code == 200
    response = _complete(acme.admin, acme.session, {"name": "again"})
    assert (response.status_code, response.json()) == (400, {"error": "Session is not active"})
    acme.session.refresh_from_db()
    assert acme.session.name != "again"


def test_it_answers_400_for_a_name_longer_than_200_characters(acme):
    response = _complete(acme.admin, acme.session, {"name": "x" * 201})
    assert response.status_code == 400 and response.json()["error"].startswith("name: ")
    acme.session.refresh_from_db()
    assert acme.session.status == "active"


def test_it_needs_the_admin_role(acme):
    for user in (acme.analyst, acme.viewer):
        assert _complete(user, acme.session).status_code == 403
    acme.session.refresh_from_db()
    assert acme.session.status == "active"


def test_it_answers_404_for_another_organizations_session_to_every_role(client, acme):
    globex = team_make("globex")
    trickle(client, api_key_make(globex.organization)[1], TICKS[:2])
    theirs = TrickleSession.objects.get(organization=globex.organization)
    for user in (acme.admin, acme.analyst, acme.viewer):
        response = _complete(user, theirs, {"name": "mine now"})
        assert (response.status_code, response.json()) == (404, {"error": "Session not found"})
    theirs.refresh_from_db()
    assert (theirs.status, theirs.name) == ("active", f"Trickle {theirs.collector.identifier}")
