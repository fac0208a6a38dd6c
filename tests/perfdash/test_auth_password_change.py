"""POST /api/v1/auth/password/change/ (contract §4.7, C16, S6)."""

import pytest

from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/password/change/"
NEW = "a brand new passphrase"


def login(password=PASSWORD, path="/api/v1/auth/token/"):
    return api_client().post(path, {"username": "acme-viewer", "password": password}, format="json")


def change(access: str, **body):
    return api_client().post(URL, body, format="json", HTTP_AUTHORIZATION=f"Bearer {access}")


def refresh(token: str):
    return api_client().post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")


@pytest.mark.parametrize("confirmation", [{"new_password2": NEW}, {}])
def test_it_changes_the_password_and_revokes_every_refresh_token_of_the_user(confirmation):
    acme = team_make("acme")
    sessions = [login().json(), login().json(), login(path="/api/auth/login/").json()]
    rotated = refresh(sessions[0]["refresh"]).json()["refresh"]
    admins = api_client().post("/api/v1/auth/token/", {"username": "acme-admin", "password": PASSWORD},
                               format="json").json()
    response = change(sessions[0]["access"], old_password=PASSWORD, new_password=NEW, **confirmation)
    assert response.status_code == 200
    assert response.json() == {"message": "Password changed successfully"}
    for token in [session["refresh"] for session in sessions] + [rotated]:
        assert refresh(token).status_code == 401
    assert refresh(admins["refresh"]).status_code == 200
    assert login().status_code == 401
    assert login(NEW).status_code == 200
    acme.viewer.refresh_from_db()
    assert acme.viewer.check_password(NEW)


def test_it_requires_the_current_password():
    team_make("acme")
    response = change(login().json()["access"], old_password="wrong", new_password=NEW, new_password2=NEW)
    assert response.status_code == 400
    assert response.json() == {"old_password": ["Current password is incorrect."]}
    assert login().status_code == 200


def test_it_refuses_a_confirmation_that_differs():
    team_make("acme")
    response = change(login().json()["access"], old_password=PASSWORD, new_password=NEW, new_password2=NEW + "!")
    assert response.status_code == 400
    assert response.json() == {"new_password": ["New password fields didn't match."]}
    assert login().status_code == 200


def test_it_applies_djangos_password_validators_under_new_password():
    team_make("acme")
    response = change(login().json()["access"], old_password=PASSWORD, new_password="12345678901")
    assert response.status_code == 400
    assert list(response.json()) == ["new_password"]
    assert "This password is entirely numeric." in response.json()["new_password"]


def test_it_names_each_missing_field():
    team_make("acme")
    response = change(login().json()["access"])
    assert response.status_code == 400
    assert response.json() == {field: ["This field is required."] for field in ("old_password", "new_password")}


def test_it_is_throttled_per_user_so_a_stolen_access_token_cannot_guess_the_password(settings):
    """§1.8: 5 attempts a minute per user by default; the sixth is refused unchecked."""
    settings.XAT_THROTTLE_RATES = {"password_username": "3/min"}
    acme = team_make("acme")
    access = login().json()["access"]
    guesses = [change(access, old_password=f"guess {n}", new_password=NEW).status_code for n in range(3)]
    assert guesses == [400, 400, 400]
    throttled = change(access, old_password=PASSWORD, new_password=NEW)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) >= 1
    acme.viewer.refresh_from_db()
    assert acme.viewer.check_password(PASSWORD)  # the right password was not even tried
    other = api_client(acme.analyst).post(URL, {"old_password": PASSWORD, "new_password": NEW}, format="json")
    assert other.status_code == 200  # another user's bucket
