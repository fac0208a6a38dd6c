"""GET /dashboard/api/collectors/ (contract §6.0, example §10.2)."""

import pytest

from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/dashboard/api/collectors/"


def test_it_lists_id_name_description_newest_first_unpaginated():
    acme, globex = team_make("acme"), team_make("globex")
    older = collector_make(acme.organization, name="oci-e4-flex", hostname="h1", vcpus=2)
    newer = collector_make(acme.organization, name="azure-b2s-01", description="Azure test VM")
    collector_make(globex.organization, name="globex-web")
    response = api_client(acme.viewer).get(URL)
    assert response.status_code == 200
    assert response.json() == [
        {"id": str(newer.uuid), "name": "azure-b2s-01", "description": "Azure test VM"},
        {"id": str(older.uuid), "name": "oci-e4-flex", "description": ""},
    ]


def test_it_answers_an_empty_array_without_collectors():
    acme = team_make("acme")
    assert api_client(acme.viewer).get(URL).json() == []


def test_it_answers_401_without_a_token():
    assert api_client().get(URL).status_code == 401
