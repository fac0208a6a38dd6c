"""The Azure cloud endpoints through azure-identity (a service principal's client secret)
and azure-mgmt-compute against a local HTTPS fake of the token endpoint and of Resource
Manager's virtualMachines (tests/cloud/fakes.py)."""

import logging

import pytest

from metrics.cloud.models import CloudAction, CloudCredential
from tests.cloud.fakes import AZURE_CREDENTIALS as CREDENTIALS
from tests.cloud.fakes import AZURE_VM as VM
from tests.cloud.fakes import SUBSCRIPTION, azure_fake
from tests.personas import api_client, collector_make

pytestmark = pytest.mark.django_db
ROOT = "/api/v1/cloud/azure"


@pytest.fixture
def fake(settings, tmp_path, monkeypatch):
    with azure_fake(tmp_path) as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.certificate)
        settings.XAT_CLOUD_AZURE_ENDPOINT = fake.url
        yield fake


def connect(team, credentials=CREDENTIALS):
    return api_client(team.admin).post(f"{ROOT}/connect", credentials, format="json")


def test_it_connects_with_a_client_secret_it_never_shows_nor_logs(acme, fake, caplog):
    caplog.set_level(logging.DEBUG)
    response = connect(acme)
    assert response.status_code == 200
    assert response.json() == {"success": True, "tenant_id": CREDENTIALS["tenant_id"], "subscription_id": SUBSCRIPTION,
                               "instance_count": 2}
    status = api_client(acme.viewer).get(f"{ROOT}/status").json()
    assert status["connected"] is True and status["instance_count"] == 2
    stored = CloudCredential.objects.get(provider="azure")
    assert stored.identifiers == {"tenant_id": CREDENTIALS["tenant_id"], "subscription_id": SUBSCRIPTION}
    for text in (response.content.decode(), stored.secret_encrypted, caplog.text):
        assert CREDENTIALS["client_secret"] not in text


def test_it_answers_400_to_a_wrong_client_secret(acme, fake):
    response = connect(acme, {**CREDENTIALS, "client_secret": "wrong"})
    assert (response.status_code, response.json()) == (
        400, {"success": False, "error": "The cloud provider did not accept these credentials."})
    assert not CloudCredential.objects.exists()
    assert not CloudAction.objects.get().succeeded


def test_it_lists_virtual_machines_linked_by_host_name(acme, fake):
    collector = collector_make(acme.organization, name="a", hostname="vm-a-host")
    connect(acme)
    body = api_client(acme.viewer).get(f"{ROOT}/instances").json()
    listed = {instance["id"]: instance for instance in body["instances"]}
    assert body["count"] == 2 and set(listed) == {VM, "other-rg:vm-b"}
    first = listed[VM]
    assert {k: first[k] for k in ("name", "provider", "region", "location", "instanceType", "status", "os",
                                  "cpuCores", "memoryGB", "resourceGroup", "collectorId", "dailyCostRunning",
                                  "costIsEstimate", "priceTable")} == {
        "name": "vm-a", "provider": "azure", "region": "eastus", "location": "Azure eastus zone 2",
        "instanceType": "Standard_B2s", "status": "running", "os": "Linux", "cpuCores": 2, "memoryGB": 4,
        "resourceGroup": "perf-rg", "collectorId": str(collector.uuid), "dailyCostRunning": round(0.0416 * 24, 2),
        "costIsEstimate": True, "priceTable": "azure-2026-11"}
    unknown_size = listed["other-rg:vm-b"]
    assert (unknown_size["status"], unknown_size["cpuCores"], unknown_size["dailyCostRunning"]) == (
        "stopped", None, round(0.05 * 24, 2))
    narrowed = api_client(acme.viewer).get(f"{ROOT}/instances", {"resource_group": "other-rg"}).json()
    assert [instance["id"] for instance in narrowed["instances"]] == ["other-rg:vm-b"]


def test_it_deallocates_and_starts_for_admins_only(acme, fake):
    connect(acme)
    api_client(acme.viewer).get(f"{ROOT}/instances")
    assert api_client(acme.viewer).post(f"{ROOT}/instances/{VM}/stop").status_code == 403
    admin = api_client(acme.admin)
    assert admin.post(f"{ROOT}/instances/{VM}/stop").json() == {
        "success": True, "message": f"Instance {VM}: stop requested", "state": "deallocating"}
    assert admin.post(f"{ROOT}/instances/{VM}/start").json()["state"] == "starting"
    assert fake.actions == [(VM, "deallocate"), (VM, "start")]
    assert admin.get(f"{ROOT}/instances/{VM}/status").json() == {"success": True, "state": "running", "name": "vm-a"}
    assert [(a.action, a.instance_id) for a in CloudAction.objects.exclude(action="connect").order_by("pk")] == [
        ("stop", VM), ("start", VM)]


def test_it_answers_404_for_a_machine_never_listed_or_gone(acme, fake):
    connect(acme)
    api_client(acme.viewer).get(f"{ROOT}/instances")
    admin = api_client(acme.admin)
    assert admin.post(f"{ROOT}/instances/perf-rg:vm-z/stop").status_code == 404
    del fake.instances[VM]
    response = admin.get(f"{ROOT}/instances/{VM}/status")
    assert (response.status_code, response.json()) == (404, {"success": False, "error": "Instance not found"})
