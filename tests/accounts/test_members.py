"""GET/POST /api/organization/members/."""

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
    user = getattr(acme, role)
    assert api_client(user).get(URL).status_code == 403
    assert api_client(user).post(URL, {"user": "x"}, format="json").status_code == 403


def test_it_adds_an_existing_user_by_username_or_email():
    acme = team_make("acme")
    user_make("bob")
    user_make("carol", email="carol@corp.example")
    by_name = api_client(acme.admin).post(URL, {"user": "bob", "role": "analyst"}, format="json")
    assert by_name.status_code == 201
    assert by_name.json()["username"] == "bob" and by_name.json()["role"] == "analyst"
    by_email = api_client(acme.admin).post(URL, {"user": "CAROL@corp.example"}, format="json")
    assert by_email.status_code == 201 and by_email.json()["role"] == "viewer"
    assert Membership.objects.filter(organization=acme.organization).count() == 5


def test_it_says_why_it_cannot_add():
    acme = team_make("acme")
    client = api_client(acme.admin)
    assert client.post(URL, {"user": "nobody"}, format="json").json() == {"user": ["No such user."]}
    assert client.post(URL, {"user": "acme-viewer"}, format="json").json() == {
        "user": ["Already a member of this organization."]
    }
    response = client.post(URL, {"user": "acme-viewer", "role": "owner"}, format="json")
    assert response.status_code == 400 and "role" in response.json()
