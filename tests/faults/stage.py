"""The fault suite's stage: the agent service as deployed, against a database of the
spare cluster (tests/conftest.py) that a test may stop and start or whose workers it may
kill, and an agent that posts to it over loopback the way pcc does.

    stage.cluster("stop" | "start")     the spare cluster, by scripts/pg.sh
    stage.workers()                     the service's workers now (uvicorn's master's children)
    stage.worker_serving(client_port)   the worker holding one client's connection
    session_row_held(collector_id)      a request of that collector's held at its last statement
    stage.request_waiting_for(locker)   ... until it is there
    agent_post(port, key, body)         one request, pcc's way: its Answer
    agent_post_until_stored(...)        the same, retried until it is answered 200
"""

import http.client
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import connection

from tests.conftest import ROOT, another_session

DATABASE = "faults"
WORKERS = 2
DEADLINE_SECONDS = 90
# Shorter than the Retry-After of a 503 (5 s): the test's agent asks more often than a
# polite one would, so that more answers fall inside an outage of a few seconds.
RETRY_PAUSE_SECONDS = 0.25


def wait_for(condition: Callable[[], object], what: str, *, log: Path) -> object:
    """Polls condition until it returns something true, and returns that; fails with
    the server's log when DEADLINE_SECONDS pass first."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (outcome := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {DEADLINE_SECONDS} s; the server's log:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return outcome


@dataclass
class Stage:
    port: str  # the agent service's, on 127.0.0.1
    master: int  # uvicorn's master process; its children are the workers (and a resource tracker)
    socket_dir: Path  # the spare cluster's socket folder and TCP port
    pg_port: str
    log: Path  # the server's output

    def cluster(self, action: str) -> None:
        """scripts/pg.sh start|stop on the spare cluster (stop is pg_ctl's fast shutdown:
        open sessions are ended, their transactions rolled back)."""
        subprocess.run(["bash", ROOT / "scripts/pg.sh", action, self.socket_dir.parent, self.pg_port], check=True,
                       capture_output=True, timeout=120)

    def workers(self) -> set[int]:
        """The workers now: the master's children that multiprocessing spawned (not its
        resource tracker)."""
        children = set()
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                spawned = b"spawn_main" in (entry / "cmdline").read_bytes()
            except (FileNotFoundError, ProcessLookupError):
                continue  # a process that just ended
            if int(fields[1]) == self.master and spawned:
                children.add(int(entry.name))
        return children

    def worker_serving(self, client_port: int) -> int:
        """The worker that accepted the loopback connection from client_port: the one whose
        descriptors hold the server's end of it (found by its inode in /proc/net/tcp)."""
        inode = _server_end_inode(server_port=int(self.port), client_port=client_port)
        for pid in self.workers():
            descriptors = Path(f"/proc/{pid}/fd")
            if any(os.readlink(descriptor) == f"socket:[{inode}]" for descriptor in descriptors.iterdir()):
                return pid
        raise AssertionError(f"no worker of {self.master} holds the connection from port {client_port}")

    def request_waiting_for(self, locker: psycopg.Connection) -> int:
        """Waits until a request waits for the row locker holds, having written rows (its
        transaction has an id); that request's session (its backend's pid)."""
        backend, has_written = wait_for(lambda: _waiting_for(locker.info.backend_pid),
                                        "request waiting for the row held", log=self.log)
        assert has_written, "the request waits, but had not written anything"
        return backend


@contextmanager
def session_row_held(collector_id: int) -> Iterator[psycopg.Connection]:
    """Holds the collector's active trickle session row in a session of its own until the
    block ends (or the server ends that session). An agent request's last statement
    (session_join) updates that row: the request waits there, every sample written and
    nothing committed. Yields the holding session."""
    locker = another_session()
    try:
        locker.execute("SELECT 1 FROM metrics_tricklesession WHERE collector_id = %s AND status = 'active'"
                       " FOR NO KEY UPDATE", [collector_id])
        yield locker
    finally:
        locker.close()  # its transaction rolled back, the row released


def _waiting_for(pid: int) -> tuple[int, bool] | None:
    # On Django's connection, in autocommit: inside a transaction, a session sees
    # pg_stat_activity as it was at the transaction's first look.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                       [pid])
        return cursor.fetchone()


def _server_end_inode(*, server_port: int, client_port: int) -> str:
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        # sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
        fields = line.split()
        local, remote = (int(address.rpartition(":")[2], 16) for address in fields[1:3])
        if (local, remote) == (server_port, client_port):
            return fields[9]
    raise AssertionError(f"no connection from port {client_port} to {server_port} in /proc/net/tcp")


@dataclass
class Answer:
    status: int | None  # None: no answer (the connection failed; `failure` says how)
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case
    body: dict | None = None  # the JSON answered; None when it is not JSON
    failure: str = ""


def agent_post(port: str, key: str | None, body: bytes, *, server: http.client.HTTPConnection | None = None,
               path: str = "/v1/trickle", method: str = "POST", **headers: str) -> Answer:
    """POSTs body to /v1/trickle (or `path`) as pcc does (no Content-Type, the key in
    `apikey`, none when key is None; more headers by name, `_` for `-`), on server when
    given (a connection the caller opened, to know its port)."""
    server = server or http.client.HTTPConnection("127.0.0.1", int(port), timeout=DEADLINE_SECONDS)
    headers = {name.replace("_", "-"): value for name, value in headers.items()}
    if key is not None:
        headers["apikey"] = key
    try:
        server.request(method, path, body=body, headers=headers)
        response = server.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        content = response.read()
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, failure=repr(error))
    finally:
        server.close()
    try:
        return Answer(response.status, headers, json.loads(content))
    except ValueError:
        return Answer(response.status, headers)


def agent_post_until_stored(port: str, key: str, body: bytes) -> list[Answer]:
    """agent_post until the answer is 200, as an agent that retries on anything else would
    (pcc itself stops), RETRY_PAUSE_SECONDS apart; fails past DEADLINE_SECONDS. Every
    answer, the 200 last."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    answers = [agent_post(port, key, body)]
    while answers[-1].status != 200:
        assert time.monotonic() < deadline, f"not stored within {DEADLINE_SECONDS} s: {answers[-3:]}"
        time.sleep(RETRY_PAUSE_SECONDS)
        answers.append(agent_post(port, key, body))
    return answers
