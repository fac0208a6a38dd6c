"""PUT / PATCH /api/v1/collectors/{id}/ (contract §5.4)."""

import pytest

from metrics.models import Collector
from tests.perfdash.shapes import COLLECTOR_FIELDS
from tests.personas import api_client, collector_make, team_make
from xat.encryption import decrypt

pytestmark = pytest.mark.django_db
SPECS = {"vm_brand": "oracle_cloud", "processor_brand": "ampere", "processor_model": "Ampere Altra", "vcpus": 4,
         "memory_gib": "24.00", "storage_gib": 46.6, "storage_type": "block", "hourly_cost": "0.0960",
         "pcd_address": "pcd.example.com:8080", "pcd_apikey": "pcd-secret"}


def url(collector) -> str:
    return f"/api/v1/collectors/{collector.uuid}/"


def test_it_patches_the_writable_fields_and_stores_xats_units():
    acme = team_make("acme")
    collector = collector_make(acme.organization, name="oci-1")
    response = api_client(acme.admin).patch(url(collector), SPECS, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert list(body) == COLLECTOR_FIELDS
    shown = {name: value for name, value in SPECS.items() if name != "pcd_apikey"} | {"storage_gib": "46.60"}
    assert {name: body[name] for name in shown} == shown
    assert body["has_pcd_config"] is True and body["specs_summary"] == "4 vCPUs | 24.00 GiB RAM | Ampere Altra"
    collector.refresh_from_db()
    assert (collector.name, collector.cpu_model, collector.memory_bytes, collector.storage_bytes) == (
        "oci-1", "Ampere Altra", 24 * 2**30, round(46.6 * 2**30))
    assert "pcd-secret" not in collector.pcd_apikey_encrypted
    assert decrypt(collector.pcd_apikey_encrypted) == "pcd-secret"


def test_it_renders_back_exactly_what_was_given_in_gib():
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    client = api_client(acme.admin)
    for gib in ("0.01", "3.33", "99999999.99"):
        assert client.patch(url(collector), {"memory_gib": gib}, format="json").json()["memory_gib"] == gib
        assert client.get(url(collector)).json()["memory_gib"] == gib


def test_it_ignores_read_only_and_unknown_fields():
    acme = team_make("acme")
    collector = collector_make(acme.organization, name="web")
    before = api_client(acme.admin).get(url(collector)).json()
    body = {"id": "00000000-0000-4000-8000-000000000000", "status": "connected", "hostname": "h", "owner_username": "x",
            "has_pcd_config": True, "api_key": "k", "last_seen": "2026-01-01T00:00:00Z", "bogus": 1}
    after = api_client(acme.admin).patch(url(collector), body, format="json").json()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {k: v for k, v in before.items()
                                                                      if k != "updated_at"}


def test_it_requires_the_name_on_put_only():
    acme = team_make("acme")
    collector = collector_make(acme.organization, name="web", description="old")
    client = api_client(acme.admin)
    response = client.put(url(collector), {"description": "new"}, format="json")
    assert response.status_code == 400 and response.json() == {"name": ["This field is required."]}
    response = client.put(url(collector), {"name": "web-2", "description": "new"}, format="json")
    assert response.status_code == 200 and (response.json()["name"], response.json()["description"]) == (
        "web-2", "new")
    assert client.patch(url(collector), {"description": ""}, format="json").json()["name"] == "web-2"


def test_it_clears_the_pcd_key_with_an_empty_one():
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    client = api_client(acme.admin)
    client.patch(url(collector), {"pcd_address": "h:1", "pcd_apikey": "k"}, format="json")
    assert client.patch(url(collector), {"pcd_apikey": ""}, format="json").json()["has_pcd_config"] is False
    assert Collector.objects.get(pk=collector.pk).pcd_apikey_encrypted == ""


@pytest.mark.parametrize("body, errors", [
    ({"vm_brand": "xyz"}, {"vm_brand": ['"xyz" is not a valid choice.']}),
    ({"processor_brand": "ibm"}, {"processor_brand": ['"ibm" is not a valid choice.']}),
    ({"storage_type": "tape"}, {"storage_type": ['"tape" is not a valid choice.']}),
    ({"memory_gib": "1.234"}, {"memory_gib": ["Ensure that there are no more than 2 decimal places."]}),
    ({"storage_gib": "123456789.00"}, {"storage_gib": ["Ensure that there are no more than 10 digits in total."]}),
    ({"hourly_cost": "0.00001"}, {"hourly_cost": ["Ensure that there are no more than 4 decimal places."]}),
    ({"vcpus": -1}, {"vcpus": ["Ensure this value is greater than or equal to 0."]}),
    ({"vcpus": "many"}, {"vcpus": ["A valid integer is required."]}),
    ({"name": "x" * 101}, {"name": ["Ensure this field has no more than 100 characters."]}),
    ({"pcd_apikey": "k" * 65}, {"pcd_apikey": ["Ensure this field has no more than 64 characters."]}),
])
def test_it_answers_400_with_the_contracts_messages(body, errors):
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    response = api_client(acme.admin).patch(url(collector), body, format="json")
    assert response.status_code == 400 and response.json() == errors


def test_it_answers_400_to_a_rename_onto_another_collector():
    acme = team_make("acme")
    collector_make(acme.organization, name="db")
    web = collector_make(acme.organization, name="web")
    response = api_client(acme.admin).patch(url(web), {"name": "db"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["A collector with this name already exists."]}


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_answers_403_to_a_non_admin(role):
    acme = team_make("acme")
    collector = collector_make(acme.organization, name="web")
    for method in ("put", "patch"):
        response = getattr(api_client(getattr(acme, role)), method)(url(collector), {"name": "x"}, format="json")
        assert response.status_code == 403
    assert Collector.objects.get(pk=collector.pk).name == "web"


def test_it_answers_404_for_another_organizations_collector_to_every_role():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization, name="web")
    for role in ("admin", "analyst", "viewer"):
        response = api_client(getattr(acme, role)).patch(url(theirs), {"name": "mine"}, format="json")
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert Collector.objects.get(pk=theirs.pk).name == "web"
