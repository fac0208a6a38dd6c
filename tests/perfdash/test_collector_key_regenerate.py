"""POST /api/v1/collectors/{id}/regenerate-key/ (contract §5.6, §11.2 S12)."""

import json

import pytest

from accounts.models import ApiKey
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db


def url(collector) -> str:
    return f"/api/v1/collectors/{collector.uuid}/regenerate-key/"


def register(secret: str):
    return api_client().generic("POST", "/api/v1/register/", json.dumps({"hostname": "web1"}), HTTP_APIKEY=secret)


def test_it_replaces_the_collectors_keys_at_once():
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web")
    _, old = api_key_make(acme.organization, collector=web)
    _, fleet = api_key_make(acme.organization)
    assert register(old).status_code == 200

    response = api_client(acme.admin).post(url(web))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["api_key", "message"] and body["message"] == "API key regenerated successfully"
    assert register(old).status_code == 401
    assert register(body["api_key"]).status_code == 200
    assert api_client().generic("POST", "/api/v1/register/", json.dumps({"hostname": "x", "identifier": "m1"}),
                                HTTP_APIKEY=fleet).status_code == 200  # organization keys are left alone
    live = ApiKey.objects.filter(collector=web, revoked_at__isnull=True)
    assert live.count() == 1 and body["api_key"].split("_")[1] == live.get().prefix


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_answers_403_to_a_non_admin(role):
    acme = team_make("acme")
    web = collector_make(acme.organization)
    _, old = api_key_make(acme.organization, collector=web)
    assert api_client(getattr(acme, role)).post(url(web)).status_code == 403
    assert register(old).status_code == 200


def test_it_answers_404_in_the_custom_shape_for_another_organizations_collector():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization)
    _, their_key = api_key_make(globex.organization, collector=theirs)
    for role in ("admin", "viewer"):
        response = api_client(getattr(acme, role)).post(url(theirs))
        assert response.status_code == 404 and response.json() == {"error": "Collector not found"}
    assert register(their_key).status_code == 200
