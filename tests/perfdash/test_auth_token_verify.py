"""POST /api/v1/auth/token/verify/ (contract §4.3)."""

from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/verify/"
INVALID = {"detail": "Token is invalid or expired", "code": "token_not_valid"}


def login() -> dict:
    return api_client().post("/api/v1/auth/token/", {"username": "acme-viewer", "password": PASSWORD},
                             format="json").json()


def verify(token: str):
    return api_client().post(URL, {"token": token}, format="json")


def test_it_answers_an_empty_object_for_a_valid_access_or_refresh_token():
    team_make("acme")
    tokens = login()
    for token in (tokens["access"], tokens["refresh"]):
        response = verify(token)
        assert response.status_code == 200
        assert response.json() == {}


def test_it_refuses_a_revoked_refresh_token():
    team_make("acme")
    tokens = login()
    logout = api_client().post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json",
                               HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert logout.status_code == 200
    response = verify(tokens["refresh"])
    assert response.status_code == 401
    assert response.json() == INVALID


def test_it_refuses_a_refresh_token_spent_by_a_strict_refresh():
    team_make("acme")
    strict = api_client().post("/api/auth/login/", {"username": "acme-viewer", "password": PASSWORD},
                               format="json").json()["refresh"]
    successor = api_client().post("/api/auth/refresh/", {"refresh": strict}, format="json").json()["refresh"]
    assert verify(strict).json() == INVALID
    assert verify(successor).json() == {}


def test_it_refuses_garbled_and_expired_tokens():
    acme = team_make("acme")
    expired = AccessToken.for_user(acme.viewer)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    for token in ("not-a-token", login()["access"][:-4] + "AAAA", str(expired)):
        response = verify(token)
        assert response.status_code == 401, token
        assert response.json() == INVALID


def test_it_answers_field_errors_without_a_token():
    response = api_client().post(URL, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"token": ["This field is required."]}
