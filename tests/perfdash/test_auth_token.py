"""POST /api/v1/auth/token/: the perf-dashboard's login (contract §4.1, §10.6, C12)."""

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tokens import REUSABLE_CLAIM
from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"
NO_ACCOUNT = {"detail": "No active account found with the given credentials"}


def login(username="acme-analyst", password=PASSWORD, **extra):
    return api_client().post(URL, {"username": username, "password": password}, format="json", **extra)


def test_it_returns_a_token_pair_and_the_user_without_date_joined():
    acme = team_make("acme")
    acme.analyst.first_name, acme.analyst.last_name = "Ada", "Lovelace"
    acme.analyst.save()
    response = login()
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"refresh", "access", "user"}
    assert body["user"] == {"id": acme.analyst.pk, "username": "acme-analyst", "email": "acme-analyst@example.com",
                            "first_name": "Ada", "last_name": "Lovelace"}
    assert AccessToken(body["access"])["user_id"] == str(acme.analyst.pk)
    refresh = RefreshToken(body["refresh"])
    assert refresh["user_id"] == str(acme.analyst.pk) and refresh[REUSABLE_CLAIM] is True
    assert REUSABLE_CLAIM not in AccessToken(body["access"])
    me = api_client().get("/api/v1/auth/user/", HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.status_code == 200 and me.json()["username"] == "acme-analyst"


@pytest.mark.parametrize("username, password", [("acme-analyst", "wrong"), ("nobody", PASSWORD)])
def test_it_answers_401_with_the_contracts_detail_to_bad_credentials(username, password):
    team_make("acme")
    response = login(username, password)
    assert response.status_code == 401
    assert response.json() == NO_ACCOUNT
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_it_refuses_an_inactive_user_as_if_unknown():
    acme = team_make("acme")
    acme.analyst.is_active = False
    acme.analyst.save()
    response = login()
    assert response.status_code == 401
    assert response.json() == NO_ACCOUNT


def test_it_logs_in_by_username_not_email():
    team_make("acme")
    assert login("acme-analyst@example.com").status_code == 401


def test_it_answers_field_errors_to_a_missing_field():
    response = api_client().post(URL, {"username": "acme-analyst"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


def test_it_ignores_an_authorization_header():
    team_make("acme")
    assert login(HTTP_AUTHORIZATION="Bearer stale.garbled.token").status_code == 200


def test_it_is_throttled_like_xats_own_login(settings):
    settings.XAT_THROTTLE_RATES = {"login_address": "3/min", "login_username": ""}
    team_make("acme")
    statuses = [login(password="wrong", REMOTE_ADDR="10.0.0.5").status_code for _ in range(3)]
    throttled = login(REMOTE_ADDR="10.0.0.5")
    assert statuses == [401, 401, 401]
    assert throttled.status_code == 429 and "access" not in throttled.json()
    assert login(REMOTE_ADDR="10.0.0.6").status_code == 200


def test_it_throttles_the_real_client_behind_a_trusted_proxy_not_the_proxy(settings):
    """§11.2 S11: behind one proxy every request has the proxy's REMOTE_ADDR; the bucket is
    the client the proxy appended to X-Forwarded-For (what a client sends itself is ignored)."""
    settings.XAT_THROTTLE_RATES = {"login_address": "2/min", "login_username": ""}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # XAT_NUM_PROXIES=1
    team_make("acme")

    def via_proxy(client_address: str, forged: str = "", **extra):
        forwarded = f"{forged}, {client_address}" if forged else client_address
        return login(password="wrong", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded, **extra)

    assert [via_proxy("203.0.113.7").status_code for _ in range(2)] == [401, 401]
    assert via_proxy("203.0.113.7").status_code == 429
    assert via_proxy("203.0.113.7", forged="198.51.100.1").status_code == 429  # a forged hop changes nothing
    assert via_proxy("203.0.113.8").status_code == 401  # another client behind the same proxy


def test_it_reads_a_form_body_as_the_reference_did():
    """§1.5: form and multipart bodies are parsed too."""
    team_make("acme")
    form = api_client().post(URL, {"username": "acme-analyst", "password": PASSWORD})  # multipart
    encoded = api_client().post(URL, f"username=acme-analyst&password={PASSWORD.replace(' ', '+')}",
                                content_type="application/x-www-form-urlencoded")
    assert (form.status_code, encoded.status_code) == (200, 200), encoded.content
