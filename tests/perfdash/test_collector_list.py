"""GET /api/v1/collectors/ (contract §5.1, §2.2, §1.6; example §10.1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import Collector
from tests.perfdash.shapes import COLLECTOR_FIELDS, UUID, Z_TIME
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/collectors/"
# §10.1, in its order: the shape every collector object has.



def test_it_lists_the_second_example_of_the_contract_for_a_new_collector():
    acme = team_make("acme")
    collector = collector_make(acme.organization, name="oci-e4-flex")
    body = api_client(acme.viewer).get(URL).json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    (item,) = body["results"]
    assert list(item) == COLLECTOR_FIELDS
    assert item == {
        "id": str(collector.uuid), "name": "oci-e4-flex", "description": "", "status": "pending", "last_seen": None,
        "hostname": "", "ip_address": None, "os_name": "", "os_version": "", "kernel_version": "",
        "vm_brand": "unknown", "processor_brand": "unknown", "processor_model": "", "vcpus": None,
        "memory_gib": None, "storage_gib": None, "storage_type": "unknown", "hourly_cost": None, "pcd_address": "",
        "has_pcd_config": False, "created_at": item["created_at"], "updated_at": item["updated_at"],
        "owner_username": "acme", "specs_summary": "Specs pending",
    }
    assert Z_TIME.match(item["created_at"]) and Z_TIME.match(item["updated_at"]) and UUID.match(item["id"])


def test_it_renders_a_described_collector_in_the_contract_units():
    acme = team_make("acme")
    contact = timezone.now() - timedelta(minutes=3)
    collector_make(acme.organization, name="azure-b2s-01", description="Azure test VM", hostname="azure-b2s-01",
                   ip_address="10.0.0.4", os_name="Ubuntu", os_version="22.04", kernel_version="6.5.0-1017-azure",
                   vm_brand="azure", processor_brand="intel", cpu_model="Intel(R) Xeon(R) Platinum 8272CL",
                   vcpus=2, memory_bytes=4 * 2**30, storage_bytes=30 * 2**30 + 2**29, storage_type="ssd",
                   hourly_cost="0.0416", pcd_address="10.0.0.4:8080", pcd_apikey_encrypted="sealed",
                   last_contact_at=contact, created_by=acme.admin)
    (item,) = api_client(acme.viewer).get(URL).json()["results"]
    assert {name: item[name] for name in ("status", "ip_address", "vcpus", "memory_gib", "storage_gib",
                                          "hourly_cost", "has_pcd_config", "owner_username", "specs_summary")} == {
        "status": "connected", "ip_address": "10.0.0.4", "vcpus": 2, "memory_gib": "4.00", "storage_gib": "30.50",
        "hourly_cost": "0.0416", "has_pcd_config": True, "owner_username": "acme-admin",
        "specs_summary": "2 vCPUs | 4.00 GiB RAM | Intel(R) Xeon(R) Platinum 8272CL",
    }
    assert item["last_seen"] == contact.isoformat().replace("+00:00", "Z")


def test_it_takes_the_newest_sample_as_last_seen_when_newer_than_the_last_request():
    acme = team_make("acme")
    sample = timezone.now()
    collector_make(acme.organization, last_seen=sample, last_contact_at=sample - timedelta(hours=1))
    (item,) = api_client(acme.viewer).get(URL).json()["results"]
    assert (item["status"], item["last_seen"]) == ("connected", sample.isoformat().replace("+00:00", "Z"))


def test_it_pages_by_50_newest_first_with_absolute_links():
    acme = team_make("acme")
    for number in range(51):
        collector_make(acme.organization, name=f"web-{number:02}")
    client = api_client(acme.viewer)
    first = client.get(URL, {"page_size": 500}).json()
    assert first["count"] == 51 and len(first["results"]) == 50
    assert first["results"][0]["name"] == "web-50" and first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/collectors/?page=2&page_size=500"
    second = client.get(URL, {"page": 2}).json()
    assert [item["name"] for item in second["results"]] == ["web-00"]
    assert (second["next"], second["previous"]) == (None, "http://testserver/api/v1/collectors/")
    names = [item["name"] for item in first["results"] + second["results"]]
    assert names == [c.name for c in Collector.objects.order_by("-created_at")]


@pytest.mark.parametrize("page", ["3", "0", "two"])
def test_it_answers_404_to_an_invalid_page(page):
    acme = team_make("acme")
    collector_make(acme.organization)
    response = api_client(acme.viewer).get(URL, {"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_it_lists_the_callers_organization_only():
    acme, globex = team_make("acme"), team_make("globex")
    collector_make(acme.organization, name="acme-web")
    collector_make(globex.organization, name="globex-web")
    body = api_client(acme.admin).get(URL).json()
    assert [item["name"] for item in body["results"]] == ["acme-web"]


def test_it_answers_401_without_a_token():
    response = api_client().get(URL)
    assert response.status_code == 401 and "detail" in response.json()
