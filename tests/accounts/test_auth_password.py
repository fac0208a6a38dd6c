import pytest

from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/auth/password/"
NEW = "a brand new passphrase"


def login(password=PASSWORD):
    return api_client().post("/api/auth/login/", {"username": "acme-admin", "password": password}, format="json")


def test_it_changes_the_password_and_kills_outstanding_refresh_tokens():
    acme = team_make("acme")
    first, second = login().json(), login().json()
    response = api_client(acme.admin).post(URL, {"old_password": PASSWORD, "new_password": NEW}, format="json")
    assert response.status_code == 200
    fresh = response.json()
    for old in (first, second):
        assert api_client().post("/api/auth/refresh/", {"refresh": old["refresh"]}, format="json").status_code == 401
    assert api_client().post("/api/auth/refresh/", {"refresh": fresh["refresh"]}, format="json").status_code == 200
    assert login().status_code == 401
    assert login(NEW).status_code == 200


def test_it_requires_the_current_password():
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, {"old_password": "nope", "new_password": NEW}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["old_password"]


def test_it_applies_the_password_validators():
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, {"old_password": PASSWORD, "new_password": "123"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["new_password"]
