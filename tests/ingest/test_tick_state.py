"""collector_tick_state: each collector's newest tick and its counters, the usual source
of the next tick's rates. It must always say what the hypertables say, whatever order
ticks arrive in, and ticks arriving in order must not look in the hypertables at all."""

import json
import random
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import another_session
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES
from xat import sqlfiles

pytestmark = pytest.mark.django_db
TICKS = capture_ticks(next(path for path in CAPTURES if path.name == "azure-loadtest-3"))[:30]


def _post(client, key, tick):
    response = post_like_pcc(client, key, envelope("host-state", tick))
    assert response.status_code == 200, response.content
    return response.json()


def _state() -> tuple[int, dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM time)::bigint, counters::text FROM collector_tick_state")
        (t, counters), = cursor.fetchall()
        return t, json.loads(counters)


def _newest_in_hypertables() -> tuple[int, dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM max(time))::bigint FROM sample_tick")
        newest = cursor.fetchone()[0]
        families = {}
        for family, table, item in (("cpu", "cpu_sample", "cpu"), ("disk", "disk_sample", "device"),
                                    ("network", "network_sample", "interface")):
            cursor.execute(f"SELECT {item}::text, counters FROM {table} WHERE time = to_timestamp(%s)", [newest])
            families[family] = {name: list(counters) for name, counters in cursor.fetchall()}
        return newest, families


# Django logs each query as sent (placeholders numbered), so they are known by a line of theirs.
_MARKS = {"ticks_place": "), neighbour AS (", "collector_ingest_lock": "FROM collector_tick_state WHERE collector_id"}


def _ran(queries, name: str) -> bool:
    assert _MARKS[name] in sqlfiles.query(name)
    return any(_MARKS[name] in query["sql"] for query in queries)


def test_it_follows_the_newest_tick_whatever_the_order(client):
    _, key = organization_with_ingest_key("state")
    shuffled = TICKS + random.Random(3).sample(TICKS, 8)
    random.Random(5).shuffle(shuffled)
    for tick in shuffled:
        _post(client, key, tick)
        assert _state() == _newest_in_hypertables()
    assert _state()[0] == TICKS[-1][0]["timestamp"]


def test_ticks_in_order_never_look_in_the_hypertables(client):
    _, key = organization_with_ingest_key("in-order")
    _post(client, key, TICKS[0])  # a new collector: no state yet, so the hypertables
    for tick in TICKS[1:6]:
        with CaptureQueriesContext(connection) as queries:
            assert _post(client, key, tick)["ticks"] == 1
        assert not _ran(queries, "ticks_place") and _ran(queries, "collector_ingest_lock")


def test_a_late_tick_is_placed_from_the_hypertables_and_leaves_the_state(client):
    _, key = organization_with_ingest_key("late")
    for tick in TICKS[:3] + TICKS[4:8]:
        _post(client, key, tick)
    before = _state()
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, key, TICKS[3])["ticks"] == 1
    assert _ran(queries, "ticks_place")
    assert _state() == before == _newest_in_hypertables()


def test_a_repeated_tick_changes_nothing(client):
    _, key = organization_with_ingest_key("again")
    for tick in TICKS[:4]:
        _post(client, key, tick)
    before = _state()
    assert _post(client, key, TICKS[3])["skipped"]["duplicate_ticks"] == 1
    assert _post(client, key, TICKS[1])["skipped"]["duplicate_ticks"] == 1
    assert _state() == before


def _waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0]


def _cpu_rates(identifier: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT time - min(time) OVER (), cpu, user_pct, system_pct, idle_pct FROM cpu_sample"
                       " WHERE collector_id = (SELECT id FROM metrics_collector WHERE identifier = %s)"
                       " ORDER BY 1, 2", [identifier])
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_request_that_waited_for_the_lock_reads_the_state_its_predecessor_left(client):
    """Tick 4's request takes its snapshot, then waits while tick 3's request commits a new
    state: it must place tick 4 after tick 3 (its previous counters are tick 3's)."""
    _, key = organization_with_ingest_key("waits")
    for identifier in ("host-waits", "host-in-order"):
        for tick in TICKS[:3]:
            assert post_like_pcc(client, key, envelope(identifier, tick)).status_code == 200
    for tick in TICKS[3:5]:
        assert post_like_pcc(client, key, envelope("host-in-order", tick)).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM metrics_collector WHERE identifier = 'host-waits'")
        collector_id = cursor.fetchone()[0]
    holder = another_session()
    answers = {}

    def post(index):
        answers[index] = post_like_pcc(Client(), key, envelope("host-waits", TICKS[index])).status_code
        connections.close_all()

    try:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", [collector_id])
        threads = {index: threading.Thread(target=post, args=(index,)) for index in (3, 4)}
        for waiting, index in enumerate((3, 4), start=1):
            threads[index].start()
            deadline = time.monotonic() + 10
            while _waiting_for_locks() < waiting and time.monotonic() < deadline:
                time.sleep(0.01)
            assert _waiting_for_locks() == waiting, f"tick {index}'s request is not waiting for the lock"
    finally:
        holder.rollback()
        holder.close()
    for thread in threads.values():
        thread.join(10)
    assert answers == {3: 200, 4: 200}
    assert _cpu_rates("host-waits") == _cpu_rates("host-in-order")
