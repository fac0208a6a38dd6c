"""GET/POST /api/keys/."""

import pytest
from django.db import connection

from accounts.keys import api_key_authenticate
from accounts.models import ApiKey
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/keys/"


def test_it_creates_an_organization_key_and_shows_the_secret_once():
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, {"name": "fleet"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "prefix", "scope", "key", "collector", "created_at"}
    assert body["scope"] == "organization" and body["collector"] is None
    assert body["key"].startswith(f"xat_{body['prefix']}_")
    assert api_key_authenticate(body["key"]).pk == body["id"]
    listed = api_client(acme.admin).get(URL).json()["results"]
    assert "key" not in listed[0] and body["key"] not in str(listed)


def test_it_creates_a_collector_key():
    acme = team_make("acme")
    web = collector_make(acme.organization)
    body = api_client(acme.admin).post(URL, {"name": "web", "collector": web.pk}, format="json").json()
    assert body["scope"] == "collector" and body["collector"] == web.pk


def test_it_refuses_another_organizations_collector_with_400():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization)
    response = api_client(acme.admin).post(URL, {"name": "x", "collector": theirs.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"collector": [f"No collector {theirs.pk} in this organization."]}
    assert not ApiKey.objects.exists()


def test_it_stores_only_a_hash_of_the_key():
    acme = team_make("acme")
    secret = api_client(acme.admin).post(URL, {"name": "fleet"}, format="json").json()["key"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert secret not in row and secret.split("_", 2)[2] not in row  # xat_<prefix>_<secret>


def test_it_lists_the_organizations_keys_with_scope_and_state():
    acme, globex = team_make("acme"), team_make("globex")
    api_key_make(globex.organization, name="theirs")
    key, _ = api_key_make(acme.organization, collector=collector_make(acme.organization), name="web")
    response = api_client(acme.admin).get(URL)
    assert response.status_code == 200
    (listed,) = response.json()["results"]
    assert listed == {
        "id": key.pk, "name": "web", "prefix": key.prefix, "scope": "collector", "collector": key.collector_id,
        "created_at": listed["created_at"], "last_used_at": None, "expires_at": None, "revoked": False,
    }


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_is_for_admins_only(role):
    acme = team_make("acme")
    client = api_client(getattr(acme, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "x"}, format="json").status_code == 403
