"""The OCI cloud endpoints through the real `oci` SDK against a local fake of the Identity
and Core APIs (tests/cloud/fakes.py): request signing with the organization's stored key,
compartments, instances with their primary VNIC, graceful stop, errors mapped to generic
answers, nothing secret answered or logged."""

import logging
import socket

import pytest

from metrics.cloud.models import CloudAction, CloudCredential
from tests.cloud.fakes import COMPARTMENT, FINGERPRINT, OCI_CREATED, OCI_USER, TENANCY, oci_fake
from tests.cloud.fakes import OCI_CREDENTIALS as CREDENTIALS
from tests.cloud.fakes import OCI_INSTANCE as INSTANCE
from tests.personas import api_client, collector_make

pytestmark = pytest.mark.django_db
ROOT = "/api/v1/cloud/oci"
PRIVATE_KEY = CREDENTIALS["private_key"]


@pytest.fixture
def fake(settings):
    with oci_fake() as fake:
        settings.XAT_CLOUD_OCI_ENDPOINT = fake.url
        yield fake


def connect(team, credentials=CREDENTIALS):
    return api_client(team.admin).post(f"{ROOT}/connect", credentials, format="json")


def test_it_connects_signing_with_the_stored_key_and_never_shows_it(acme, fake, caplog):
    caplog.set_level(logging.DEBUG)
    response = connect(acme)
    assert response.status_code == 200
    assert response.json() == {"success": True, "tenancy_name": "acme-tenancy", "tenancy_id": TENANCY,
                               "region": "eu-frankfurt-1", "instance_count": 1}
    status = api_client(acme.viewer).get(f"{ROOT}/status")
    assert status.json() == {"available": True, "connected": True, "tenancy_name": "acme-tenancy",
                             "tenancy_id": TENANCY, "region": "eu-frankfurt-1", "instance_count": 1}
    assert all(f'keyId="{fake.accepted_key_id}"' in headers["authorization"] for _, _, headers in fake.requests)
    stored = CloudCredential.objects.get(provider="oci")
    assert stored.identifiers == {"tenancy_id": TENANCY, "region": "eu-frankfurt-1"}
    key_body = PRIVATE_KEY.splitlines()[1]
    for text in (response.content.decode(), status.content.decode(), stored.secret_encrypted, caplog.text):
        assert key_body not in text and OCI_USER not in text and FINGERPRINT not in text


def test_it_answers_400_and_audits_credentials_oci_refuses(acme, fake, caplog):
    caplog.set_level(logging.DEBUG)
    response = connect(acme, {**CREDENTIALS, "fingerprint": ":".join(["b2"] * 16)})
    assert (response.status_code, response.json()) == (
        400, {"success": False, "error": "The cloud provider did not accept these credentials."})
    assert not CloudCredential.objects.exists()
    action = CloudAction.objects.get()
    assert (action.action, action.succeeded, action.outcome) == (
        "connect", False, "CredentialsRejected: oci 401 NotAuthenticated")
    assert "CredentialsRejected" in caplog.text and PRIVATE_KEY.splitlines()[1] not in caplog.text


def test_it_answers_400_naming_malformed_fields(acme, fake):
    response = connect(acme, {**CREDENTIALS, "fingerprint": "nope", "region": "Frankfurt"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"fingerprint", "region"}
    assert fake.requests == []


def test_it_lists_compartments_root_first(acme, fake):
    connect(acme)
    assert api_client(acme.viewer).get(f"{ROOT}/compartments").json() == {"compartments": [
        {"id": TENANCY, "name": "root", "description": "Root compartment"},
        {"id": COMPARTMENT, "name": "dev", "description": "Development"}]}


def test_it_lists_instances_with_the_primary_vnic_and_the_shape(acme, fake):
    collector = collector_make(acme.organization, name="web", ip_address="10.0.0.5")
    connect(acme)
    body = api_client(acme.viewer).get(f"{ROOT}/instances", {"compartment_id": COMPARTMENT}).json()
    assert body["count"] == 1
    instance = body["instances"][0]
    assert {k: instance[k] for k in ("id", "name", "provider", "region", "location", "instanceType", "status",
                                     "ipAddress", "privateIp", "os", "cpuCores", "memoryGB", "tags", "compartmentId",
                                     "pccInstalled", "collectionStatus", "collectorId", "dailyCostRunning",
                                     "dailyCostStopped", "costIsEstimate")} == {
        "id": INSTANCE, "name": "web-1", "provider": "oci", "region": "eu-frankfurt-1", "location": "OCI Uocm:EU-AD-1",
        "instanceType": "VM.Standard.E4.Flex", "status": "running", "ipAddress": "130.61.0.5",
        "privateIp": "10.0.0.5", "os": "Linux", "cpuCores": 2, "memoryGB": 16, "tags": {"team": "perf"},
        "compartmentId": COMPARTMENT, "pccInstalled": False, "collectionStatus": "idle",
        "collectorId": str(collector.uuid), "dailyCostRunning": round(0.025 * 24, 2), "dailyCostStopped": 0.0,
        "costIsEstimate": True}


def test_it_lists_the_compartments_it_may_read(acme, fake):
    secret = "ocid1.compartment.oc1..aaaaaaaasecret"
    fake.compartments.append({"id": secret, "name": "secret", "description": "", "compartmentId": TENANCY,
                              "lifecycleState": "ACTIVE", "timeCreated": OCI_CREATED})
    fake.unreadable.add(secret)
    connect(acme)
    body = api_client(acme.viewer).get(f"{ROOT}/instances").json()
    assert [instance["id"] for instance in body["instances"]] == [INSTANCE]


def test_it_stops_gracefully_and_starts_for_admins_only(acme, fake):
    connect(acme)
    api_client(acme.viewer).get(f"{ROOT}/instances")
    assert api_client(acme.analyst).post(f"{ROOT}/instances/{INSTANCE}/stop").status_code == 403
    assert fake.actions == []
    admin = api_client(acme.admin)
    assert admin.post(f"{ROOT}/instances/{INSTANCE}/stop").json() == {
        "success": True, "message": f"Instance {INSTANCE}: stop requested", "lifecycle_state": "STOPPING"}
    assert admin.get(f"{ROOT}/instances/{INSTANCE}/status").json() == {
        "success": True, "lifecycle_state": "STOPPING", "name": "web-1"}
    assert admin.post(f"{ROOT}/instances/{INSTANCE}/start").json()["lifecycle_state"] == "STARTING"
    assert fake.actions == [(INSTANCE, "SOFTSTOP"), (INSTANCE, "START")]
    assert [(a.action, a.instance_id, a.succeeded) for a in CloudAction.objects.exclude(action="connect")
            .order_by("pk")] == [("stop", INSTANCE, True), ("start", INSTANCE, True)]


def test_it_answers_404_when_oci_no_longer_knows_the_instance(acme, fake):
    connect(acme)
    api_client(acme.viewer).get(f"{ROOT}/instances")
    del fake.instances[INSTANCE]
    response = api_client(acme.admin).get(f"{ROOT}/instances/{INSTANCE}/status")
    assert (response.status_code, response.json()) == (404, {"success": False, "error": "Instance not found"})


def test_it_answers_503_when_oci_cannot_be_reached(acme, fake, settings):
    connect(acme)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.XAT_CLOUD_OCI_ENDPOINT = f"http://127.0.0.1:{closed.getsockname()[1]}"
    response = api_client(acme.viewer).get(f"{ROOT}/status")
    assert (response.status_code, response.json()) == (
        503, {"available": True, "connected": False, "error": "The cloud provider could not be reached."})
