"""GET/POST /api/organization/invitations/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Invitation, Membership
from accounts.services import invitation_accept, invitation_create
from tests.personas import api_client, team_make, user_make

pytestmark = pytest.mark.django_db
URL = "/api/organization/invitations/"
# What differs between two invitations whatever the address: everything else must be equal.
PER_INVITATION = {"id", "email", "token", "created_at", "expires_at"}


def test_it_answers_the_same_whether_or_not_someone_has_the_address():
    acme, globex = team_make("acme"), team_make("globex")
    user_make("robert", email="bob@corp.example")
    client = api_client(acme.admin)
    known = client.post(URL, {"email": "bob@corp.example", "role": "analyst"}, format="json")
    unknown = client.post(URL, {"email": "nobody@corp.example", "role": "analyst"}, format="json")
    # A user of another organization, too: nothing tells acme that globex's viewer exists.
    other = client.post(URL, {"email": globex.viewer.email, "role": "analyst"}, format="json")
    assert known.status_code == unknown.status_code == other.status_code == 201
    assert set(known.json()) == set(unknown.json()) == set(other.json())
    same = {key: value for key, value in known.json().items() if key not in PER_INVITATION}
    assert same == {key: value for key, value in unknown.json().items() if key not in PER_INVITATION}
    assert same == {key: value for key, value in other.json().items() if key not in PER_INVITATION}
    assert same == {"role": "analyst", "status": "pending", "invited_by": "acme-admin"}
    for response in (known, other):
        told = str({key: value for key, value in response.json().items() if key != "email"})
        assert "robert" not in told and "globex" not in told
    assert Membership.objects.filter(organization=acme.organization).count() == 3


def test_it_shows_the_token_once_and_stores_only_its_hash(settings):
    settings.XAT_INVITATION_DAYS = 2
    acme = team_make("acme")
    body = api_client(acme.admin).post(URL, {"email": "new@corp.example"}, format="json").json()
    assert body["role"] == "viewer" and body["token"].startswith("xatinv_")
    lifetime = parse_datetime(body["expires_at"]) - parse_datetime(body["created_at"])
    assert abs(lifetime - timedelta(days=2)) < timedelta(seconds=5)
    row = Invitation.objects.get(pk=body["id"])
    assert body["token"] not in str(list(Invitation.objects.values_list()))
    assert row.token_hash and row.token_hash != body["token"]
    listed = api_client(acme.admin).get(URL).json()["results"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert "token" not in listed[0] and body["token"] not in str(listed)


def test_it_lists_open_invitations_newest_first_with_expired_ones():
    acme = team_make("acme")
    invited = {email: invitation_create(organization=acme.organization, email=email, role="viewer",
                                        invited_by=acme.admin)
               for email in ("old@corp.example", "used@corp.example", "gone@corp.example", "new@corp.example")}
    Invitation.objects.filter(email="old@corp.example").update(expires_at=timezone.now() - timedelta(seconds=1))
    invitation_accept(user=user_make("used", email="used@corp.example"), token=invited["used@corp.example"][1])
    api_client(acme.admin).delete(f"{URL}{invited['gone@corp.example'][0].pk}/")
    body = api_client(acme.admin).get(URL).json()
    assert [(item["email"], item["status"]) for item in body["results"]] == [
        ("new@corp.example", "pending"), ("old@corp.example", "expired")
    ]
    assert body["count"] == 2


def test_it_replaces_an_open_invitation_of_the_same_address():
    acme = team_make("acme")
    client = api_client(acme.admin)
    first = client.post(URL, {"email": "dan@corp.example", "role": "admin"}, format="json").json()
    second = client.post(URL, {"email": "DAN@corp.example", "role": "viewer"}, format="json").json()
    assert [item["id"] for item in client.get(URL).json()["results"]] == [second["id"]]
    dan = api_client(user_make("dan", email="dan@corp.example"))
    stale = dan.post("/api/invitations/accept/", {"token": first["token"]}, format="json")
    assert stale.status_code == 400 and stale.json() == {"token": ["This invitation was revoked."]}
    assert dan.post("/api/invitations/accept/", {"token": second["token"]}, format="json").json()["role"] == "viewer"


def test_it_refuses_the_address_of_a_member():
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, {"email": acme.viewer.email.upper()}, format="json")
    assert response.status_code == 400
    assert response.json() == {"email": ["A member of this organization has this address."]}
    assert not Invitation.objects.exists()


def test_it_validates_the_address_and_the_role():
    acme = team_make("acme")
    client = api_client(acme.admin)
    assert set(client.post(URL, {"email": "not-an-address"}, format="json").json()) == {"email"}
    assert set(client.post(URL, {"email": "a@corp.example", "role": "owner"}, format="json").json()) == {"role"}
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_refuses_non_admins(role):
    acme = team_make("acme")
    invitation_create(organization=acme.organization, email="x@corp.example", role="viewer", invited_by=acme.admin)
    client = api_client(getattr(acme, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"email": "y@corp.example", "role": "admin"}, format="json").status_code == 403
    assert list(Invitation.objects.values_list("email", flat=True)) == ["x@corp.example"]


def test_it_never_lists_another_organizations_invitations():
    acme, globex = team_make("acme"), team_make("globex")
    invitation_create(organization=globex.organization, email="ceo@globex.example", role="admin",
                      invited_by=globex.admin)
    body = api_client(acme.admin).get(URL).json()
    assert body["count"] == 0 and "globex" not in str(body)
