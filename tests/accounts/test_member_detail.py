"""PATCH/DELETE /api/organization/members/{id}/."""

import pytest

from accounts.models import Membership
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db


def url(user, organization):
    return f"/api/organization/members/{Membership.objects.get(user=user, organization=organization).pk}/"


def test_it_changes_a_role():
    acme = team_make("acme")
    response = api_client(acme.admin).patch(url(acme.viewer, acme.organization), {"role": "analyst"}, format="json")
    assert response.status_code == 200 and response.json()["role"] == "analyst"
    assert Membership.objects.get(user=acme.viewer).role == "analyst"


def test_it_removes_a_member():
    acme = team_make("acme")
    assert api_client(acme.admin).delete(url(acme.analyst, acme.organization)).status_code == 204
    assert not Membership.objects.filter(user=acme.analyst).exists()
    assert api_client(acme.analyst).get("/api/collectors/").status_code == 403


def test_it_keeps_the_last_admin():
    acme = team_make("acme")
    mine = url(acme.admin, acme.organization)
    demoted = api_client(acme.admin).patch(mine, {"role": "viewer"}, format="json")
    assert demoted.status_code == 400
    assert demoted.json() == {"role": ["An organization keeps at least one admin."]}
    assert api_client(acme.admin).delete(mine).status_code == 400
    api_client(acme.admin).patch(url(acme.analyst, acme.organization), {"role": "admin"}, format="json")
    assert api_client(acme.admin).delete(mine).status_code == 204


def test_it_answers_404_for_another_organizations_member():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = url(globex.viewer, globex.organization)
    assert api_client(acme.admin).patch(theirs, {"role": "admin"}, format="json").status_code == 404
    assert api_client(acme.admin).delete(theirs).status_code == 404
    assert Membership.objects.get(user=globex.viewer).role == "viewer"


def test_it_refuses_non_admins():
    acme = team_make("acme")
    assert api_client(acme.analyst).delete(url(acme.viewer, acme.organization)).status_code == 403
