"""POST /api/v1/auth/token/refresh/ (contract §1.3, §4.2, C13).

The perf-dashboard keeps presenting the refresh token of its login: that token stays valid
after use. Tokens of XAT's own login keep XAT's strict rotation, on either path: a spent
token presented again revokes every token of its login (issue 12, accounts/tokens.py)."""

from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tokens import REUSABLE_CLAIM, refresh_token_issue
from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/refresh/"
XAT_REFRESH = "/api/auth/refresh/"
INVALID = {"detail": "Token is invalid or expired", "code": "token_not_valid"}
WRONG_TYPE = {"detail": "Token has wrong type", "code": "token_not_valid"}
NO_ACCOUNT = {"detail": "No active account found for the given token.", "code": "no_active_account"}


def perfdash_login(username="acme-viewer") -> dict:
    return api_client().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD},
                             format="json").json()


def xat_login(username="acme-viewer") -> dict:
    return api_client().post("/api/auth/login/", {"username": username, "password": PASSWORD}, format="json").json()


def refresh(token: str, url: str = URL):
    return api_client().post(url, {"refresh": token}, format="json")


def reads_user(access: str) -> bool:
    return api_client().get("/api/v1/auth/user/", HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 200


def test_it_accepts_the_first_refresh_token_again_and_again():
    team_make("acme")
    first = perfdash_login()["refresh"]
    answers = [refresh(first) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    bodies = [answer.json() for answer in answers]
    assert all(set(body) == {"access", "refresh"} for body in bodies)
    rotated = {body["refresh"] for body in bodies}
    assert len(rotated) == 3 and first not in rotated
    assert all(reads_user(body["access"]) for body in bodies)
    assert [refresh(token).status_code for token in rotated] == [200, 200, 200]  # reuse is no replay here


def test_it_rotates_into_tokens_that_are_reusable_too():
    team_make("acme")
    rotated = refresh(perfdash_login()["refresh"]).json()["refresh"]
    assert RefreshToken(rotated)[REUSABLE_CLAIM] is True
    assert [refresh(rotated).status_code for _ in range(2)] == [200, 200]


def test_it_starts_a_new_lifetime_with_every_rotation():
    team_make("acme")
    first = RefreshToken(perfdash_login()["refresh"])
    first.set_exp(lifetime=timedelta(minutes=5))  # a login about to expire
    rotated = RefreshToken(refresh(str(first)).json()["refresh"])
    assert rotated["exp"] - first["exp"] > timedelta(days=6).total_seconds()


def test_it_spends_a_strict_xat_token_on_use_and_keeps_its_successor_strict():
    team_make("acme")
    strict = xat_login()["refresh"]
    first = refresh(strict)
    assert first.status_code == 200
    successor = first.json()["refresh"]
    assert REUSABLE_CLAIM not in RefreshToken(successor)
    assert refresh(successor).status_code == 200
    assert refresh(successor).json() == INVALID


def test_it_revokes_the_whole_login_when_a_spent_strict_token_comes_back():
    team_make("acme")
    strict = xat_login()["refresh"]
    successor = refresh(strict).json()["refresh"]
    assert refresh(strict).json() == INVALID
    assert refresh(successor).json() == INVALID  # else a thief would evade XAT's rule by this path


def test_xats_own_refresh_still_refuses_reuse():
    team_make("acme")
    strict = xat_login()["refresh"]
    assert refresh(strict, XAT_REFRESH).status_code == 200
    assert refresh(strict, XAT_REFRESH).status_code == 401


def test_xats_own_refresh_uses_up_a_reusable_token_but_its_successor_stays_reusable():
    team_make("acme")
    reusable = perfdash_login()["refresh"]
    answer = refresh(reusable, XAT_REFRESH)
    assert answer.status_code == 200
    successor = answer.json()["refresh"]
    assert [refresh(successor).status_code for _ in range(2)] == [200, 200]
    assert refresh(reusable).json() == INVALID  # spent there: presented again, a replay
    assert refresh(successor).json() == INVALID


def test_xats_own_refresh_revokes_the_login_of_a_reusable_token_it_spent():
    team_make("acme")
    reusable = perfdash_login()["refresh"]
    successor = refresh(reusable, XAT_REFRESH).json()["refresh"]
    assert refresh(reusable, XAT_REFRESH).status_code == 401
    assert refresh(successor).json() == INVALID


def test_it_answers_401_to_garbled_and_expired_tokens():
    acme = team_make("acme")
    expired = refresh_token_issue(user=acme.viewer, reusable=True)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    tampered = perfdash_login()["refresh"][:-4] + "AAAA"
    for token in ("not-a-token", tampered, str(expired)):
        response = refresh(token)
        assert response.status_code == 401, token
        assert response.json() == INVALID


def test_it_answers_wrong_type_to_an_access_token():
    team_make("acme")
    response = refresh(perfdash_login()["access"])
    assert response.status_code == 401
    assert response.json() == WRONG_TYPE


@pytest.mark.parametrize("fate", ["deactivated", "deleted"])
def test_it_refuses_the_token_of_a_user_who_is_gone(fate):
    acme = team_make("acme")
    token = perfdash_login()["refresh"]
    if fate == "deleted":
        acme.viewer.delete()
    else:
        acme.viewer.is_active = False
        acme.viewer.save()
    response = refresh(token)
    assert response.status_code == 401
    assert response.json() == NO_ACCOUNT


def test_it_answers_field_errors_without_a_token():
    response = api_client().post(URL, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"refresh": ["This field is required."]}


def test_its_access_token_belongs_to_the_tokens_user():
    acme = team_make("acme")
    access = refresh(perfdash_login("acme-analyst")["refresh"]).json()["access"]
    assert AccessToken(access)["user_id"] == str(acme.analyst.pk)
