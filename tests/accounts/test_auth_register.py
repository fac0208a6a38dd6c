import pytest
from django.contrib.auth import get_user_model

from accounts.models import Membership, Role
from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/auth/register/"


def register(**overrides):
    body = {"username": "alice", "email": "alice@example.com", "password": PASSWORD, "organization": "Alice & Co"}
    return api_client().post(URL, {**body, **overrides}, format="json")


def test_it_creates_the_user_and_an_organization_with_them_as_admin():
    response = register()
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["user"]["username"] == "alice"
    assert body["organizations"] == [{"slug": "alice-co", "name": "Alice & Co", "role": "admin"}]
    assert body["access"] and body["refresh"]
    membership = Membership.objects.get(user__username="alice")
    assert membership.role == Role.ADMIN and membership.organization.slug == "alice-co"
    assert get_user_model().objects.get(username="alice").check_password(PASSWORD)


def test_it_gives_a_taken_organization_slug_a_suffix():
    team_make("alice-co")
    assert register().json()["organizations"][0]["slug"] == "alice-co-2"


def test_it_applies_djangos_password_validators():
    response = register(password="12345678")
    assert response.status_code == 400
    assert "password" in response.json()
    assert not get_user_model().objects.filter(username="alice").exists()


def test_it_refuses_a_taken_username_with_400():
    register()
    response = register(email="other@example.com", organization="Other")
    assert response.status_code == 400
    assert response.json() == {"username": ["This username is taken."]}


def test_it_names_each_missing_field():
    response = api_client().post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "email", "password", "organization"}
