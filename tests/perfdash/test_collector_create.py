"""POST /api/v1/collectors/ (contract §5.2, §2.2 create answer, §11.2 S12)."""

import json
import re

import pytest
from django.db import connection

from accounts.models import ApiKey
from metrics.models import Collector
from tests.perfdash.shapes import UUID, Z_TIME
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/collectors/"


def test_it_answers_201_with_a_key_of_the_collectors_own():
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, {"name": "web-1", "description": "front"}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert list(created) == ["id", "name", "description", "api_key", "status", "created_at", "install_command"]
    assert (created["name"], created["description"], created["status"]) == ("web-1", "front", "pending")
    assert UUID.match(created["id"]) and Z_TIME.match(created["created_at"])
    assert re.fullmatch(r"xat_[a-z2-9]{10}_[A-Za-z0-9_-]{43}", created["api_key"])
    assert created["install_command"] == (
        f"curl -s http://testserver/install.sh | API_KEY={created['api_key']} bash")
    collector = Collector.objects.get(uuid=created["id"])
    assert (collector.organization, collector.created_by) == (acme.organization, acme.admin)
    assert ApiKey.objects.get().collector == collector


def test_it_issues_a_key_the_agent_registers_with():
    acme = team_make("acme")
    created = api_client(acme.admin).post(URL, {"name": "web-1"}, format="json").json()
    response = api_client().generic("POST", "/api/v1/register/", json.dumps({"hostname": "web1"}),
                                    HTTP_APIKEY=created["api_key"])
    assert response.status_code == 200 and response.json()["collector_id"] == created["id"]


def test_it_keeps_no_plaintext_key_in_the_database():
    acme = team_make("acme")
    secret = api_client(acme.admin).post(URL, {"name": "web-1"}, format="json").json()["api_key"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_jsonb(k)::text FROM accounts_apikey k UNION ALL"
                       " SELECT to_jsonb(c)::text FROM metrics_collector c")
        rows = [text for (text,) in cursor.fetchall()]
    assert rows and not any(secret.split("_", 2)[2] in text for text in rows)


def test_it_ignores_other_fields():
    acme = team_make("acme")
    body = {"name": "web-1", "vcpus": 8, "hourly_cost": "1.0", "pcd_address": "10.0.0.1:1", "status": "connected",
            "id": "00000000-0000-4000-8000-000000000000"}
    created = api_client(acme.admin).post(URL, body, format="json").json()
    collector = Collector.objects.get(uuid=created["id"])
    assert (collector.vcpus, collector.hourly_cost, collector.pcd_address) == (None, None, "")
    assert created["status"] == "pending" and created["id"] != body["id"]


@pytest.mark.parametrize("body, errors", [
    ({}, {"name": ["This field is required."]}),
    ({"name": "  "}, {"name": ["This field may not be blank."]}),
    ({"name": "x" * 101}, {"name": ["Ensure this field has no more than 100 characters."]}),
])
def test_it_answers_400_with_field_errors(body, errors):
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, body, format="json")
    assert response.status_code == 400 and response.json() == errors
    assert not Collector.objects.exists()


def test_it_answers_400_to_a_duplicate_name_in_the_organization_only():
    acme, globex = team_make("acme"), team_make("globex")
    collector_make(acme.organization, name="web-1")
    response = api_client(acme.admin).post(URL, {"name": "web-1"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["A collector with this name already exists."]}
    assert api_client(globex.admin).post(URL, {"name": "web-1"}, format="json").status_code == 201
    assert not ApiKey.objects.filter(organization=acme.organization).exists()


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_answers_403_to_a_non_admin(role):
    acme = team_make("acme")
    response = api_client(getattr(acme, role)).post(URL, {"name": "web-1"}, format="json")
    assert response.status_code == 403 and "detail" in response.json()
    assert not Collector.objects.exists()


def test_it_reads_a_form_body_as_the_reference_did():
    """§1.5: form bodies are parsed on these views too."""
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, "name=web-9&description=form",
                                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201 and response.json()["name"] == "web-9"
