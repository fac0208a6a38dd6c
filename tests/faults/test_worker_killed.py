"""An agent service worker killed (SIGKILL) while its request is inside the ingest's
transaction: nothing of the request is stored, uvicorn starts another worker, and the agent's retry of
the same request stores each of its ticks once."""

import http.client
import os
import signal
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from accounts.models import Organization
from metrics.models import TrickleSession
from tests.faults.stage import DEADLINE_SECONDS, WORKERS, Stage, agent_post, session_row_held, wait_for
from tests.ingest.agent import capture_ticks, envelope
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of
from tests.personas import api_key_make, collector_rows

CAPTURE = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")
IDENTIFIER = "host-killed"


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def _replaced(stage: Stage, killed: int) -> bool:
    """uvicorn runs as many workers as before, killed not among them."""
    workers = stage.workers()
    return len(workers) == WORKERS and killed not in workers


def test_it_stores_nothing_of_a_killed_workers_request_and_its_retry_exactly_once(stage, served_database):
    ticks = capture_ticks(CAPTURE)
    _, key = api_key_make(Organization.objects.create(slug="killed", name="Killed"))
    assert agent_post(stage.port, key, envelope(IDENTIFIER, ticks[0])).status == 200
    collector_id = collector_id_of(IDENTIFIER)
    before = collector_rows(collector_id)
    # The rest of the capture in one request, as an agent sends its backlog.
    backlog = envelope(IDENTIFIER, [measurement for tick in ticks[1:] for measurement in tick])

    with ThreadPoolExecutor(1) as agent, session_row_held(collector_id) as locker:
        server = http.client.HTTPConnection("127.0.0.1", int(stage.port), timeout=DEADLINE_SECONDS)
        server.connect()
        client_port = server.sock.getsockname()[1]
        in_flight = agent.submit(agent_post, stage.port, key, backlog, server=server)
        backend = stage.request_waiting_for(locker)
        worker = stage.worker_serving(client_port)
        os.kill(worker, signal.SIGKILL)
        cut_off = in_flight.result(timeout=DEADLINE_SECONDS)
        assert cut_off.status is None, cut_off
    # The row released, the request's session goes on until it finds its client gone.
    wait_for(lambda: not _backend_alive(backend), "end of the killed request's session", log=stage.log)
    assert collector_rows(collector_id) == before  # nothing of it in any table
    wait_for(lambda: _replaced(stage, worker), "worker started in the killed one's place", log=stage.log)

    retry = agent_post(stage.port, key, backlog)

    assert retry.status == 200, retry
    assert (retry.body["ticks"], retry.body["skipped"]["duplicate_ticks"]) == (len(ticks) - 1, 0)
    assert collector_rows(collector_id)["sample_tick"] == len(ticks)
    assert TrickleSession.objects.get(collector_id=collector_id).sample_count == len(ticks)
    assert assert_stored_matches_oracle(CAPTURE, collector_id) > 1000
