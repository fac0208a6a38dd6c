"""POST /api/v1/pcc/benchmark/compare and GET /api/v1/pcc/benchmark/compare/{id} (contract
§9.4, D.5): a job runs pcd's load test on each server in turn (real pcd-compatible servers,
pcd_fake.py); only the user who started a comparison reads it (S4)."""

import re

import pytest

from accounts.models import Membership
from metrics.loadtests import pcd
from metrics.loadtests.models import BenchmarkComparison, LoadTest
from tests.loadtests.pcd_fake import CollectorDeletion, pcd_serving
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import uploads_work as queued_jobs_work
from xat.encryption import encrypt

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/pcc/benchmark/compare"
OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
NOT_FOUND = {"success": False, "error": "Comparison not found or expired"}
LEVELS = range(10, 101, 10)


def _pcd_collector(organization, pcd, name: str):
    return collector_make(organization, name=name, pcd_address=pcd.address, pcd_apikey_encrypted=encrypt(pcd.key))


def _start(client, servers: list[dict]) -> str:
    response = client.post(URL, {"servers": servers}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["comparison_id"]


def test_it_runs_each_server_in_turn_and_shows_progress_then_results(pcd_admitted):
    acme = team_make("acme")
    client = api_client(acme.analyst)
    unconfigured = collector_make(acme.organization, name="bare")
    with pcd_serving(units_at_100=1000) as fast, pcd_serving(units_at_100=2500) as faster:
        web, db = _pcd_collector(acme.organization, fast, "web"), _pcd_collector(acme.organization, faster, "db")
        servers = [{"server_id": str(web.uuid), "name": "Web"}, {"server_id": str(db.uuid)},
                   {"server_id": "not-a-uuid", "name": "typo"}, {"server_id": str(unconfigured.uuid), "name": "Bare"}]
        response = client.post(URL, {"servers": servers, "duration": "120s"}, format="json")
        assert response.status_code == 201
        started = response.json()
        comparison_id = started["comparison_id"]
        assert started == {"success": True, "comparison_id": comparison_id,
                           "message": "Benchmark comparison started for 4 servers"}
        before = client.get(f"{URL}/{comparison_id}").json()
        queued_jobs_work()
        after = client.get(f"{URL}/{comparison_id}").json()
        raw = client.get(f"{URL}/{comparison_id}", {"include_raw_data": "true"}).json()

    assert (before["status"], before["progress"], before["phase"], before["completed_at"]) == (
        "running", 0, "initializing", None)
    assert [s["status"] for s in before["servers"]] == ["pending"] * 4 and "results" not in before
    assert (before["type"], before["benchmark_id"], before["duration"]) == ("benchmark", "perfcollector-loadtest", "120s")
    assert OFFSET_TIME.match(before["started_at"])

    assert (after["status"], after["progress"], after["phase"], after["error"]) == ("completed", 100, "completed", None)
    assert OFFSET_TIME.match(after["completed_at"])
    assert [(s["server_id"], s["name"], s["status"], s["progress"]) for s in after["servers"]] == [
        (str(web.uuid), "Web", "completed", 100), (str(db.uuid), "", "completed", 100),
        ("not-a-uuid", "typo", "failed", 0), (str(unconfigured.uuid), "Bare", "failed", 0)]
    busy = list(LEVELS)
    metrics = {"avgCpu": sum(busy) / len(busy), "maxCpu": 100.0, "avgMemory": 0.0, "maxMemory": 0.0,
               "avgDiskIO": 0.0, "maxDiskIO": 0.0}
    assert after["results"] == {
        str(web.uuid): {"success": True, "metrics_collected": True, "metrics": metrics, "samples": 10, "error": None},
        str(db.uuid): {"success": True, "metrics_collected": True, "metrics": metrics, "samples": 10, "error": None},
        "not-a-uuid": {"success": False, "metrics_collected": False, "metrics": {}, "samples": 0,
                       "error": "Collector not found"},
        str(unconfigured.uuid): {"success": False, "metrics_collected": False, "metrics": {}, "samples": 0,
                                 "error": "Collector does not have pcd_address configured"}}
    db_units = [25 * level for level in LEVELS]
    assert raw["results"][str(db.uuid)]["raw_data"] == {
        "loadTestData": [{"busyPct": level, "workUnits": units} for level, units in zip(LEVELS, db_units)],
        "maxUnits": 2500, "avgUnits": sum(db_units) / 10}
    assert "raw_data" not in raw["results"]["not-a-uuid"]
    # Each success is stored as a load test of the user who started the comparison.
    stored = {test.collector: test for test in LoadTest.objects.all()}
    assert set(stored) == {web, db}
    assert stored[db].units_100pct == 2500 and stored[db].created_by == acme.analyst
    assert stored[db].notes == f"Benchmark comparison: {comparison_id}"
    assert len(fast.requests) == len(faster.requests) == 1


def test_it_is_readable_only_by_the_user_who_started_it():
    """S4: another member of the same organization, and another organization, get 404."""
    acme, globex = team_make("acme"), team_make("globex")
    comparison_id = _start(api_client(acme.analyst), [{"server_id": "x"}])
    for user in (acme.admin, acme.viewer, globex.admin):
        response = api_client(user).get(f"{URL}/{comparison_id}")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert api_client(acme.analyst).get(f"{URL}/{comparison_id}").status_code == 200
    assert api_client(acme.analyst).get(f"{URL}/00000000-0000-4000-8000-000000000000").json() == NOT_FOUND
    # The same user acting in another organization of theirs does not see it either.
    other = team_make("initech")
    Membership.objects.create(user=acme.analyst, organization=other.organization, role="admin")
    response = api_client(acme.analyst, organization=other.organization).get(f"{URL}/{comparison_id}")
    assert response.status_code == 404


def test_it_fails_a_server_whose_collector_goes_while_its_pcd_runs(pcd_admitted):
    acme = team_make("acme")
    client = api_client(acme.admin)
    deletion = CollectorDeletion()
    with pcd_serving(on_request=deletion) as pcd:
        deletion.collector = _pcd_collector(acme.organization, pcd, "web")
        comparison_id = _start(client, [{"server_id": str(deletion.collector.uuid)}])
        queued_jobs_work()
    shown = client.get(f"{URL}/{comparison_id}").json()
    assert (shown["status"], shown["servers"][0]["status"]) == ("completed", "failed")
    assert shown["results"][str(deletion.collector.uuid)]["error"] == "Collector not found"
    assert not LoadTest.objects.exists()


def test_a_server_whose_pcd_answers_nested_json_fails_and_the_next_one_runs(pcd_admitted):
    """Issue 23, §5: the comparison stayed `running` at progress 0, its second server never run."""
    acme = team_make("acme")
    client = api_client(acme.admin)
    with pcd_serving(behaviour="nested") as nested, pcd_serving(units_at_100=1000) as good:
        first, second = _pcd_collector(acme.organization, nested, "nested"), _pcd_collector(acme.organization, good, "good")
        comparison_id = _start(client, [{"server_id": str(first.uuid)}, {"server_id": str(second.uuid)}])
        queued_jobs_work()
    shown = client.get(f"{URL}/{comparison_id}").json()
    assert (shown["status"], [s["status"] for s in shown["servers"]]) == ("completed", ["failed", "completed"])
    assert shown["results"][str(first.uuid)]["error"].startswith("Error communicating with pcd daemon")


def test_any_exception_in_a_server_fails_it_and_the_next_one_runs(pcd_admitted, monkeypatch):
    """A bug (here, in reading the first server's answer) fails that server only."""
    calls, parse = [], pcd.pcd_answer_parse

    def broken_once(body):
        calls.append(body)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return parse(body)
    monkeypatch.setattr("metrics.loadtests.pcd.pcd_answer_parse", broken_once)
    acme = team_make("acme")
    client = api_client(acme.admin)
    with pcd_serving(units_at_100=1000) as one, pcd_serving(units_at_100=1000) as two:
        first, second = _pcd_collector(acme.organization, one, "one"), _pcd_collector(acme.organization, two, "two")
        comparison_id = _start(client, [{"server_id": str(first.uuid)}, {"server_id": str(second.uuid)}])
        queued_jobs_work()
    shown = client.get(f"{URL}/{comparison_id}").json()
    assert (shown["status"], [s["status"] for s in shown["servers"]]) == ("completed", ["failed", "completed"])
    assert shown["results"][str(first.uuid)]["error"] == "Internal error while measuring (RuntimeError)"


@pytest.mark.parametrize("body", [{}, {"servers": []}, {"servers": None}])
def test_it_answers_400_without_servers(body):
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, body, format="json")
    assert (response.status_code, response.json()) == (400, {"error": "No servers provided"})


