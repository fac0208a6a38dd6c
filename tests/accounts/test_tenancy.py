"""Which organization a request acts in (accounts/tenancy.py)."""

import pytest

from accounts.models import Membership, Role
from tests.personas import api_client, collector_make, team_make, user_make

pytestmark = pytest.mark.django_db
URL = "/api/collectors/"


def names(response):
    return [c["name"] for c in response.json()["results"]]


def test_it_acts_in_the_users_only_organization():
    acme, globex = team_make("acme"), team_make("globex")
    collector_make(acme.organization, name="acme-web")
    collector_make(globex.organization, name="globex-web")
    assert names(api_client(acme.viewer).get(URL)) == ["acme-web"]


def test_it_acts_in_the_organization_named_by_the_header():
    acme, globex = team_make("acme"), team_make("globex")
    Membership.objects.create(user=acme.viewer, organization=globex.organization, role=Role.VIEWER)
    collector_make(globex.organization, name="globex-web")
    assert names(api_client(acme.viewer, organization="globex").get(URL)) == ["globex-web"]
    assert names(api_client(acme.viewer, organization="acme").get(URL)) == []


def test_it_answers_400_when_a_user_of_several_organizations_names_none():
    acme, globex = team_make("acme"), team_make("globex")
    Membership.objects.create(user=acme.viewer, organization=globex.organization, role=Role.VIEWER)
    response = api_client(acme.viewer).get(URL)
    assert response.status_code == 400
    assert "X-Organization" in response.json()


def test_it_answers_403_to_a_header_naming_an_organization_the_user_is_not_in():
    team_make("globex")
    acme = team_make("acme")
    assert api_client(acme.admin, organization="globex").get(URL).status_code == 403
    assert api_client(acme.admin, organization="no-such-org").get(URL).status_code == 403


def test_it_answers_403_to_a_user_without_organization():
    assert api_client(user_make("loner")).get(URL).status_code == 403


def test_it_answers_401_without_a_token():
    assert api_client().get(URL).status_code == 401


def test_it_applies_the_role_of_the_organization_acted_in():
    acme, globex = team_make("acme"), team_make("globex")
    Membership.objects.create(user=acme.admin, organization=globex.organization, role=Role.VIEWER)
    body = {"name": "new"}
    assert api_client(acme.admin, organization="globex").post(URL, body, format="json").status_code == 403
    assert api_client(acme.admin, organization="acme").post(URL, body, format="json").status_code == 201
