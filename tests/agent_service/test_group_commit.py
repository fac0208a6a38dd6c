"""Group commit (metrics/agent_service/groups.py, metrics/ingest_groups.py): concurrent
agents' requests to the agent service stored by its writers, several in one transaction,
each answered once that transaction has committed. Real agents posting over loopback to the
service on a thread of this process (tests/agent_service/conftest.py), real writer threads
on their own connections, so every test here commits."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection

from tests.conftest import another_session
from tests.faults.stage import agent_post, session_row_held
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of, stored_samples
from tests.personas import collector_rows

CAPTURE = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")
TICKS = capture_ticks(CAPTURE)
WAIT_SECONDS = 20


def _until(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while not (outcome := condition()):
        assert time.monotonic() < deadline, f"no {what} within {WAIT_SECONDS} s"
        time.sleep(0.02)
    return outcome


def _backend_waiting_for(locker: psycopg.Connection) -> int | None:
    """The session waiting for a row locker holds, having written rows (it has a
    transaction id): the writer's, inside its group."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))"
                       " AND backend_xid IS NOT NULL", [locker.info.backend_pid])
        row = cursor.fetchone()
        return row[0] if row else None


@pytest.mark.parametrize("agent_writers", [1])
def test_it_answers_503_to_every_request_of_a_failed_group_and_stores_none_of_them(agent_service):
    committer = agent_service.service.committer
    _, key = organization_with_ingest_key("group-fails")

    def post(identifier: str, tick: list[dict]):
        return agent_post(agent_service.port, key, envelope(identifier, tick))

    for identifier in ("host-before", "host-x", "host-y"):
        assert post(identifier, TICKS[0]).status == 200
    before = {identifier: collector_rows(collector_id_of(identifier)) for identifier in ("host-x", "host-y")}

    with ThreadPoolExecutor(3) as agents, session_row_held(collector_id_of("host-x")) as x_locker:
        # A first group (host-before's request alone) held at its sessions until x and y
        # wait behind it: they then form the next group together.
        with session_row_held(collector_id_of("host-before")) as before_locker:
            first_group = agents.submit(post, "host-before", TICKS[1])
            _until(lambda: _backend_waiting_for(before_locker), "first group waiting")
            x_answer = agents.submit(post, "host-x", TICKS[1])
            y_answer = agents.submit(post, "host-y", TICKS[1])
            _until(lambda: committer.waiting() == 2, "two requests waiting")
        assert first_group.result(timeout=WAIT_SECONDS).status == 200
        # The second group has written both requests' rows and waits at x's session.
        backend = _until(lambda: _backend_waiting_for(x_locker), "second group waiting")
        with another_session(autocommit=True) as terminator:
            terminator.execute("SELECT pg_terminate_backend(%s)", [backend])
        answers = [x_answer.result(timeout=WAIT_SECONDS), y_answer.result(timeout=WAIT_SECONDS)]

    assert committer.largest_group == 2
    for answer in answers:
        assert answer.status == 503 and int(answer.headers["retry-after"]) > 0, answer
    for identifier in ("host-x", "host-y"):
        assert collector_rows(collector_id_of(identifier)) == before[identifier]  # nothing of theirs
    assert collector_rows(collector_id_of("host-before"))["sample_tick"] == 2  # the other group's stays

    # The writer goes on with a new connection; the retries are stored exactly once.
    for identifier in ("host-x", "host-y"):
        retry = post(identifier, TICKS[1])
        assert retry.status == 200 and retry.body["ticks"] == 1, retry
        assert post(identifier, TICKS[1]).body["skipped"]["duplicate_ticks"] == 1
        assert collector_rows(collector_id_of(identifier))["sample_tick"] == 2
    assert stored_samples("host-x") == stored_samples("host-y")


def test_32_concurrent_agents_4_of_them_one_host_store_what_one_agent_replaying_stores(agent_service):
    """28 agents replay the capture each as its own host while 4 agents share one key and
    identifier, each sending every 4th tick: their ticks arrive out of order, two of them
    in one group, or one after the other (a running group holds its collectors). The shared host ends up with
    exactly the rows of a lone agent's in-order replay, pcprocess's values, nothing lost or
    doubled."""
    _, key = organization_with_ingest_key("fleet")
    for tick in TICKS:
        assert agent_post(agent_service.port, key, envelope("host-alone", tick)).status == 200

    def agent(identifier: str, ticks: list[list[dict]]) -> list[int]:
        return [agent_post(agent_service.port, key, envelope(identifier, tick)).status for tick in ticks]

    start = threading.Barrier(32)

    def agent_at_start(identifier: str, ticks: list[list[dict]]) -> list[int]:
        start.wait(WAIT_SECONDS)
        return agent(identifier, ticks)

    with ThreadPoolExecutor(32) as pool:
        shared = [pool.submit(agent_at_start, "host-shared", TICKS[share::4]) for share in range(4)]
        own = [pool.submit(agent_at_start, f"host-{number:02d}", TICKS) for number in range(28)]
        statuses = [status for future in shared + own for status in future.result(timeout=600)]

    assert statuses == [200] * (len(TICKS) * 29)
    assert agent_service.service.committer.largest_group > 1, "every request was a group of its own"
    alone = stored_samples("host-alone")
    assert len(alone["sample_tick"]) == len(TICKS)
    assert stored_samples("host-shared") == alone
    assert all(stored_samples(f"host-{number:02d}") == alone for number in range(28))
    assert assert_stored_matches_oracle(CAPTURE, collector_id_of("host-shared")) > 1000
