"""A collector's pcd_address is refused when saved unless it is a public address (or in
XAT_PCD_ALLOWED_NETWORKS): PATCH/PUT /api/v1/collectors/{id}/ (contract §5.4, S8)."""

import pytest

from metrics.models import Collector
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db


def _url(collector) -> str:
    return f"/api/v1/collectors/{collector.uuid}/"


@pytest.mark.parametrize("address", ["127.0.0.1:8080", "localhost:8080", "10.0.1.5:8080", "169.254.169.254:80",
                                     "metadata.google.internal:80", "[::1]:8080", "[fe80::1]:8080"])
def test_it_refuses_an_address_that_is_not_public(settings, address):
    settings.XAT_PCD_ALLOWED_NETWORKS = []
    team = team_make("acme")
    collector = collector_make(team.organization)
    response = api_client(team.admin).patch(_url(collector), {"pcd_address": address}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["pcd_address"] and "is not allowed" in response.json()["pcd_address"][0]
    assert Collector.objects.get(pk=collector.pk).pcd_address == ""


def test_it_refuses_what_is_not_host_and_port_on_put(settings):
    team = team_make("acme")
    collector = collector_make(team.organization)
    response = api_client(team.admin).put(_url(collector), {"name": "web-1", "pcd_address": "http://pcd:8080/"},
                                          format="json")
    assert response.status_code == 400
    assert response.json() == {"pcd_address": ["pcd address must be host:port (or [IPv6]:port), e.g. 10.0.1.5:8080"]}


def test_it_saves_a_public_address_a_name_or_an_admitted_network(settings):
    team = team_make("acme")
    collector = collector_make(team.organization)
    client = api_client(team.admin)
    settings.XAT_PCD_ALLOWED_NETWORKS = ["10.0.0.0/16"]
    for address in ("8.8.4.4:8080", "pcd.example.com:8080", "10.0.1.5:8080", ""):
        response = client.patch(_url(collector), {"pcd_address": address}, format="json")
        assert response.status_code == 200 and response.json()["pcd_address"] == address
