"""Group commit (metrics/ingest_groups.py): concurrent agents' requests stored by this
process's writer, several in one transaction, each answered once that transaction has
committed. Real threads posting through Django's whole request path, a real writer thread
on its own connection, so every test here commits (transaction=True)."""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client

from metrics import ingest_groups
from metrics.ingest_groups import IngestWriters, ingest_writers_start, ingest_writers_stop
from tests.conftest import another_session
from tests.faults.stage import session_row_held
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of
from tests.personas import collector_rows

pytestmark = pytest.mark.django_db(transaction=True)

CAPTURE = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")
TICKS = capture_ticks(CAPTURE)
SAMPLE_TABLES = ("sample_tick", "cpu_sample", "memory_sample", "disk_sample", "disk_total_sample", "network_sample",
                 "network_total_sample", "filesystem_sample")
WAIT_SECONDS = 20


@pytest.fixture(autouse=True)
def groups_copy(monkeypatch):
    """Every group's new ticks by COPY, however few (metrics.sample_copy)."""
    monkeypatch.setattr(ingest_groups, "COPY_MIN_TICKS", 1)


@contextmanager
def writers_running(count: int) -> Iterator[IngestWriters]:
    """This process's writers, as a gunicorn worker has them (XAT_INGEST_WRITERS), stopped
    at the end (their connections closed)."""
    try:
        yield ingest_writers_start(writers=count, group_ticks=500)
    finally:
        ingest_writers_stop()


def _post(key: str, identifier: str, tick: list[dict]):
    """One request from a thread of its own, as a server thread would serve it."""
    try:
        return post_like_pcc(Client(), key, envelope(identifier, tick))
    finally:
        connections.close_all()


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


def _stored(identifier: str) -> dict[str, list]:
    """Every row of the collector in each sample table, sorted, without its ids and the
    server's time of arrival."""
    stored = {}
    with connection.cursor() as cursor:
        for table in SAMPLE_TABLES:
            cursor.execute(f"SELECT (to_jsonb(s) - 'organization_id' - 'collector_id' - 'received_at')::text"
                           f" FROM {table} s WHERE collector_id = %s ORDER BY 1", [collector_id_of(identifier)])
            stored[table] = [row for (row,) in cursor.fetchall()]
    return stored


def test_it_answers_503_to_every_request_of_a_failed_group_and_stores_none_of_them():
    with writers_running(1) as writers:
        _group_fails(writers)


def _group_fails(writers: IngestWriters) -> None:
    _, key = organization_with_ingest_key("group-fails")
    for identifier in ("host-before", "host-x", "host-y"):
        assert _post(key, identifier, TICKS[0]).status_code == 200
    before = {identifier: collector_rows(collector_id_of(identifier)) for identifier in ("host-x", "host-y")}

    with ThreadPoolExecutor(3) as agents, session_row_held(collector_id_of("host-x")) as x_locker:
        # A first group (host-before's request alone) held at its session until x and y
        # wait behind it: they then form the next group together.
        with session_row_held(collector_id_of("host-before")) as before_locker:
            first_group = agents.submit(_post, key, "host-before", TICKS[1])
            _until(lambda: _backend_waiting_for(before_locker), "first group waiting")
            x_answer = agents.submit(_post, key, "host-x", TICKS[1])
            y_answer = agents.submit(_post, key, "host-y", TICKS[1])
            _until(lambda: writers.queued() == 2, "two requests queued")
        assert first_group.result(timeout=WAIT_SECONDS).status_code == 200
        # The second group has written both requests' rows and waits at x's session.
        backend = _until(lambda: _backend_waiting_for(x_locker), "second group waiting")
        with another_session(autocommit=True) as terminator:
            terminator.execute("SELECT pg_terminate_backend(%s)", [backend])
        answers = [x_answer.result(timeout=WAIT_SECONDS), y_answer.result(timeout=WAIT_SECONDS)]

    assert writers.largest_group == 2
    for answer in answers:
        assert answer.status_code == 503 and int(answer["Retry-After"]) > 0, answer.content
    for identifier in ("host-x", "host-y"):
        assert collector_rows(collector_id_of(identifier)) == before[identifier]  # nothing of theirs
    assert collector_rows(collector_id_of("host-before"))["sample_tick"] == 2  # the other group's stays

    # The writer goes on with a new connection; the retries are stored exactly once.
    for identifier in ("host-x", "host-y"):
        retry = _post(key, identifier, TICKS[1])
        assert retry.status_code == 200 and retry.json()["ticks"] == 1, retry.content
        assert _post(key, identifier, TICKS[1]).json()["skipped"]["duplicate_ticks"] == 1
        assert collector_rows(collector_id_of(identifier))["sample_tick"] == 2
    assert _stored("host-x") == _stored("host-y")


def test_32_concurrent_agents_4_of_them_one_host_store_what_one_agent_replaying_stores():
    """28 agents replay the capture each as its own host while 4 agents share one key and
    identifier, each sending every 4th tick: their ticks arrive out of order, two of them
    in one group, or in two groups at once (two writers). The shared host ends up with
    exactly the rows of a lone agent's in-order replay, pcprocess's values, nothing lost or
    doubled."""
    _, key = organization_with_ingest_key("fleet")
    for tick in TICKS:
        assert _post(key, "host-alone", tick).status_code == 200

    def agent(identifier: str, ticks: list[list[dict]]) -> list[int]:
        client = Client()
        try:
            return [post_like_pcc(client, key, envelope(identifier, tick)).status_code for tick in ticks]
        finally:
            connections.close_all()

    start = threading.Barrier(32)

    def agent_at_start(identifier: str, ticks: list[list[dict]]) -> list[int]:
        start.wait(WAIT_SECONDS)
        return agent(identifier, ticks)

    with writers_running(2) as writers, ThreadPoolExecutor(32) as pool:
        shared = [pool.submit(agent_at_start, "host-shared", TICKS[share::4]) for share in range(4)]
        own = [pool.submit(agent_at_start, f"host-{number:02d}", TICKS) for number in range(28)]
        statuses = [status for future in shared + own for status in future.result(timeout=600)]

    assert statuses == [200] * (len(TICKS) * 29)
    assert writers.largest_group > 1, "every request was a group of its own"
    alone = _stored("host-alone")
    assert len(alone["sample_tick"]) == len(TICKS)
    assert _stored("host-shared") == alone
    assert all(_stored(f"host-{number:02d}") == alone for number in range(28))
    assert assert_stored_matches_oracle(CAPTURE, collector_id_of("host-shared")) > 1000
