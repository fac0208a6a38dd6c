import pytest

from accounts.models import Membership, Role
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/auth/me/"


def test_it_shows_the_user_and_every_organization_with_its_role():
    acme, globex = team_make("acme"), team_make("globex")
    Membership.objects.create(user=acme.admin, organization=globex.organization, role=Role.VIEWER)
    body = api_client(acme.admin).get(URL).json()
    assert body["user"]["username"] == "acme-admin"
    assert body["organizations"] == [
        {"slug": "acme", "name": "Acme", "role": "admin"},
        {"slug": "globex", "name": "Globex", "role": "viewer"},
    ]


def test_it_answers_401_without_a_token():
    assert api_client().get(URL).status_code == 401
