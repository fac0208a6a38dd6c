import pytest

from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/auth/refresh/"


def login(username: str) -> dict:
    return api_client().post("/api/auth/login/", {"username": username, "password": PASSWORD}, format="json").json()


def test_it_rotates_and_blacklists_the_used_refresh_token():
    team_make("acme")
    tokens = login("acme-admin")
    response = api_client().post(URL, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    rotated = response.json()
    assert set(rotated) == {"access", "refresh"} and rotated["refresh"] != tokens["refresh"]

    reused = api_client().post(URL, {"refresh": tokens["refresh"]}, format="json")
    assert reused.status_code == 401
    assert api_client().post(URL, {"refresh": rotated["refresh"]}, format="json").status_code == 200


def test_it_answers_401_to_garbage():
    assert api_client().post(URL, {"refresh": "not-a-token"}, format="json").status_code == 401


def test_it_refuses_a_deactivated_users_token():
    acme = team_make("acme")
    tokens = login("acme-admin")
    acme.admin.is_active = False
    acme.admin.save()
    assert api_client().post(URL, {"refresh": tokens["refresh"]}, format="json").status_code == 401
