"""GET /api/collectors/."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/collectors/"


def names(response):
    assert response.status_code == 200, response.json()
    return [c["name"] for c in response.json()["results"]]


@pytest.fixture
def acme():
    team = team_make("acme")
    now = timezone.now()
    collector_make(team.organization, name="db-1", hostname="db1.acme", tags=["db", "prod"],
                   last_seen=now - timedelta(seconds=30))
    collector_make(team.organization, name="web-1", hostname="web1.acme", tags=["web", "prod"],
                   last_seen=now - timedelta(hours=1))
    collector_make(team.organization, name="web-2", identifier="d2da98c4b4f5454cbdb311f4701ad1a1", tags=["web"])
    return team


def test_it_lists_every_field_with_a_status(acme):
    body = api_client(acme.viewer).get(URL).json()
    assert body["count"] == 3 and body["next"] is None
    first = body["results"][0]
    assert set(first) == {
        "id", "uuid", "name", "description", "identifier", "hostname", "ip_address", "os_name", "os_version",
        "kernel_version", "processor_brand", "cpu_model", "vcpus", "memory_bytes", "storage_bytes", "storage_type",
        "cloud_provider", "region", "instance_type", "hourly_cost", "tags", "created_at", "last_seen", "status",
    }
    assert [(c["name"], c["status"]) for c in body["results"]] == [
        ("db-1", "active"), ("web-1", "stale"), ("web-2", "never")
    ]


@pytest.mark.parametrize("status, expected", [("active", ["db-1"]), ("stale", ["web-1"]), ("never", ["web-2"])])
def test_it_filters_by_status(acme, status, expected):
    assert names(api_client(acme.viewer).get(URL, {"status": status})) == expected


def test_it_takes_the_stale_threshold_from_settings(acme, settings):
    settings.XAT_STALE_AFTER_SECONDS = 7200
    assert names(api_client(acme.viewer).get(URL, {"status": "active"})) == ["db-1", "web-1"]


def test_it_filters_by_tag_and_searches_name_hostname_identifier(acme):
    client = api_client(acme.viewer)
    assert names(client.get(URL, {"tag": "prod"})) == ["db-1", "web-1"]
    assert names(client.get(URL, {"tag": "web", "search": "WEB1"})) == ["web-1"]
    assert names(client.get(URL, {"search": "d2da98"})) == ["web-2"]
    assert names(client.get(URL, {"search": "db1.acme"})) == ["db-1"]


def test_it_orders(acme):
    client = api_client(acme.viewer)
    assert names(client.get(URL, {"ordering": "-name"})) == ["web-2", "web-1", "db-1"]
    assert names(client.get(URL, {"ordering": "-last_seen"})) == ["db-1", "web-1", "web-2"]
    assert names(client.get(URL, {"ordering": "status"})) == ["web-2", "db-1", "web-1"]


def test_it_answers_400_to_an_unknown_status_or_ordering(acme):
    client = api_client(acme.viewer)
    assert list(client.get(URL, {"status": "dead"}).json()) == ["status"]
    response = client.get(URL, {"ordering": "password"})
    assert response.status_code == 400 and list(response.json()) == ["ordering"]


def test_it_paginates_up_to_500(acme):
    client = api_client(acme.viewer)
    page = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and [c["name"] for c in page["results"]] == ["web-2"] and page["previous"]
    for n in range(505):
        collector_make(acme.organization, name=f"bulk-{n:03}")
    assert len(client.get(URL, {"page_size": 1000}).json()["results"]) == 500


def test_it_lists_with_a_fixed_number_of_queries(acme):
    with CaptureQueriesContext(connection) as queries:
        assert api_client(acme.viewer).get(URL).status_code == 200
    # 1 the token's user with their memberships (accounts.authentication),
    # 2 COUNT for the paginator, 3 the page.
    assert len(queries) == 3, [q["sql"] for q in queries]
