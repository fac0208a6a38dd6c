import pytest

from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/auth/logout/"


def test_it_kills_the_refresh_token():
    team_make("acme")
    tokens = api_client().post("/api/auth/login/", {"username": "acme-admin", "password": PASSWORD},
                               format="json").json()
    response = api_client().post(URL, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 204
    assert api_client().post("/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code == 401
    assert api_client().post(URL, {"refresh": tokens["refresh"]}, format="json").status_code == 400


def test_it_says_which_field_is_wrong():
    response = api_client().post(URL, {"refresh": "garbage"}, format="json")
    assert response.status_code == 400
    assert "refresh" in response.json()


def test_it_ends_the_session_of_any_token_of_the_login():
    team_make("acme")
    login = {"username": "acme-admin", "password": PASSWORD}
    first, other_login = (api_client().post("/api/auth/login/", login, format="json").json() for _ in range(2))
    newest = api_client().post("/api/auth/refresh/", {"refresh": first["refresh"]}, format="json").json()
    assert api_client().post(URL, {"refresh": first["refresh"]}, format="json").status_code == 204
    assert api_client().post("/api/auth/refresh/", {"refresh": newest["refresh"]}, format="json").status_code == 401
    assert api_client().post("/api/auth/refresh/", {"refresh": other_login["refresh"]},
                             format="json").status_code == 200
