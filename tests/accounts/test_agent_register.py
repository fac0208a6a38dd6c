"""POST /api/v1/register/ (agent, key auth)."""

import json

import pytest

from metrics.models import Collector
from tests.personas import api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/register/"
MACHINE_ID = "d2da98c4b4f5454cbdb311f4701ad1a1"
HOST = {
    "hostname": "web-1", "ip_address": "10.1.2.3", "os_name": "Debian GNU/Linux", "os_version": "12",
    "kernel_version": "6.1.0-18-amd64", "processor_brand": "AMD", "processor_model": "AMD EPYC 7B13",
    "vcpus": 4, "memory_gib": 16, "storage_gib": 100.5, "storage_type": "nvme",
}


def register(client, secret, body, **extra):
    # As pcc does: JSON, but no Content-Type promised.
    return client.generic("POST", URL, json.dumps(body), content_type="", HTTP_APIKEY=secret, **extra)


def test_it_describes_the_keys_collector(client):
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web")
    _, secret = api_key_make(acme.organization, collector=web)
    response = register(client, secret, HOST)
    assert response.status_code == 200
    assert response.json() == {"error": None, "status": "registered", "collector_id": str(web.uuid), "name": "web",
                               "message": "Collector registered successfully", "identifier": ""}
    web.refresh_from_db()
    assert (web.hostname, str(web.ip_address), web.processor_brand, web.cpu_model) == (
        "web-1", "10.1.2.3", "amd", "AMD EPYC 7B13")
    assert (web.vcpus, web.memory_bytes, web.storage_bytes, web.storage_type) == (
        4, 16 * 2**30, int(100.5 * 2**30), "nvme")


def test_it_keeps_the_fields_left_out(client):
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web", os_name="Ubuntu", vcpus=8)
    _, secret = api_key_make(acme.organization, collector=web)
    assert register(client, secret, {"hostname": "web-2"}).status_code == 200
    web.refresh_from_db()
    assert (web.hostname, web.os_name, web.vcpus) == ("web-2", "Ubuntu", 8)


def test_it_registers_a_new_collector_with_an_organization_key(client):
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization)
    response = register(client, secret, {**HOST, "identifier": MACHINE_ID})
    assert response.status_code == 200
    collector = Collector.objects.get(uuid=response.json()["collector_id"])
    assert (collector.organization, collector.name, collector.identifier) == (acme.organization, "web-1", MACHINE_ID)
    again = register(client, secret, {**HOST, "identifier": MACHINE_ID, "vcpus": 8})
    assert again.json()["collector_id"] == str(collector.uuid)
    assert Collector.objects.count() == 1


def test_it_answers_400_to_an_organization_key_without_identifier(client):
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization)
    response = register(client, secret, HOST)
    assert response.status_code == 400 and "identifier" in response.json()["error"]


def test_it_answers_400_naming_the_field(client):
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    response = register(client, secret, {"vcpus": "many", "storage_type": "tape"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"hostname", "vcpus", "storage_type"}
    assert client.post(URL, "{not json", content_type="application/json", HTTP_APIKEY=secret).status_code == 400


def test_it_answers_403_to_a_collector_key_with_another_identifier(client):
    acme = team_make("acme")
    web = collector_make(acme.organization, identifier=MACHINE_ID)
    _, secret = api_key_make(acme.organization, collector=web)
    response = register(client, secret, {**HOST, "identifier": "0" * 32})
    assert response.status_code == 403


def test_it_answers_401_with_a_bad_key(client):
    response = register(client, "xat_abcdefghij_" + "x" * 40, HOST)
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API key", "detail": "Invalid API key"}


def test_it_accepts_the_path_without_its_slash(client):
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    response = client.generic("POST", URL.rstrip("/"), json.dumps(HOST), HTTP_X_API_KEY=secret)
    assert response.status_code == 200
