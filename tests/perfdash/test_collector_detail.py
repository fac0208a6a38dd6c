"""GET /api/v1/collectors/{id}/ (contract §5.3)."""

import pytest

from tests.perfdash.shapes import COLLECTOR_FIELDS
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db


def url(collector) -> str:
    return f"/api/v1/collectors/{collector.uuid}/"


def test_it_answers_the_full_object_to_every_role():
    acme = team_make("acme")
    collector = collector_make(acme.organization, memory_bytes=16 * 2**30 - 1, storage_bytes=0, vcpus=0,
                               hourly_cost="0.12345")
    for role in ("admin", "analyst", "viewer"):
        response = api_client(getattr(acme, role)).get(url(collector))
        assert response.status_code == 200
        body = response.json()
        assert list(body) == COLLECTOR_FIELDS and body["id"] == str(collector.uuid)
    # bytes / 2^30 to two decimals; the cost to four; zero is not a spec.
    assert (body["memory_gib"], body["storage_gib"], body["hourly_cost"]) == ("16.00", "0.00", "0.1235")
    assert body["specs_summary"] == "16.00 GiB RAM"


def test_it_never_returns_a_key():
    acme = team_make("acme")
    collector = collector_make(acme.organization, pcd_apikey_encrypted="sealed")
    body = api_client(acme.admin).get(url(collector)).json()
    assert not {"api_key", "pcd_apikey", "pcd_apikey_encrypted"} & set(body)
    assert "sealed" not in str(body)


def test_it_answers_404_for_another_organizations_collector_and_a_missing_one():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization)
    for role in ("admin", "analyst", "viewer"):
        client = api_client(getattr(acme, role))
        for path in (url(theirs), "/api/v1/collectors/00000000-0000-4000-8000-000000000000/"):
            response = client.get(path)
            assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_it_matches_no_route_for_an_upper_case_or_integer_id():
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    client = api_client(acme.admin)
    assert client.get(f"/api/v1/collectors/{str(collector.uuid).upper()}/").status_code == 404
    assert client.get(f"/api/v1/collectors/{collector.pk}/").status_code == 404
