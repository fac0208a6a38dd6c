"""Ctrl-C (SIGINT to the terminal's process group) or SIGTERM on `make run` leaves none of
its processes behind, and stops the cluster it started (issue 23, item 6).

`make run` runs as from a terminal: in a process group of its own, on ports of its own,
with a throwaway cluster in a folder of its own (XAT_RUN_DIR), the bundled agent on."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

STOPPED_WITHIN_SECONDS = 15
STARTED_WITHIN_SECONDS = 240  # a new cluster, migrations, the demo login


def group_members(group: int) -> list[str]:
    """'pid command' of every live process of the process group (zombies are gone already)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        # The fields after the command's parenthesis: state, ppid, pgrp.
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == group and state != "Z":
            members.append(f"{entry.name} {cmdline}")
    return members


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_make_run_leaves_nothing_behind(stop):
    # Short: the cluster's socket path must fit in 107 bytes.
    state = Path(tempfile.mkdtemp(prefix="xat-run-", dir="/tmp"))
    state.chmod(0o755)  # the cluster runs as `postgres` when the tests run as root
    port, agents_port, pg_port = free_port(), free_port(), free_port()
    env = {**os.environ, "XAT_RUN_DIR": str(state), "PORT": port, "XAT_AGENTS_PORT": agents_port,
           "XAT_PG_PORT": pg_port, "XAT_PG_THROWAWAY": "1", "PGHOST": str(state / "pg" / "run"),
           "PGPORT": pg_port, "PGDATABASE": "xat", "PGUSER": "xat", "WEB_CONCURRENCY": "1",
           "XAT_AGENT_WORKERS": "1", "XAT_DEMO_PASSWORD": "a-long-enough-demo-password"}
    env.pop("DATABASE_URL", None)
    log = state / "make-run.log"
    with log.open("wb") as output:
        # Its own process group, as a terminal's foreground job.
        run = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                               start_new_session=True)
    group = run.pid
    try:
        deadline = time.monotonic() + STARTED_WITHIN_SECONDS
        while not (answers(f"http://127.0.0.1:{port}/health/") and answers(f"http://127.0.0.1:{agents_port}/health/")):
            assert run.poll() is None and time.monotonic() < deadline, log.read_text()[-4000:]
            time.sleep(0.5)
        # Every part is up: the upkeep, the worker, the bundled agent.
        deadline = time.monotonic() + 30
        while not all(any(part in member for member in group_members(group))
                      for part in ("maintain --every", "procrastinate worker", "xat_agent --demo")):
            assert time.monotonic() < deadline, "\n".join(group_members(group))
            time.sleep(0.5)

        os.killpg(group, stop)
        deadline = time.monotonic() + STOPPED_WITHIN_SECONDS
        while (left := group_members(group)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert left == [], f"left after {STOPPED_WITHIN_SECONDS} s:\n" + "\n".join(left)
        status = subprocess.run(["bash", ROOT / "scripts/pg.sh", "status", state / "pg", pg_port],
                                capture_output=True, text=True)
        assert status.stdout.strip() == "stopped", "the cluster `make run` started is still running"
    finally:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        run.wait()
        subprocess.run(["bash", ROOT / "scripts/pg.sh", "stop", state / "pg", pg_port], capture_output=True)
        shutil.rmtree(state, ignore_errors=True)
