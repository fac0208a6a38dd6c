"""Every endpoint an agent key reaches answers an identifier it may not use, and a key it
presents, the same way (accounts/agent_auth.py: AgentKeyAuthentication, AgentRefusal)."""

import json

import pytest

from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES
from tests.personas import api_client, api_key_make, collector_make, team_make
from tests.uploads.files import upload

pytestmark = pytest.mark.django_db
TICK = capture_ticks(CAPTURES[0])[0]
OWN_IDENTIFIER, OTHER_IDENTIFIER = "0a11ce0000000000", "0b0b000000000000"
JSON_AGENT_PATHS = ["/v1/trickle", "/api/v1/register/", "/api/v1/metrics/"]


def _post(path: str, secret: str, body: dict):
    return api_client().generic("POST", path, json.dumps(body), content_type="", HTTP_APIKEY=secret)


def _capture_naming(identifier: str) -> bytes:
    lines = (CAPTURES[0] / "collection.ndjson").read_text().splitlines()
    return "\n".join(json.dumps(json.loads(line) | {"identifier": identifier}) for line in lines).encode()


@pytest.fixture
def acme():
    return team_make("acme")


def test_it_answers_403_naming_the_field_to_a_collector_key_sent_with_another_identifier(acme):
    web = collector_make(acme.organization, identifier=OWN_IDENTIFIER)
    _, secret = api_key_make(acme.organization, collector=web)
    body = {"identifier": OTHER_IDENTIFIER, "hostname": "web", "measurements": TICK, "metrics": TICK}
    answers = [_post(path, secret, body) for path in JSON_AGENT_PATHS]
    client = api_client()
    client.credentials(HTTP_APIKEY=secret)
    answers.append(upload(client, _capture_naming(OTHER_IDENTIFIER)))

    expected = {"error": "this key belongs to a collector with another identifier", "field": "identifier"}
    assert [(answer.status_code, answer.json()) for answer in answers] == [(403, expected)] * 4


def test_it_answers_400_naming_the_field_to_an_organization_key_without_identifier(acme):
    _, secret = api_key_make(acme.organization)
    answers = [_post(path, secret, {"hostname": "web", "metrics": TICK}) for path in JSON_AGENT_PATHS[1:]]
    expected = {"error": "identifier: required with an organization key", "field": "identifier"}
    assert [(answer.status_code, answer.json()) for answer in answers] == [(400, expected)] * 2


def test_it_refuses_a_key_matching_none_on_the_upload_with_the_dashboards_challenge(acme):
    key, secret = api_key_make(acme.organization, collector=collector_make(acme.organization))
    key.revoked_at = key.created_at
    key.save()
    client = api_client()
    client.credentials(HTTP_APIKEY=secret)
    response = upload(client, _capture_naming(OWN_IDENTIFIER))
    assert response.status_code == 401 and response.json() == {"detail": "Invalid API key"}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_it_takes_a_key_as_bearer_on_the_upload_before_trying_it_as_a_jwt(acme):
    web = collector_make(acme.organization)
    _, secret = api_key_make(acme.organization, collector=web)
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = upload(client, (CAPTURES[0] / "collection.ndjson").read_bytes())
    assert response.status_code == 202, response.content
    assert response.json()["collector"] == web.pk
