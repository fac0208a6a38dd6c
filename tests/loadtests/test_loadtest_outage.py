"""A database outage while a load test records (issue 23, §5): the database stops while pcd
runs and stays away longer than the job retries its last write (XAT_JOB_RECORD_RETRY_SECONDS),
then comes back. The load test (or the comparison's server) still ends, failed with a reason
or measured again, with no one stepping in: the worker runs as `make run` runs it
(scripts/run.sh's supervise). On the spare cluster (tests/conftest.py), outside tests/faults:
stopping it there would break the connections of that folder's agent service, which its
next test expects to answer at once."""

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from metrics.loadtests.jobs import comparison_start, loadtest_run_queue
from metrics.loadtests.models import BenchmarkComparison, ComparisonStatus, LoadTest, LoadTestStatus
from metrics.loadtests.services import UNRECORDED_ERROR
from tests.conftest import ROOT, default_connection_to, manage, spare_database
from tests.loadtests.pcd_fake import pcd_serving
from tests.personas import collector_make, team_make
from xat.encryption import encrypt

DATABASE = "loadtest_outage"
RECORD_RETRY_SECONDS = 1
STALLED_SECONDS = 2
# Longer than the job's retries; shorter than the worker's own wait for a connection (its
# pool's 30 s), so that the worker records the job's end once the database is back.
OUTAGE_SECONDS = 8
# Longer than that wait too: the worker cannot record the job's end and exits; the job is
# left `doing` for the stalled-job check.
LONG_OUTAGE_SECONDS = 45
# After the database is back: what is left of the old worker's waits for a connection (2 x
# 30 s from the job's failure), the supervisor's pause (1 s, doubling while the worker cannot
# start), the worker's start, a stalled-job check (every second here) and, if it is run
# again, pcd's answer (at once here).
ENDED_WITHIN_SECONDS = 45


@pytest.fixture
def outage_database(spare_cluster, django_db_blocker):
    """A migrated database of the spare cluster, served to this process's ORM; the
    environment that points a worker at it."""
    socket_dir, port = spare_cluster
    env = spare_database(spare_cluster, DATABASE)
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    with django_db_blocker.unblock(), default_connection_to(HOST=str(socket_dir), PORT=port, NAME=DATABASE):
        yield env


def _cluster(spare_cluster, action: str) -> None:
    socket_dir, port = spare_cluster
    subprocess.run(["bash", ROOT / "scripts/pg.sh", action, socket_dir.parent, port], check=True,
                   capture_output=True, timeout=120)


class Outage:
    """An on_request for pcd_serving: on pcd's first request (in its thread) the database
    stops before pcd answers, and starts again `seconds` later (`back` then set). Later
    requests (a run after the outage) are answered at once."""

    def __init__(self, spare_cluster, seconds: float = OUTAGE_SECONDS):
        self.spare_cluster, self.seconds = spare_cluster, seconds
        self.stopped, self.back = threading.Event(), threading.Event()

    def __call__(self) -> None:
        if self.stopped.is_set():
            return
        self.stopped.set()
        _cluster(self.spare_cluster, "stop")
        threading.Thread(target=self._start_later, daemon=True).start()

    def _start_later(self) -> None:
        time.sleep(self.seconds)
        _cluster(self.spare_cluster, "start")
        self.back.set()


@contextmanager
def supervised_worker(env: dict, log) -> Iterator[None]:
    """A worker as `make run` runs one (started again whenever it exits), on env's database."""
    env = {**os.environ, **env, "XAT_PCD_ALLOWED_NETWORKS": "127.0.0.1/32",
           "XAT_WORKER_STALLED_SECONDS": str(STALLED_SECONDS), "XAT_JOB_RECORD_RETRY_SECONDS": str(RECORD_RETRY_SECONDS),
           "XAT_PCD_TIMEOUT_SECONDS": "30"}
    connection.close()  # this process's session would not outlive the outage
    supervisor = subprocess.Popen(["bash", "-c", 'source scripts/run.sh && supervise "$@"', "supervise", str(log),
                                   str(ROOT / ".venv/bin/python"), "manage.py", "procrastinate", "worker"],
                                  cwd=ROOT, env=env)
    try:
        yield
    finally:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=60)


def ended_after_outage(outage: Outage, ended: Callable[[], object], log) -> object:
    """ended()'s first true value, polled once the database is back; fails past
    ENDED_WITHIN_SECONDS with the worker's log."""
    assert outage.back.wait(timeout=120), f"the database was not back; the worker's log:\n{log.read_text()[-3000:]}"
    back_at = time.monotonic()
    while not (value := ended()):
        if time.monotonic() - back_at > ENDED_WITHIN_SECONDS:
            pytest.fail(f"not ended {ENDED_WITHIN_SECONDS} s after the database came back; the worker's log:\n"
                        f"{log.read_text()[-6000:]}")
        time.sleep(0.2)
    return value


@pytest.mark.parametrize("seconds, status, measured", [
    (OUTAGE_SECONDS, LoadTestStatus.FAILED, 1),  # the job's end recorded: the check fails the row
    (LONG_OUTAGE_SECONDS, LoadTestStatus.COMPLETED, 2),  # the job left doing: run again, measured again
])
def test_a_load_test_ends_after_the_database_was_away_while_it_recorded(spare_cluster, outage_database, tmp_path,
                                                                        seconds, status, measured):
    acme = team_make("acme")
    outage, log = Outage(spare_cluster, seconds), tmp_path / "worker.log"
    with pcd_serving(units_at_100=12000, on_request=outage) as pcd:
        collector = collector_make(acme.organization, pcd_address=pcd.address, pcd_apikey_encrypted=encrypt(pcd.key))
        load_test = loadtest_run_queue(organization=acme.organization, created_by=acme.admin, collector=collector)
        with supervised_worker(outage_database, log):
            ended = ended_after_outage(outage, lambda: LoadTest.objects.filter(
                pk=load_test.pk, status__in=(LoadTestStatus.COMPLETED, LoadTestStatus.FAILED)).first(), log)
    assert (ended.status, len(pcd.requests)) == (status, measured)
    assert ended.error == UNRECORDED_ERROR if status == LoadTestStatus.FAILED else ended.units_100pct == 12000


def test_a_comparison_goes_on_after_the_database_was_away_while_a_server_recorded(spare_cluster, outage_database,
                                                                                   tmp_path):
    acme = team_make("acme")
    outage, log = Outage(spare_cluster), tmp_path / "worker.log"
    with pcd_serving(units_at_100=1000, on_request=outage) as first_pcd, pcd_serving(units_at_100=3000) as second_pcd:
        first, second = (collector_make(acme.organization, name=name, pcd_address=pcd.address,
                                        pcd_apikey_encrypted=encrypt(pcd.key))
                         for name, pcd in (("first", first_pcd), ("second", second_pcd)))
        comparison = comparison_start(organization=acme.organization, created_by=acme.admin, benchmark_id="b",
                                      duration="1m", servers=[{"server_id": str(first.uuid)},
                                                              {"server_id": str(second.uuid)}])
        with supervised_worker(outage_database, log):
            ended_after_outage(outage, lambda: BenchmarkComparison.objects.filter(
                pk=comparison.pk, status=ComparisonStatus.COMPLETED).exists(), log)
    servers = list(comparison.servers.order_by("position"))
    assert (servers[0].status, servers[0].result["error"]) == ("failed", UNRECORDED_ERROR)
    assert servers[1].status == "completed" and servers[1].load_test.units_100pct == 3000
