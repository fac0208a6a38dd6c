import threading
import time

import pytest
from django.db import connection, connections
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from tests.conftest import another_session
from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/auth/refresh/"


def login(username: str) -> dict:
    return api_client().post("/api/auth/login/", {"username": username, "password": PASSWORD}, format="json").json()


def refresh(token: str):
    return api_client().post(URL, {"refresh": token}, format="json")


def test_it_rotates_and_spends_the_used_refresh_token():
    team_make("acme")
    tokens = login("acme-admin")
    response = refresh(tokens["refresh"])
    assert response.status_code == 200
    rotated = response.json()
    assert set(rotated) == {"access", "refresh"} and rotated["refresh"] != tokens["refresh"]
    assert refresh(rotated["refresh"]).status_code == 200
    assert refresh(tokens["refresh"]).status_code == 401


def test_it_answers_401_to_garbage():
    assert refresh("not-a-token").status_code == 401


def test_it_refuses_a_signed_token_it_has_no_record_of():
    acme = team_make("acme")
    assert refresh(str(RefreshToken.for_user(acme.admin))).status_code == 401


def test_it_refuses_a_deactivated_users_token():
    acme = team_make("acme")
    tokens = login("acme-admin")
    acme.admin.is_active = False
    acme.admin.save()
    assert refresh(tokens["refresh"]).status_code == 401


def test_it_revokes_the_whole_family_when_a_rotated_token_is_used_again():
    team_make("acme")
    first = login("acme-admin")["refresh"]
    other_login = login("acme-admin")["refresh"]
    second = refresh(first).json()["refresh"]
    newest = refresh(second).json()["refresh"]
    replay = refresh(first)
    assert replay.status_code == 401
    assert refresh(newest).status_code == 401  # the legitimate client's newest token died with it
    assert refresh(other_login).status_code == 200  # another login is another family


def test_it_revokes_the_family_when_a_thief_refreshed_first():
    team_make("acme")
    stolen = login("acme-admin")["refresh"]
    thiefs = refresh(stolen).json()["refresh"]
    assert refresh(stolen).status_code == 401  # the legitimate client comes back with it
    assert refresh(thiefs).status_code == 401


def _refreshes_waiting_for_a_row_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_refreshes_with_a_token_through():
    """Another session plays the first refresh: it holds the token's record while the second
    refresh arrives, then marks the token rotated. The second must wait for it and see the
    token spent (a replay), not read it unused and rotate it a second time."""
    team_make("acme")
    token = login("acme-admin")["refresh"]
    jti = UntypedToken(token)["jti"]
    first = another_session()
    answers = []

    def second_refresh():
        answers.append(refresh(token).status_code)
        connections.close_all()

    second = threading.Thread(target=second_refresh)
    try:
        first.execute("SELECT 1 FROM accounts_refreshtokenrecord WHERE jti = %s FOR UPDATE", [jti])
        second.start()
        deadline = time.monotonic() + 10
        while not answers and _refreshes_waiting_for_a_row_lock() < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.execute("UPDATE accounts_refreshtokenrecord SET rotated_at = now() WHERE jti = %s", [jti])
        first.commit()
    finally:
        first.close()
    second.join(10)
    assert answers == [401]
