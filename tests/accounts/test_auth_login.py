import pytest

from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/auth/login/"


def test_it_returns_tokens_the_user_and_their_organizations():
    acme = team_make("acme")
    response = api_client().post(URL, {"username": "acme-analyst", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user", "organizations"}
    assert body["user"] == {"id": acme.analyst.pk, "username": "acme-analyst", "email": "acme-analyst@example.com",
                            "first_name": "", "last_name": ""}
    assert body["organizations"] == [{"slug": "acme", "name": "Acme", "role": "analyst"}]
    me = api_client().get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.status_code == 200


def test_it_answers_401_to_a_wrong_password():
    team_make("acme")
    response = api_client().post(URL, {"username": "acme-admin", "password": "wrong"}, format="json")
    assert response.status_code == 401
    assert "access" not in response.json()


def test_it_refuses_an_inactive_user():
    acme = team_make("acme")
    acme.viewer.is_active = False
    acme.viewer.save()
    response = api_client().post(URL, {"username": "acme-viewer", "password": PASSWORD}, format="json")
    assert response.status_code == 401
