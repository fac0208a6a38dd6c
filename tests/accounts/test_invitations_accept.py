"""POST /api/invitations/accept/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Invitation, Membership
from accounts.services import invitation_create
from tests.personas import api_client, team_make, user_make

pytestmark = pytest.mark.django_db
URL = "/api/invitations/accept/"


def invite(team, email="frank@corp.example", role="analyst"):
    """(invitation, token) of team's admin inviting email."""
    return invitation_create(organization=team.organization, email=email, role=role, invited_by=team.admin)


def test_it_makes_the_invited_user_a_member_with_the_role():
    acme = team_make("acme")
    invitation, token = invite(acme)
    frank = user_make("frank", email="Frank@Corp.example")  # addresses compare case-insensitively
    response = api_client(frank).post(URL, {"token": token}, format="json")
    assert response.status_code == 201
    assert response.json() == {"slug": "acme", "name": "Acme", "role": "analyst"}
    assert Membership.objects.get(user=frank).organization == acme.organization
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == frank
    assert api_client(frank).get("/api/collectors/").status_code == 200


def test_it_refuses_another_user_and_keeps_the_invitation_open():
    acme = team_make("acme")
    invitation, token = invite(acme)
    mallory = user_make("mallory", email="mallory@corp.example")
    response = api_client(mallory).post(URL, {"token": token}, format="json")
    assert response.status_code == 403
    assert "frank" not in response.content.decode()
    assert not Membership.objects.filter(user=mallory).exists()
    # A member of another organization holding the token does not get in either.
    globex = team_make("globex")
    assert api_client(globex.admin).post(URL, {"token": token}, format="json").status_code == 403
    assert Membership.objects.filter(organization=acme.organization).count() == 3
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    frank = user_make("frank", email="frank@corp.example")
    assert api_client(frank).post(URL, {"token": token}, format="json").status_code == 201


def test_it_refuses_an_expired_invitation():
    acme = team_make("acme")
    invitation, token = invite(acme)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    frank = user_make("frank", email="frank@corp.example")
    response = api_client(frank).post(URL, {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json() == {"token": ["This invitation has expired: ask for a new one."]}
    assert not Membership.objects.filter(user=frank).exists()


def test_it_refuses_a_used_token_even_after_the_member_left():
    acme = team_make("acme")
    _, token = invite(acme)
    frank = user_make("frank", email="frank@corp.example")
    assert api_client(frank).post(URL, {"token": token}, format="json").status_code == 201
    Membership.objects.filter(user=frank).delete()  # removed by an admin: the old token is no way back
    response = api_client(frank).post(URL, {"token": token}, format="json")
    assert response.status_code == 400 and response.json() == {"token": ["This invitation was already used."]}
    assert not Membership.objects.filter(user=frank).exists()


def test_it_refuses_a_revoked_invitation():
    acme = team_make("acme")
    invitation, token = invite(acme)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    frank = user_make("frank", email="frank@corp.example")
    response = api_client(frank).post(URL, {"token": token}, format="json")
    assert response.status_code == 400 and response.json() == {"token": ["This invitation was revoked."]}
    assert not Membership.objects.filter(user=frank).exists()


def test_it_refuses_a_token_of_no_invitation():
    acme = team_make("acme")
    _, token = invite(acme)
    frank = user_make("frank", email="frank@corp.example")
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), "xatinv_", "x"):
        response = api_client(frank).post(URL, {"token": forged}, format="json")
        assert response.status_code == 400 and response.json() == {"token": ["No invitation has this token."]}
    assert not Membership.objects.filter(user=frank).exists()


def test_it_refuses_a_member_of_the_organization():
    acme = team_make("acme")
    _, token = invite(acme, role="admin")
    frank = user_make("frank", email="frank@corp.example")
    # Added meanwhile by staff in Django's admin.
    Membership.objects.create(user=frank, organization=acme.organization, role="viewer")
    response = api_client(frank).post(URL, {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json() == {"token": ["You are already a member of this organization."]}
    assert Membership.objects.get(user=frank).role == "viewer"


def test_it_requires_a_signed_in_user():
    acme = team_make("acme")
    _, token = invite(acme)
    assert api_client().post(URL, {"token": token}, format="json").status_code == 401
    assert Invitation.objects.get().status == "pending"


def test_it_joins_only_the_invitations_organization():
    acme, globex = team_make("acme"), team_make("globex")
    _, token = invite(globex, role="admin")
    frank = user_make("frank", email="frank@corp.example")
    assert api_client(frank).post(URL, {"token": token}, format="json").json()["slug"] == "globex"
    assert list(Membership.objects.filter(user=frank).values_list("organization__slug", "role")) == [
        ("globex", "admin")
    ]
    assert api_client(frank, organization=acme.organization).get("/api/collectors/").status_code == 403
