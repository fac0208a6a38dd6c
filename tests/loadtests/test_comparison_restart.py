"""A benchmark comparison survives its worker's death: real workers in child processes
(`manage.py procrastinate worker`, as `make run` starts them), one killed (SIGKILL) while
pcd runs the second server; the next worker carries on from that server without running
the first one again."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from metrics.loadtests.models import BenchmarkComparison, BenchmarkComparisonServer, LoadTest
from tests.loadtests.pcd_fake import pcd_serving
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import until
from xat.encryption import encrypt

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
STALLED_SECONDS = 2


def _worker(log: Path) -> subprocess.Popen:
    """A worker on this test's database that admits the fake pcds on 127.0.0.1 and finds a
    stalled job after STALLED_SECONDS."""
    env = {**os.environ, "PGDATABASE": connection.settings_dict["NAME"], "XAT_PCD_ALLOWED_NETWORKS": "127.0.0.1/32",
           "XAT_WORKER_STALLED_SECONDS": str(STALLED_SECONDS), "XAT_PCD_TIMEOUT_SECONDS": "30"}
    with log.open("ab") as output:
        return subprocess.Popen([sys.executable, "manage.py", "procrastinate", "worker"], cwd=ROOT, env=env,
                                stdout=output, stderr=subprocess.STDOUT)


def test_it_carries_on_from_the_unfinished_server_after_a_worker_is_killed(tmp_path):
    acme = team_make("acme")
    client = api_client(acme.analyst)
    with pcd_serving(units_at_100=1000) as first_pcd, pcd_serving(units_at_100=3000, delay=4) as second_pcd:
        first = collector_make(acme.organization, name="first", pcd_address=first_pcd.address,
                               pcd_apikey_encrypted=encrypt(first_pcd.key))
        second = collector_make(acme.organization, name="second", pcd_address=second_pcd.address,
                                pcd_apikey_encrypted=encrypt(second_pcd.key))
        response = client.post("/api/v1/pcc/benchmark/compare",
                               {"servers": [{"server_id": str(first.uuid)}, {"server_id": str(second.uuid)}]},
                               format="json")
        comparison_id = response.json()["comparison_id"]

        killed = _worker(tmp_path / "killed.log")
        try:
            until(lambda: second_pcd.requests, timeout=120, what="the second server's load test to start")
            midway = client.get(f"/api/v1/pcc/benchmark/compare/{comparison_id}").json()
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait()
        assert (midway["status"], midway["progress"], midway["phase"]) == ("running", 50, "Running benchmark on "
                                                                                           f"{second.uuid}")
        assert [s["status"] for s in midway["servers"]] == ["completed", "running"]

        second_worker = _worker(tmp_path / "second.log")
        try:
            until(lambda: BenchmarkComparison.objects.filter(pk=comparison_id, status="completed").exists(),
                   timeout=120, what="the comparison to be taken up again and complete")
        finally:
            second_worker.send_signal(signal.SIGTERM)
            second_worker.wait(timeout=60)

    done = client.get(f"/api/v1/pcc/benchmark/compare/{comparison_id}").json()
    assert [s["status"] for s in done["servers"]] == ["completed", "completed"]
    assert done["results"][str(second.uuid)]["success"] is True
    assert len(first_pcd.requests) == 1  # not run again
    assert len(second_pcd.requests) == 2  # cut short, then run again
    assert sorted(test.units_100pct for test in LoadTest.objects.all()) == [1000, 3000]  # one each
    assert set(BenchmarkComparisonServer.objects.values_list("load_test__collector", flat=True)) == {first.pk, second.pk}
    assert "its worker stopped sending heartbeats; queued again" in (tmp_path / "second.log").read_text()
