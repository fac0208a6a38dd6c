"""DELETE /api/organization/invitations/{id}/."""

import pytest

from accounts.models import Invitation
from accounts.services import invitation_accept, invitation_create
from tests.personas import api_client, team_make, user_make

pytestmark = pytest.mark.django_db
ACCEPT = "/api/invitations/accept/"


def url(invitation):
    return f"/api/organization/invitations/{invitation.pk}/"


def test_it_revokes_an_invitation():
    acme = team_make("acme")
    invitation, token = invitation_create(organization=acme.organization, email="eve@corp.example", role="viewer",
                                          invited_by=acme.admin)
    assert api_client(acme.admin).delete(url(invitation)).status_code == 204
    assert api_client(acme.admin).get("/api/organization/invitations/").json()["count"] == 0
    eve = api_client(user_make("eve", email="eve@corp.example"))
    response = eve.post(ACCEPT, {"token": token}, format="json")
    assert response.status_code == 400 and response.json() == {"token": ["This invitation was revoked."]}
    assert not acme.organization.memberships.filter(user__username="eve").exists()
    # Revoking again changes nothing.
    assert api_client(acme.admin).delete(url(invitation)).status_code == 204


def test_it_keeps_an_accepted_invitation():
    acme = team_make("acme")
    invitation, token = invitation_create(organization=acme.organization, email="eve@corp.example", role="viewer",
                                          invited_by=acme.admin)
    invitation_accept(user=user_make("eve", email="eve@corp.example"), token=token)
    response = api_client(acme.admin).delete(url(invitation))
    assert response.status_code == 400
    assert response.json() == {"invitation": ["This invitation was accepted: remove the member instead."]}
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


@pytest.mark.parametrize("role", ["admin", "analyst", "viewer"])
def test_it_answers_404_for_another_organizations_invitation_to_every_role(role):
    acme, globex = team_make("acme"), team_make("globex")
    theirs, _ = invitation_create(organization=globex.organization, email="ceo@globex.example", role="admin",
                                  invited_by=globex.admin)
    assert api_client(getattr(acme, role)).delete(url(theirs)).status_code == 404
    assert Invitation.objects.get(pk=theirs.pk).revoked_at is None


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_refuses_non_admins(role):
    acme = team_make("acme")
    invitation, _ = invitation_create(organization=acme.organization, email="eve@corp.example", role="viewer",
                                      invited_by=acme.admin)
    assert api_client(getattr(acme, role)).delete(url(invitation)).status_code == 403
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
