"""DELETE /api/v1/collectors/{id}/ (contract §5.5), and one domain with XAT's /api/collectors/."""

import json
from datetime import UTC, datetime

import pytest

from accounts.models import ApiKey
from metrics.models import Collector, TrickleSession
from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES
from tests.personas import api_client, api_key_make, collector_make, collector_rows, team_make

pytestmark = pytest.mark.django_db


def url(collector) -> str:
    return f"/api/v1/collectors/{collector.uuid}/"


def test_it_deletes_the_collector_its_keys_sessions_and_samples():
    acme = team_make("acme")
    web, other = collector_make(acme.organization, name="web"), collector_make(acme.organization, name="db")
    _, secret = api_key_make(acme.organization, collector=web)
    api_key_make(acme.organization, collector=other)
    ticks = [m for tick in capture_ticks(CAPTURES[0])[:3] for m in tick]
    stored = api_client().generic("POST", "/api/v1/metrics/", json.dumps({"metrics": ticks}), HTTP_APIKEY=secret)
    assert stored.status_code == 200 and sum(collector_rows(web.pk).values()) > 0
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    TrickleSession.objects.create(organization=acme.organization, collector=web, name="s", started_at=moment,
                                  last_data_at=moment, last_received_at=moment)

    response = api_client(acme.admin).delete(url(web))
    assert response.status_code == 204 and response.content == b""
    assert not Collector.objects.filter(pk=web.pk).exists()
    assert not any(collector_rows(web.pk).values())
    assert not TrickleSession.objects.exists()
    assert list(ApiKey.objects.values_list("collector", flat=True)) == [other.pk]
    assert api_client(acme.admin).get(url(web)).status_code == 404


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_it_answers_403_to_a_non_admin(role):
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    assert api_client(getattr(acme, role)).delete(url(collector)).status_code == 403
    assert Collector.objects.filter(pk=collector.pk).exists()


def test_it_answers_404_for_another_organizations_collector():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization)
    response = api_client(acme.admin).delete(url(theirs))
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert Collector.objects.filter(pk=theirs.pk).exists()


def test_it_is_one_domain_with_xats_own_collector_api():
    acme = team_make("acme")
    client = api_client(acme.admin)
    created = client.post("/api/v1/collectors/", {"name": "web"}, format="json").json()
    (ours,) = client.get("/api/collectors/").json()["results"]
    assert ours["name"] == "web"
    # Changed by XAT's API (integer id, bytes), seen by the dashboard's (UUID, GiB)...
    client.patch(f"/api/collectors/{ours['id']}/", {"memory_bytes": 8 * 2**30, "cpu_model": "EPYC"}, format="json")
    seen = client.get(f"/api/v1/collectors/{created['id']}/").json()
    assert (seen["memory_gib"], seen["processor_model"]) == ("8.00", "EPYC")
    # ... and the other way round.
    client.patch(f"/api/v1/collectors/{created['id']}/", {"name": "web-2", "storage_gib": "1.50"}, format="json")
    detail = client.get(f"/api/collectors/{ours['id']}/").json()
    assert (detail["name"], detail["storage_bytes"]) == ("web-2", 3 * 2**29)
    # Made by XAT's API, deleted by the dashboard's; and the reverse.
    theirs = client.post("/api/collectors/", {"name": "db"}, format="json").json()
    uuid = Collector.objects.get(pk=theirs["id"]).uuid
    assert client.delete(f"/api/v1/collectors/{uuid}/").status_code == 204
    assert client.get(f"/api/collectors/{theirs['id']}/").status_code == 404
    assert client.delete(f"/api/collectors/{ours['id']}/").status_code == 204
    assert client.get(f"/api/v1/collectors/{created['id']}/").status_code == 404
