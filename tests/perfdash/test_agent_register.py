"""POST /api/v1/register/ (contract §8.1, §1.2 key failures, §11.2 S7)."""

import json

import pytest

from metrics.models import Collector
from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/register/"
HOST = {"hostname": "azure-b2s-01", "ip_address": "10.0.0.4", "os_name": "Ubuntu", "os_version": "22.04",
        "kernel_version": "6.5.0-1017-azure", "processor_brand": "intel", "processor_model": "Xeon 8272CL",
        "vcpus": 2, "memory_gib": 3.8, "storage_gib": 30, "storage_type": "ssd"}
AGENT_PATHS = ["/api/v1/register/", "/api/v1/metrics/", "/v1/trickle"]


def post(path: str, secret: str | None, body: dict, **headers):
    if secret is not None:
        headers["HTTP_APIKEY"] = secret
    return api_client().generic("POST", path, json.dumps(body), content_type="", **headers)


def test_it_registers_the_host_and_the_collector_becomes_connected():
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web")
    _, secret = api_key_make(acme.organization, collector=web)
    admin = api_client(acme.admin)
    assert admin.get(f"/api/v1/collectors/{web.uuid}/").json()["status"] == "pending"

    response = post(URL, secret, HOST)
    assert response.status_code == 200
    assert response.json() == {"error": None, "status": "registered", "collector_id": str(web.uuid), "name": "web",
                               "message": "Collector registered successfully", "identifier": ""}
    shown = admin.get(f"/api/v1/collectors/{web.uuid}/").json()
    assert shown["status"] == "connected" and shown["last_seen"] is not None
    assert {name: shown[name] for name in HOST} == {**HOST, "memory_gib": "3.80", "storage_gib": "30.00"}
    assert Collector.objects.get(pk=web.pk).memory_bytes == round(3.8 * 2**30)


def test_it_answers_400_naming_each_invalid_field():
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    response = post(URL, secret, {"vcpus": 0, "processor_brand": "ibm", "ip_address": "nope"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"hostname", "vcpus", "processor_brand", "ip_address"}


def test_it_answers_401_without_a_key():
    response = post(URL, None, HOST)
    assert response.status_code == 401 and response.json() == {"error": "Invalid API key"}


def test_it_answers_401_with_a_challenge_to_a_key_matching_none():
    acme = team_make("acme")
    key, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    key.revoked_at = key.created_at
    key.save()
    response = post(URL, secret, HOST)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "ApiKey"
    assert response.json() == {"error": "Invalid API key", "detail": "Invalid API key"}


@pytest.mark.parametrize("path", AGENT_PATHS)
def test_it_never_takes_a_key_from_the_query_string(path):
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web")
    _, secret = api_key_make(acme.organization, collector=web)
    tick = capture_ticks(CAPTURES[0])[0]
    body = {**HOST, "identifier": "m1", "measurements": tick, "metrics": tick}
    response = post(f"{path}?api_key={secret}", None, body)
    assert response.status_code == 401 and response.json()["error"] == "Invalid API key"
    assert Collector.objects.get(pk=web.pk).hostname == ""
    # The same request with the key in a header is accepted (the path works).
    assert post(path, secret, body).status_code == 200, path


def test_it_keeps_a_stored_ip_address_when_a_later_registration_leaves_it_out():
    """The collector is read by raw SQL on the agent path: its inet column must come back as
    the ORM's str, or saving it again fails (a 500 before the fix)."""
    acme = team_make("acme")
    collector = collector_make(acme.organization, name="web-1")
    _, key = api_key_make(acme.organization, collector=collector)
    first = post("/api/v1/register/", key, {"hostname": "h2", "ip_address": "10.0.0.9"})
    again = post("/api/v1/register/", key, {"hostname": "h2"})
    assert (first.status_code, again.status_code) == (200, 200), again.content
    collector.refresh_from_db()
    assert collector.ip_address == "10.0.0.9"
