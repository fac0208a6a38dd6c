"""The upkeep loop (`xat_aggregates maintain --every N`) outlives a database restart, and
`make run` starts it again when it exits anyway (scripts/run.sh's supervise)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Organization
from metrics.management.commands.xat_aggregates import RETRY_DELAY_MAX, retry_delay
from metrics.models import SessionStatus, TrickleSession
from metrics.sessions import SESSION_IDLE
from tests.conftest import ROOT, default_connection_to, manage, spare_database
from tests.personas import collector_make

DEADLINE_SECONDS = 60


def wait_for(condition: Callable[[], bool], what: str, *, child: subprocess.Popen, logs: list[Path]) -> None:
    """Polls condition until it holds; fails with the child's logs when the child ends or
    DEADLINE_SECONDS pass first."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if child.poll() is not None or time.monotonic() > deadline:
            state = "running" if child.poll() is None else f"exited with status {child.returncode}"
            raise AssertionError(f"no {what} ({state}):\n" + "\n".join(path.read_text() for path in logs))
        time.sleep(0.2)


def test_it_waits_twice_as_long_after_each_further_failure_up_to_five_minutes():
    assert [retry_delay(every=60, failures=n) for n in range(1, 6)] == [60, 120, 240, 300, 300]
    assert RETRY_DELAY_MAX == 300
    # A loop slower than the cap is never retried more often than it runs.
    assert retry_delay(every=3600, failures=3) == 3600


def test_it_survives_a_database_restart_and_completes_an_idle_session_afterwards(
    spare_cluster, django_db_blocker, tmp_path
):
    socket_dir, port = spare_cluster
    env = spare_database(spare_cluster, "upkeep")
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr

    def cluster(action: str) -> None:
        subprocess.run(["bash", ROOT / "scripts/pg.sh", action, socket_dir.parent, port], check=True,
                       capture_output=True)

    out, err = tmp_path / "upkeep.out", tmp_path / "upkeep.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        upkeep = subprocess.Popen([sys.executable, ROOT / "manage.py", "xat_aggregates", "maintain", "--every", "1"],
                                  cwd=ROOT, env={**os.environ, **env}, stdout=stdout, stderr=stderr)
    logs = [out, err]
    try:
        wait_for(lambda: "trickle sessions completed" in out.read_text(), "first round", child=upkeep, logs=logs)
        cluster("stop")
        try:
            wait_for(lambda: err.read_text().count("upkeep round failed") >= 2, "two failed rounds logged",
                     child=upkeep, logs=logs)
        finally:
            cluster("start")

        # Inserted once the database is back, already idle: only a round after the restart
        # can complete it.
        with django_db_blocker.unblock(), default_connection_to(HOST=str(socket_dir), PORT=port, NAME="upkeep"):
            organization = Organization.objects.create(slug="acme", name="Acme")
            last = timezone.now() - SESSION_IDLE - timedelta(minutes=1)
            session = TrickleSession.objects.create(
                organization=organization, collector=collector_make(organization), name="Trickle web-1",
                started_at=last - timedelta(minutes=10), last_data_at=last, last_received_at=last)
            completed = TrickleSession.objects.filter(pk=session.pk, status=SessionStatus.COMPLETED).exists
            wait_for(completed, "idle session completed after the restart", child=upkeep, logs=logs)
            assert TrickleSession.objects.get(pk=session.pk).ended_at == last
        wait_for(lambda: "upkeep round succeeded again after" in err.read_text(), "recovery logged",
                 child=upkeep, logs=logs)
        assert upkeep.poll() is None

        log = err.read_text()
        assert "upkeep round failed (OperationalError" in log
        # The error's text names the server's socket: only its class is logged.
        assert str(socket_dir) not in log
    finally:
        upkeep.kill()
        upkeep.wait()


def test_it_is_started_again_by_make_run_when_it_exits_and_stopped_with_the_server(tmp_path):
    runs, log = tmp_path / "runs", tmp_path / "upkeep.log"
    # Exits with status 3 on its first run; stays up (as `sleep`, same pid) on its second.
    command = f'echo $$ >>{runs}; [ "$(wc -l <{runs})" -ge 2 ] && exec sleep 600; exit 3'
    supervisor = subprocess.Popen(["bash", "-c", 'source scripts/run.sh && supervise "$@"', "supervise",
                                   str(log), "sh", "-c", command], cwd=ROOT)
    try:
        wait_for(lambda: runs.exists() and len(runs.read_text().split()) == 2, "second run",
                 child=supervisor, logs=[log])
        second = int(runs.read_text().split()[1])
        os.kill(second, 0)  # running
        assert "exited with status 3; starting it again in 1 s" in log.read_text()

        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=10) == 0
        with pytest.raises(ProcessLookupError):  # the supervised command went with it
            os.kill(second, 0)
    finally:
        supervisor.kill()
        supervisor.wait()
        # Only the run that stays up may still be there: the first one exited, and its pid
        # may belong to another process by now.
        for pid in runs.read_text().split()[1:2] if runs.exists() else []:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
