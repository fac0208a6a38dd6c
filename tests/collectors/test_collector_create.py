"""POST /api/collectors/."""

import pytest

from metrics.models import Collector
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/collectors/"


def test_it_creates_a_collector_in_the_organization():
    acme = team_make("acme")
    body = {"name": "web-1", "hostname": "web1", "vcpus": 4, "memory_bytes": 8 << 30, "tags": ["web", "prod"],
            "hourly_cost": "0.096", "cloud_provider": "aws", "region": "eu-west-1", "instance_type": "m6i.large"}
    response = api_client(acme.admin).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "never" and created["tags"] == ["web", "prod"]
    assert created["hourly_cost"] == "0.096000"
    assert Collector.objects.get(pk=created["id"]).organization == acme.organization


def test_it_answers_400_to_a_duplicate_name():
    acme = team_make("acme")
    collector_make(acme.organization, name="web-1")
    response = api_client(acme.admin).post(URL, {"name": "web-1"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["A collector with this name already exists."]}


def test_it_allows_the_same_name_in_another_organization():
    acme, globex = team_make("acme"), team_make("globex")
    collector_make(globex.organization, name="web-1")
    assert api_client(acme.admin).post(URL, {"name": "web-1"}, format="json").status_code == 201


def test_it_names_each_invalid_field():
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, {"vcpus": -1, "ip_address": "nope", "tags": "web"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "vcpus", "ip_address", "tags"}


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_is_for_admins_only(role):
    acme = team_make("acme")
    assert api_client(getattr(acme, role)).post(URL, {"name": "x"}, format="json").status_code == 403
