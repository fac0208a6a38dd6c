"""POST /api/v1/auth/register/ (contract §4.5). Named _v1: tests/accounts/test_auth_register.py
covers XAT's own register."""

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Membership, Role
from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/register/"
User = get_user_model()


def register(**overrides):
    body = {"username": "alice", "password": PASSWORD, "password2": PASSWORD, "email": "alice@example.com",
            "first_name": "Alice", "last_name": "Liddell"}
    return api_client().post(URL, {**body, **overrides}, format="json")


def test_it_creates_the_user_as_admin_of_an_organization_named_after_them_and_gives_no_tokens():
    response = register()
    assert response.status_code == 201, response.json()
    assert response.json() == {"username": "alice", "email": "alice@example.com", "first_name": "Alice",
                               "last_name": "Liddell"}
    user = User.objects.get(username="alice")
    assert user.check_password(PASSWORD) and (user.first_name, user.last_name) == ("Alice", "Liddell")
    membership = Membership.objects.select_related("organization").get(user=user)
    assert membership.role == Role.ADMIN
    assert (membership.organization.name, membership.organization.slug) == ("alice", "alice")
    login = api_client().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert login.status_code == 200


def test_it_needs_only_username_and_both_passwords():
    response = api_client().post(URL, {"username": "bob", "password": PASSWORD, "password2": PASSWORD},
                                 format="json")
    assert response.status_code == 201
    assert response.json() == {"username": "bob", "email": "", "first_name": "", "last_name": ""}


def test_it_refuses_passwords_that_differ():
    response = register(password2=PASSWORD + "!")
    assert response.status_code == 400
    assert response.json() == {"password": ["Password fields didn't match."]}
    assert not User.objects.filter(username="alice").exists()


@pytest.mark.parametrize("password", ["short1", "12345678901", "password123"])
def test_it_applies_djangos_password_validators(password):
    response = register(password=password, password2=password)
    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert not User.objects.filter(username="alice").exists()


def test_it_names_each_missing_field():
    response = api_client().post(URL, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {field: ["This field is required."] for field in ("username", "password", "password2")}


def test_it_refuses_a_taken_username():
    team_make("acme")
    response = register(username="acme-admin")
    assert response.status_code == 400
    assert list(response.json()) == ["username"]


def test_it_refuses_a_second_account_with_the_same_email_as_xat_does():
    team_make("acme")
    response = register(email="acme-viewer@example.com")
    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert not User.objects.filter(username="alice").exists()


def test_it_is_throttled_like_xats_own_register(settings):
    settings.XAT_THROTTLE_RATES = {"register_address": "2/hour", "register_username": ""}
    statuses = [register(username=f"user{n}", email="", REMOTE_ADDR="10.0.0.7").status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    assert not User.objects.filter(username="user2").exists()
