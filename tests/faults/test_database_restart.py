"""The database restarted in the middle of a replay: pcc's requests (one tick each) from an
agent that retries on anything but 200 end with every tick stored exactly once, as
pcprocess computed it; the request cut off inside its transaction and every request of the
outage were answered a JSON 503 with Retry-After."""

import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from accounts.models import Organization
from metrics.models import TrickleSession
from tests.faults.stage import DEADLINE_SECONDS, Stage, agent_post, agent_post_until_stored, session_row_held
from tests.ingest.agent import capture_ticks, envelope
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of
from tests.personas import api_key_make, collector_rows

# One capture: the arithmetic of both is tested in tests/ingest/test_trickle_oracle.py; here
# the fault is the point.
CAPTURE = next(path for path in CAPTURES if path.name == "azure-loadtest-3")
IDENTIFIER = "host-restarted"
OUTAGE_SECONDS = 3


def _start_after_outage(stage: Stage) -> None:
    time.sleep(OUTAGE_SECONDS)
    stage.cluster("start")


def test_it_stores_every_tick_exactly_once_across_a_database_restart(stage, served_database):
    ticks = capture_ticks(CAPTURE)
    _, key = api_key_make(Organization.objects.create(slug="restart", name="Restart"))
    # The same replay with no fault: what every table should hold.
    for tick in ticks:
        assert agent_post(stage.port, key, envelope("host-undisturbed", tick)).status == 200
    outage_at = len(ticks) // 3
    answers = [agent_post_until_stored(stage.port, key, envelope(IDENTIFIER, tick)) for tick in ticks[:outage_at]]

    # The database stops while a request waits inside its transaction, its samples written.
    with ThreadPoolExecutor(2) as helpers, session_row_held(collector_id_of(IDENTIFIER)) as locker:
        in_flight = helpers.submit(agent_post, stage.port, key, envelope(IDENTIFIER, ticks[outage_at]))
        request = stage.request_waiting_for(locker)
        # A fast shutdown ends every session in no set order: with the locker's ended first,
        # the request took the row and committed before its own session ended (a 200, seen
        # once in CI). Its session is ended first, so that the stop cuts it off.
        locker.execute("SELECT pg_terminate_backend(%s, 10000)", [request])
        connection.close()  # this process's own session would not outlive the restart
        stage.cluster("stop")
        started = helpers.submit(_start_after_outage, stage)
        try:
            cut_off = in_flight.result(timeout=DEADLINE_SECONDS)
            # The agent sends that tick again, and goes on, retrying through the outage.
            answers += [agent_post_until_stored(stage.port, key, envelope(IDENTIFIER, tick))
                        for tick in ticks[outage_at:]]
        finally:
            started.result(timeout=DEADLINE_SECONDS)

    refused = [cut_off] + [answer for tries in answers for answer in tries[:-1]]
    assert len(refused) > 1, "no request met the outage"
    assert all(answer.status == 503 and answer.headers["content-type"] == "application/json"
               and answer.body is not None and int(answer.headers["retry-after"]) > 0 for answer in refused), refused
    # Each tick's 200 says what became of it: stored, or already stored by a try whose
    # commit went through before the database went away.
    assert all(tries[-1].body["ticks"] + tries[-1].body["skipped"]["duplicate_ticks"] == 1 for tries in answers)

    restarted, undisturbed = collector_id_of(IDENTIFIER), collector_id_of("host-undisturbed")
    stored = collector_rows(restarted)
    assert stored["sample_tick"] == len(ticks)
    assert stored == collector_rows(undisturbed)  # every table: nothing lost, nothing doubled
    assert TrickleSession.objects.get(collector_id=restarted).sample_count == len(ticks)
    assert assert_stored_matches_oracle(CAPTURE, restarted) > 1000
