"""GET /api/organization/members/ (people join by invitation: test_invitations*.py)."""

import pytest

from accounts.models import Membership
from tests.personas import api_client, team_make, user_make

pytestmark = pytest.mark.django_db
URL = "/api/organization/members/"


def test_it_lists_the_members_to_an_admin():
    acme = team_make("acme")
    team_make("globex")
    response = api_client(acme.admin).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(m["username"], m["role"]) for m in body["results"]] == [
        ("acme-admin", "admin"), ("acme-analyst", "analyst"), ("acme-viewer", "viewer")
    ]


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_refuses_non_admins(role):
    acme = team_make("acme")
    assert api_client(getattr(acme, role)).get(URL).status_code == 403


def test_it_adds_nobody_by_name_or_address():
    """An admin once added any existing user by username or email, and learnt from the
    answer whether such a user existed, and their address."""
    acme = team_make("acme")
    user_make("bob")
    user_make("carol", email="carol@corp.example")
    for user_ref in ("bob", "carol@corp.example", "nobody"):
        response = api_client(acme.admin).post(URL, {"user": user_ref, "role": "analyst"}, format="json")
        assert response.status_code == 405
        assert "carol" not in response.content.decode() and "No such user" not in response.content.decode()
    assert Membership.objects.filter(organization=acme.organization).count() == 3
