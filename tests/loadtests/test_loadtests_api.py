"""GET/POST /api/v1/loadtests/ and GET/PUT/PATCH/DELETE /api/v1/loadtests/{id}/ (contract
§9.1), and the singular alias /api/v1/loadtest/: shapes, filters, roles, tenancy, S5."""

import re

import pytest

from metrics.loadtests.models import LoadTest
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
LEVELS = range(10, 101, 10)
Z_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
KEYS = ["id", "collectorId", "serverName", "provider", "benchmarkId", "data", "maxUnits", "avgUnits", "notes",
        "createdAt", "collector", *(f"units_{level}pct" for level in LEVELS), "status", "error"]


def _units(*values) -> dict:
    return {f"units_{level}pct": value for level, value in zip(LEVELS, values)}


@pytest.fixture
def acme():
    return team_make("acme")


def test_it_creates_a_load_test_and_answers_the_contracts_object(acme):
    collector = collector_make(acme.organization, name="web-1", vm_brand="aws")
    values = (120, 250, 370, 480, 610, 700, 840, 960, 1010, 1005)
    response = api_client(acme.analyst).post("/api/v1/loadtests/", {"collector": str(collector.uuid),
                                                                      "notes": "first", **_units(*values)},
                                             format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert list(body) == KEYS
    stored = LoadTest.objects.get(pk=body["id"])
    assert stored.created_by == acme.analyst and stored.organization == acme.organization
    assert body["collectorId"] == body["collector"] == str(collector.uuid)
    assert (body["serverName"], body["provider"], body["benchmarkId"], body["notes"]) == ("web-1", "AWS", None, "first")
    assert body["data"] == [{"busyPct": level, "workUnits": value} for level, value in zip(LEVELS, values)]
    assert body["maxUnits"] == 1010 and body["avgUnits"] == sum(values) // 10 == 6345 // 10
    assert Z_TIME.match(body["createdAt"]) and (body["status"], body["error"]) == ("completed", "")


def test_it_counts_a_level_not_given_as_zero(acme):
    collector = collector_make(acme.organization)
    body = api_client(acme.admin).post("/api/v1/loadtests/", {"collector": str(collector.uuid), "units_50pct": 9},
                                       format="json").json()
    assert [point["workUnits"] for point in body["data"]] == [0, 0, 0, 0, 9, 0, 0, 0, 0, 0]
    assert (body["maxUnits"], body["avgUnits"], body["notes"]) == (9, 0, "")


@pytest.mark.parametrize("brand, provider", [("aws", "AWS"), ("azure", "Azure"), ("gcp", "GCP"), ("oracle_cloud", "OCI"),
                                             ("vmware", "VMware"), ("bare_metal", "Bare Metal"), ("dell", "dell"),
                                             ("unknown", "unknown"), ("", "Unknown")])
def test_it_names_the_provider_from_the_collectors_brand(acme, brand, provider):
    collector = collector_make(acme.organization, vm_brand=brand)
    body = api_client(acme.admin).post("/api/v1/loadtests/", {"collector": str(collector.uuid)}, format="json").json()
    assert body["provider"] == provider


def test_it_refuses_another_organizations_collector_on_create_and_update(acme):
    """S5: a collector of another organization is refused as if it did not exist."""
    globex = team_make("globex")
    theirs = collector_make(globex.organization, name="globex-web")
    client = api_client(acme.admin)
    response = client.post("/api/v1/loadtests/", {"collector": str(theirs.uuid)}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["collector"]
    assert not LoadTest.objects.exists()
    ours = LoadTest.objects.create(organization=acme.organization, collector=collector_make(acme.organization))
    response = client.patch(f"/api/v1/loadtests/{ours.pk}/", {"collector": str(theirs.uuid)}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["collector"]
    assert LoadTest.objects.get(pk=ours.pk).collector.organization == acme.organization


@pytest.mark.parametrize("body, field", [({"collector": None}, "collector"), ({"collector": "nope"}, "collector"),
                                         ({"units_10pct": -1}, "units_10pct"), ({"units_100pct": 2**31}, "units_100pct"),
                                         ({"notes": None}, "notes")])
def test_it_answers_field_errors(acme, body, field):
    collector = collector_make(acme.organization)
    response = api_client(acme.admin).post("/api/v1/loadtests/", {"collector": str(collector.uuid), **body},
                                           format="json")
    assert response.status_code == 400 and list(response.json()) == [field]


def test_it_lists_the_organizations_load_tests_newest_first_and_filters_by_collector(acme):
    globex = team_make("globex")
    web, db = collector_make(acme.organization, name="web"), collector_make(acme.organization, name="db")
    made = [LoadTest.objects.create(organization=acme.organization, collector=collector) for collector in (web, db, web)]
    LoadTest.objects.create(organization=globex.organization, collector=collector_make(globex.organization))
    client = api_client(acme.viewer)
    for url in ("/api/v1/loadtests/", "/api/v1/loadtest/"):
        body = client.get(url).json()
        assert (body["count"], body["next"], body["previous"]) == (3, None, None)
        assert [item["id"] for item in body["results"]] == [str(test.pk) for test in reversed(made)]
        filtered = client.get(url, {"collector_id": str(web.uuid)}).json()
        assert [item["id"] for item in filtered["results"]] == [str(made[2].pk), str(made[0].pk)]
    response = client.get("/api/v1/loadtests/", {"collector_id": "web"})
    assert response.status_code == 400 and list(response.json()) == ["collector_id"]
    assert client.get("/api/v1/loadtests/", {"page": 2}).json() == {"detail": "Invalid page."}


def test_it_pages_by_fifty(acme):
    collector = collector_make(acme.organization)
    LoadTest.objects.bulk_create(LoadTest(organization=acme.organization, collector=collector) for _ in range(51))
    body = api_client(acme.viewer).get("/api/v1/loadtests/").json()
    assert body["count"] == 51 and len(body["results"]) == 50 and body["next"].endswith("/api/v1/loadtests/?page=2")


def test_it_reads_updates_and_deletes_one_through_either_path(acme):
    collector, other = collector_make(acme.organization, name="web"), collector_make(acme.organization, name="db")
    test = LoadTest.objects.create(organization=acme.organization, collector=collector, notes="x", units_10pct=5)
    client = api_client(acme.analyst)
    assert client.get(f"/api/v1/loadtest/{test.pk}/").json() == client.get(f"/api/v1/loadtests/{test.pk}/").json()
    patched = client.patch(f"/api/v1/loadtest/{test.pk}/", {"notes": "y", "units_20pct": 7}, format="json").json()
    assert (patched["notes"], patched["units_10pct"], patched["units_20pct"]) == ("y", 5, 7)
    response = client.put(f"/api/v1/loadtests/{test.pk}/", {"units_30pct": 1}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["collector"]
    put = client.put(f"/api/v1/loadtests/{test.pk}/", {"collector": str(other.uuid), "units_30pct": 1},
                     format="json").json()
    assert (put["serverName"], put["notes"], put["units_10pct"], put["units_30pct"]) == ("db", "", 0, 1)
    assert client.delete(f"/api/v1/loadtest/{test.pk}/").status_code == 204
    assert not LoadTest.objects.exists()


def test_it_answers_404_for_another_organizations_load_test_to_every_role(acme):
    globex = team_make("globex")
    theirs = LoadTest.objects.create(organization=globex.organization, collector=collector_make(globex.organization))
    for user in (acme.admin, acme.analyst, acme.viewer):
        client = api_client(user)
        for method in ("get", "put", "patch", "delete"):
            response = getattr(client, method)(f"/api/v1/loadtests/{theirs.pk}/", {}, format="json")
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), (user, method)
    assert LoadTest.objects.filter(pk=theirs.pk).exists()


def test_it_lets_viewers_read_only(acme):
    collector = collector_make(acme.organization)
    test = LoadTest.objects.create(organization=acme.organization, collector=collector)
    client = api_client(acme.viewer)
    assert client.get(f"/api/v1/loadtests/{test.pk}/").status_code == 200
    assert client.post("/api/v1/loadtests/", {"collector": str(collector.uuid)}, format="json").status_code == 403
    assert client.patch(f"/api/v1/loadtests/{test.pk}/", {"notes": "n"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/loadtests/{test.pk}/").status_code == 403
    assert LoadTest.objects.get(pk=test.pk).notes == ""


def test_it_answers_401_without_a_token():
    assert api_client().get("/api/v1/loadtests/").status_code == 401
