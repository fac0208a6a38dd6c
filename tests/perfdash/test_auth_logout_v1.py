"""POST /api/v1/auth/logout/ (contract §4.6, C14, S6, S10). Named _v1:
tests/accounts/test_auth_logout.py covers XAT's own logout."""

import pytest

from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/logout/"
LOGGED_OUT = {"message": "Successfully logged out"}


def login(username="acme-viewer") -> dict:
    return api_client().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD},
                             format="json").json()


def logout(access: str, body=None):
    return api_client().post(URL, body, format="json", HTTP_AUTHORIZATION=f"Bearer {access}")


def refresh(token: str):
    return api_client().post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")


def test_it_answers_200_without_a_body():
    team_make("acme")
    response = logout(login()["access"])
    assert response.status_code == 200
    assert response.json() == LOGGED_OUT


def test_it_revokes_the_refresh_token_given_and_its_session_only():
    team_make("acme")
    session, other_session = login(), login()
    rotated = refresh(session["refresh"])  # used once: the reusable token stays valid
    assert rotated.status_code == 200
    response = logout(session["access"], {"refresh": session["refresh"]})
    assert response.status_code == 200
    assert response.json() == LOGGED_OUT
    assert refresh(session["refresh"]).status_code == 401
    assert refresh(rotated.json()["refresh"]).status_code == 401  # rotated from it: the same login
    assert refresh(other_session["refresh"]).status_code == 200


def test_it_is_idempotent():
    team_make("acme")
    session = login()
    assert [logout(session["access"], {"refresh": session["refresh"]}).status_code for _ in range(2)] == [200, 200]


def test_it_leaves_another_users_refresh_token_alone():
    team_make("acme")
    mine, theirs = login(), login("acme-admin")
    assert logout(mine["access"], {"refresh": theirs["refresh"]}).status_code == 200
    assert refresh(theirs["refresh"]).status_code == 200


@pytest.mark.parametrize("body", [{"refresh": "not-a-token"}, {"refresh": ["a", "list"]}, ["not", "an", "object"]])
def test_it_answers_a_generic_400_to_a_malformed_refresh_token(body):
    team_make("acme")
    response = logout(login()["access"], body)
    assert response.status_code == 400
    assert response.json() == {"error": "Token is invalid or expired"}


def test_it_refuses_an_access_token_in_place_of_the_refresh_token():
    team_make("acme")
    session = login()
    response = logout(session["access"], {"refresh": session["access"]})
    assert response.status_code == 400
    assert response.json() == {"error": "Token is invalid or expired"}
