"""POST /api/v1/loadtests/run/{collector_id}/ (contract §9.1, Appendix D.4): 201 with the
load test queued, measured by a worker (its job calls the collector's pcd: a real server,
pcd_fake.py), followed through GET /api/v1/loadtests/{id}/ to completed or failed."""

import pytest
from django.db import connection
from procrastinate.contrib.django.models import ProcrastinateJob

from metrics.loadtests.models import LoadTest
from tests.loadtests.pcd_fake import KEY, CollectorDeletion, pcd_serving
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import uploads_work as queued_jobs_work
from xat.encryption import encrypt

pytestmark = pytest.mark.django_db(transaction=True)


def _run_url(collector) -> str:
    return f"/api/v1/loadtests/run/{collector.uuid}/"


def _pcd_collector(organization, pcd, **fields):
    return collector_make(organization, name=fields.pop("name", "web-1"), pcd_address=pcd.address,
                          pcd_apikey_encrypted=encrypt(pcd.key), **fields)


def _followed(client, answer: dict) -> dict:
    """Lets the worker run the queued jobs, then reads the load test as a client does."""
    queued_jobs_work()
    return client.get(f"/api/v1/loadtests/{answer['id']}/").json()


def test_it_queues_the_run_then_shows_pcds_levels(pcd_admitted):
    acme = team_make("acme")
    client = api_client(acme.analyst)
    with pcd_serving(units_at_100=12000) as pcd:
        collector = _pcd_collector(acme.organization, pcd, vm_brand="oracle_cloud")
        response = client.post(_run_url(collector), {"notes": "nightly"}, format="json")
        assert response.status_code == 201, response.content
        answer = response.json()
        assert (answer["status"], answer["maxUnits"], answer["notes"], answer["provider"]) == ("queued", 0, "nightly", "OCI")
        assert pcd.requests == []  # not in the request: in the worker
        shown = _followed(client, answer)
    assert len(pcd.requests) == 1 and pcd.requests[0][2]["apikey"] == KEY
    assert shown["status"] == "completed" and shown["error"] == ""
    assert shown["data"] == [{"busyPct": level, "workUnits": 120 * level} for level in range(10, 101, 10)]
    assert (shown["maxUnits"], shown["avgUnits"]) == (12000, sum(120 * level for level in range(10, 101, 10)) // 10)
    stored = LoadTest.objects.get(pk=answer["id"])
    assert stored.created_by == acme.analyst and stored.started_at <= stored.finished_at


@pytest.mark.parametrize("serving, error", [
    ({"status": 503, "text": "overloaded"}, "pcd daemon returned error: 503"),
    ({"behaviour": "hang"}, "pcd daemon timed out"),
    ({"behaviour": "drip"}, "pcd daemon timed out"),
    ({"behaviour": "garbage"}, "Error communicating with pcd daemon: the answer is not a JSON object of results"),
    ({"behaviour": "oversize"}, "Error communicating with pcd daemon: the answer is larger than 65536 bytes"),
    ({"behaviour": "pcd_error"}, "pcd load test failed: perfcpumeasure crashed"),
    ({"behaviour": "nested"}, "Error communicating with pcd daemon: the answer is not a JSON object of results"),
])
def test_it_records_why_a_run_failed(pcd_admitted, serving, error):
    acme = team_make("acme")
    client = api_client(acme.admin)
    with pcd_serving(**serving) as pcd:
        answer = client.post(_run_url(_pcd_collector(acme.organization, pcd)), {}, format="json").json()
        shown = _followed(client, answer)
    assert (shown["status"], shown["error"], shown["maxUnits"]) == ("failed", error, 0)


def test_it_refuses_a_pcd_on_loopback_at_connect_time_unless_admitted(settings):
    """An address stored before the rule (no save-time check ran): the job checks it again
    and the server behind it receives nothing."""
    settings.XAT_PCD_ALLOWED_NETWORKS = []
    acme = team_make("acme")
    client = api_client(acme.admin)
    with pcd_serving() as pcd:
        answer = client.post(_run_url(_pcd_collector(acme.organization, pcd)), {}, format="json").json()
        shown = _followed(client, answer)
    assert shown["status"] == "failed" and shown["error"].startswith(f"pcd address {pcd.address} is not allowed (loopback)")
    assert pcd.requests == []


@pytest.mark.parametrize("fields, error", [
    ({"pcd_address": "", "pcd_apikey_encrypted": "sealed"}, "Collector does not have pcd_address configured"),
    ({"pcd_address": "8.8.8.8:8080", "pcd_apikey_encrypted": ""}, "Collector does not have pcd_apikey configured"),
])
def test_it_answers_400_when_the_collector_has_no_pcd(fields, error):
    acme = team_make("acme")
    collector = collector_make(acme.organization, **fields)
    response = api_client(acme.admin).post(_run_url(collector), {}, format="json")
    assert (response.status_code, response.json()) == (400, {"error": error})
    assert not LoadTest.objects.exists()


def test_it_answers_404_for_another_organizations_collector_and_403_to_a_viewer():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization, name="globex-web", pcd_address="8.8.8.8:1", pcd_apikey_encrypted="x")
    for user in (acme.admin, acme.viewer):
        response = api_client(user).post(_run_url(theirs), {}, format="json")
        assert (response.status_code, response.json()) == (404, {"error": "Collector not found"})
    ours = collector_make(acme.organization, pcd_address="8.8.8.8:1", pcd_apikey_encrypted="x")
    assert api_client(acme.viewer).post(_run_url(ours), {}, format="json").status_code == 403
    assert api_client(acme.admin).post(f"/api/v1/loadtest/run/{ours.uuid}/", {}, format="json").status_code == 201
    assert LoadTest.objects.get().collector == ours