def test_it_refuses_more_than_ten_servers_and_servers_without_an_id():
    acme = team_make("acme")
    client = api_client(acme.admin)
    response = client.post(URL, {"servers": [{"server_id": str(n)} for n in range(11)]}, format="json")
    assert (response.status_code, response.json()) == (400, {"error": "At most 10 servers per comparison"})
    response = client.post(URL, {"servers": [{"name": "no id"}]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": "servers: This field is required.",
                               "fields": {"servers": {"0": {"server_id": ["This field is required."]}}}}
    assert not BenchmarkComparison.objects.exists()


def test_it_lets_viewers_not_start_one():
    acme = team_make("acme")
    assert api_client(acme.viewer).post(URL, {"servers": [{"server_id": "x"}]}, format="json").status_code == 403
    assert not BenchmarkComparison.objects.exists()


def test_it_needs_a_token():
    assert api_client().post(URL, {"servers": [{"server_id": "x"}]}, format="json").status_code == 401


@pytest.mark.parametrize("body, kind", [([{"server_id": "x"}], "json"), ({"servers": "x"}, "multipart")])
def test_it_answers_400_to_a_body_that_holds_no_list_of_servers(body, kind):
    acme = team_make("acme")
    response = api_client(acme.admin).post(URL, body, format=kind)
    assert (response.status_code, response.json()) == (400, {"error": "No servers provided"})
