"""GET /api/v1/auth/user/ (contract §4.4, §2.1), and how a protected perf-dashboard endpoint
answers a request without a usable access token (§1.2): 401, never 403."""

from datetime import UTC, datetime

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/user/"
CHALLENGE = 'Bearer realm="api"'
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
BAD_HEADER = {"detail": "Authorization header must contain two space-delimited values",
              "code": "bad_authorization_header"}
NOT_VALID = {"detail": "Given token not valid for any token type", "code": "token_not_valid"}


def get(authorization: str | None = None, url: str = URL):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    return api_client().get(url, **headers)


def test_it_answers_the_user_with_date_joined_in_z_style():
    acme = team_make("acme")
    acme.viewer.first_name, acme.viewer.last_name = "Grace", "Hopper"
    acme.viewer.date_joined = datetime(2026, 1, 22, 14, 5, 11, 482913, tzinfo=UTC)
    acme.viewer.save()
    response = get(f"Bearer {AccessToken.for_user(acme.viewer)}")
    assert response.status_code == 200
    assert response.json() == {"id": acme.viewer.pk, "username": "acme-viewer", "email": "acme-viewer@example.com",
                               "first_name": "Grace", "last_name": "Hopper",
                               "date_joined": "2026-01-22T14:05:11.482913Z"}


def test_it_allows_only_get():
    acme = team_make("acme")
    response = api_client(acme.viewer).post(URL, {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}


@pytest.mark.parametrize("authorization", [None, "Token abc.def.ghi", ""])
def test_it_answers_401_when_no_bearer_token_is_sent(authorization):
    response = get(authorization)
    assert response.status_code == 401
    assert response.json() == NOT_PROVIDED
    assert response["WWW-Authenticate"] == CHALLENGE


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer one two"])
def test_it_answers_401_to_a_malformed_bearer_header(authorization):
    response = get(authorization)
    assert response.status_code == 401
    assert response.json() == BAD_HEADER
    assert response["WWW-Authenticate"] == CHALLENGE


def test_it_answers_401_to_a_garbled_token():
    response = get("Bearer not.a.token")
    assert response.status_code == 401
    assert {key: response.json()[key] for key in NOT_VALID} == NOT_VALID
    assert response["WWW-Authenticate"] == CHALLENGE


def test_it_answers_401_wrong_type_to_a_refresh_token_sent_as_access_token():
    acme = team_make("acme")
    response = get(f"Bearer {RefreshToken.for_user(acme.viewer)}")
    assert response.status_code == 401
    body = response.json()
    assert {key: body[key] for key in NOT_VALID} == NOT_VALID
    assert body["messages"] == [{"token_class": "AccessToken", "token_type": "access",
                                 "message": "Token has wrong type"}]
    assert response["WWW-Authenticate"] == CHALLENGE


@pytest.mark.parametrize("fate, body", [
    ("deactivated", {"detail": "User is inactive", "code": "user_inactive"}),
    ("deleted", {"detail": "User not found", "code": "user_not_found"}),
])
def test_it_answers_401_when_the_user_is_gone(fate, body):
    acme = team_make("acme")
    access = AccessToken.for_user(acme.viewer)
    if fate == "deleted":
        acme.viewer.delete()
    else:
        acme.viewer.is_active = False
        acme.viewer.save()
    response = get(f"Bearer {access}")
    assert response.status_code == 401
    assert response.json() == body
    assert response["WWW-Authenticate"] == CHALLENGE


@pytest.mark.parametrize("url", ["/api/v1/auth/logout/", "/api/v1/auth/password/change/"])
def test_the_other_protected_auth_endpoints_answer_401_too(url):
    response = api_client().post(url, {}, format="json", HTTP_AUTHORIZATION="Token abc")
    assert response.status_code == 401
    assert response.json() == NOT_PROVIDED
    assert response["WWW-Authenticate"] == CHALLENGE