def test_it_lets_a_collector_go_while_its_pcd_runs(pcd_admitted):
    """The collector (and with it the load test) is deleted while pcd works: the job ends
    without error and records nothing."""
    acme = team_make("acme")
    client = api_client(acme.admin)
    deletion = CollectorDeletion()
    with pcd_serving(on_request=deletion) as pcd:
        deletion.collector = _pcd_collector(acme.organization, pcd)
        answer = client.post(_run_url(deletion.collector), {}, format="json").json()
        queued_jobs_work()
    assert len(pcd.requests) == 1
    assert not LoadTest.objects.filter(pk=answer["id"]).exists()
    assert not ProcrastinateJob.objects.exclude(status="succeeded").exists()


def test_any_exception_ends_the_run_failed_with_a_reason(pcd_admitted, monkeypatch):
    """Issue 23, §5: an error nobody foresaw (here, in reading pcd's answer) no longer leaves
    the load test `running` for ever with an empty error."""
    def broken(body):
        raise RuntimeError("a bug")
    monkeypatch.setattr("metrics.loadtests.pcd.pcd_answer_parse", broken)
    acme = team_make("acme")
    client = api_client(acme.admin)
    with pcd_serving() as pcd:
        answer = client.post(_run_url(_pcd_collector(acme.organization, pcd)), {}, format="json").json()
        shown = _followed(client, answer)
    assert (shown["status"], shown["error"]) == ("failed", "Internal error while measuring (RuntimeError)")


class _RecorderDisconnected:
    """An on_request for pcd_serving: while pcd "runs", the database drops the connection of
    the job that waits for it (what a database restart does to it)."""

    def __call__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                           " AND pid <> pg_backend_pid() AND query LIKE 'UPDATE \"metrics_loadtest\"%%'")
            assert cursor.rowcount == 1, "no job connection found to drop"
        connection.close()


def test_a_connection_lost_while_the_run_records_still_ends_the_row(pcd_admitted):
    """Issue 23, §5: the job's connection broken by the database while pcd ran; its result
    is recorded on a new connection, not left `running`."""
    acme = team_make("acme")
    client = api_client(acme.admin)
    with pcd_serving(units_at_100=12000, on_request=_RecorderDisconnected()) as pcd:
        answer = client.post(_run_url(_pcd_collector(acme.organization, pcd)), {}, format="json").json()
        shown = _followed(client, answer)
    assert (shown["status"], shown["maxUnits"]) == ("completed", 12000)
