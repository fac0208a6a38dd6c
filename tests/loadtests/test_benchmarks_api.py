"""/api/v1/benchmarks/, /api/v1/benchmarks/{id}/ and /api/v1/benchmarks/stats/ (contract
§9.5): shapes, filters, statistics, roles, tenancy, S5."""

import re
from statistics import mean

import pytest

from metrics.loadtests.models import Benchmark
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/benchmarks/"
KEYS = ["id", "collector", "collector_name", "owner_username", "name", "benchmark_type", "status", "start_time",
        "end_time", "duration_seconds", "cpu_score", "memory_score", "disk_score", "network_score", "overall_score",
        "error_message", "is_complete", "created_at", "updated_at"]
Z_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture
def acme():
    return team_make("acme")


def _benchmark(team, collector, **fields) -> Benchmark:
    return Benchmark.objects.create(organization=team.organization, collector=collector, created_by=team.admin,
                                    name=fields.pop("name", "run"), **fields)


def test_it_creates_a_benchmark_echoing_what_was_sent(acme):
    collector = collector_make(acme.organization, name="web-1")
    response = api_client(acme.analyst).post(URL, {"collector": str(collector.uuid), "name": "baseline"}, format="json")
    assert response.status_code == 201
    benchmark = Benchmark.objects.get()
    assert response.json() == {"id": str(benchmark.pk), "collector": str(collector.uuid), "name": "baseline",
                               "benchmark_type": "standard"}
    shown = api_client(acme.viewer).get(f"{URL}{benchmark.pk}/").json()
    assert list(shown) == KEYS
    assert (shown["collector_name"], shown["owner_username"], shown["status"], shown["is_complete"]) == (
        "web-1", "acme-analyst", "pending", False)
    assert shown["start_time"] is None and Z_TIME.match(shown["created_at"]) and Z_TIME.match(shown["updated_at"])


def test_it_refuses_another_organizations_collector(acme):
    """S5."""
    theirs = collector_make(team_make("globex").organization, name="globex-web")
    response = api_client(acme.admin).post(URL, {"collector": str(theirs.uuid), "name": "x"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["collector"]
    assert not Benchmark.objects.exists()


def test_it_lists_newest_first_and_filters_by_status_and_collector(acme):
    web, db = collector_make(acme.organization, name="web"), collector_make(acme.organization, name="db")
    made = [_benchmark(acme, web, status="completed"), _benchmark(acme, db, status="failed"),
            _benchmark(acme, web, status="failed")]
    globex = team_make("globex")
    _benchmark(globex, collector_make(globex.organization), status="failed")
    client = api_client(acme.viewer)

    def ids(**query):
        return [item["id"] for item in client.get(URL, query).json()["results"]]

    assert ids() == [str(b.pk) for b in reversed(made)]
    assert ids(status="failed") == [str(made[2].pk), str(made[1].pk)]
    assert ids(collector_id=str(web.uuid)) == [str(made[2].pk), str(made[0].pk)]
    assert ids(status="failed", collector_id=str(web.uuid)) == [str(made[2].pk)]
    assert client.get(URL, {"status": "done"}).status_code == 400
    assert client.get(URL, {"collector_id": "web"}).status_code == 400


def test_it_counts_by_status_and_averages_the_completed_ones_scores(acme):
    collector = collector_make(acme.organization)
    client = api_client(acme.viewer)
    assert client.get(f"{URL}stats/").json() == {"total": 0, "by_status": {
        "pending": 0, "collecting": 0, "running": 0, "completed": 0, "failed": 0, "cancelled": 0}, "avg_scores": {}}
    scores = [(81, 70, 55, 90, 74), (78, 71, 60, None, 70), (80, 72, 57, 93, 75)]
    for cpu, memory, disk, network, overall in scores:
        _benchmark(acme, collector, status="completed", cpu_score=cpu, memory_score=memory, disk_score=disk,
                   network_score=network, overall_score=overall)
    _benchmark(acme, collector, status="failed", cpu_score=1)
    _benchmark(acme, collector)
    body = client.get(f"{URL}stats/").json()
    assert body["total"] == 5 and body["by_status"] == {"pending": 1, "collecting": 0, "running": 0, "completed": 3,
                                                        "failed": 1, "cancelled": 0}
    columns = list(zip(*scores))
    expected = {name: round(mean(v for v in column if v is not None), 1)
                for name, column in zip(("cpu", "memory", "disk", "network", "overall"), columns)}
    assert body["avg_scores"] == expected == {"cpu": 79.7, "memory": 71.0, "disk": 57.3, "network": 91.5,
                                              "overall": 73.0}


def test_it_updates_and_deletes(acme):
    collector = collector_make(acme.organization)
    benchmark = _benchmark(acme, collector)
    client = api_client(acme.analyst)
    url = f"{URL}{benchmark.pk}/"
    patched = client.patch(url, {"status": "completed", "cpu_score": 88, "end_time": "2026-01-22T14:05:11Z",
                                 "duration_seconds": 300}, format="json").json()
    assert (patched["status"], patched["is_complete"], patched["cpu_score"], patched["end_time"],
            patched["duration_seconds"]) == ("completed", True, 88, "2026-01-22T14:05:11Z", 300)
    response = client.patch(url, {"overall_score": 101}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["overall_score"]
    response = client.put(url, {"name": "renamed"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["collector"]
    put = client.put(url, {"name": "renamed", "collector": str(collector.uuid)}, format="json").json()
    assert (put["name"], put["cpu_score"]) == ("renamed", 88)
    assert client.delete(url).status_code == 204 and not Benchmark.objects.exists()


def test_it_answers_404_for_another_organizations_benchmark_to_every_role(acme):
    globex = team_make("globex")
    theirs = _benchmark(globex, collector_make(globex.organization))
    for user in (acme.admin, acme.analyst, acme.viewer):
        client = api_client(user)
        for method in ("get", "put", "patch", "delete"):
            response = getattr(client, method)(f"{URL}{theirs.pk}/", {}, format="json")
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), (user, method)
    assert Benchmark.objects.filter(pk=theirs.pk).exists()


def test_it_lets_viewers_read_only(acme):
    collector = collector_make(acme.organization)
    benchmark = _benchmark(acme, collector)
    client = api_client(acme.viewer)
    assert client.post(URL, {"collector": str(collector.uuid), "name": "x"}, format="json").status_code == 403
    assert client.patch(f"{URL}{benchmark.pk}/", {"name": "y"}, format="json").status_code == 403
    assert client.delete(f"{URL}{benchmark.pk}/").status_code == 403
    assert Benchmark.objects.get().name == "run"
