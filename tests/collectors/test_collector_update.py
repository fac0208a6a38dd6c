"""PATCH /api/collectors/{id}/."""

import pytest

from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db


def test_it_changes_only_the_fields_sent():
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web-1", hostname="web1", tags=["web"])
    response = api_client(acme.admin).patch(f"/api/collectors/{web.pk}/", {"tags": ["web", "eu"], "region": "eu"},
                                            format="json")
    assert response.status_code == 200
    web.refresh_from_db()
    assert (web.name, web.hostname, web.tags, web.region) == ("web-1", "web1", ["web", "eu"], "eu")


def test_it_answers_400_to_a_duplicate_name_or_identifier():
    acme = team_make("acme")
    collector_make(acme.organization, name="db-1", identifier="a" * 32)
    web = collector_make(acme.organization, name="web-1")
    client = api_client(acme.admin)
    assert client.patch(f"/api/collectors/{web.pk}/", {"name": "db-1"}, format="json").json() == {
        "name": ["A collector with this name already exists."]
    }
    assert client.patch(f"/api/collectors/{web.pk}/", {"identifier": "a" * 32}, format="json").status_code == 400


def test_it_refuses_non_admins_and_other_organizations():
    acme, globex = team_make("acme"), team_make("globex")
    mine = collector_make(acme.organization)
    theirs = collector_make(globex.organization)
    assert api_client(acme.analyst).patch(f"/api/collectors/{mine.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api_client(acme.admin).patch(f"/api/collectors/{theirs.pk}/", {"name": "x"},
                                        format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "web-1"
