"""GET /api/collectors/{id}/."""

import pytest

from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db


def test_it_shows_a_collector_to_any_member():
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web-1", tags=["web"])
    response = api_client(acme.viewer).get(f"/api/collectors/{web.pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == "web-1" and response.json()["status"] == "never"
    assert response.json()["uuid"] == str(web.uuid)  # the same collector in the perf-dashboard API


def test_it_answers_404_for_another_organizations_collector():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization, name="globex-secret")
    response = api_client(acme.admin).get(f"/api/collectors/{theirs.pk}/")
    assert response.status_code == 404 and "globex-secret" not in response.content.decode()
    assert api_client(acme.admin).get("/api/collectors/999999/").status_code == 404


@pytest.mark.parametrize("collector_id", [0, 2**63 - 1, 2**63, 10**30])
@pytest.mark.parametrize("path", ["/api/collectors/{}/", "/api/dashboard/collectors/{}/cpu/",
                                  "/api/dashboard/collectors/{}/live/?since=0"])
def test_it_answers_404_for_an_id_no_collector_can_have(path, collector_id):
    acme = team_make("acme")
    assert api_client(acme.viewer).get(path.format(collector_id)).status_code == 404
