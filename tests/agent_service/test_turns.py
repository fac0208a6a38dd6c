"""The service's processes on one machine take turns to form their groups
(metrics/agent_service/groups.py, XAT_INGEST_TURN_FILE): while another process holds the
turn, requests wait, and the group formed once the turn is free takes all of them. Here the
test holds the turn itself, as another process of the service would."""

import fcntl
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults.stage import agent_post
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key
from tests.oracle import CAPTURES, collector_id_of
from tests.personas import collector_rows

TICKS = capture_ticks(next(path for path in CAPTURES if path.name == "azure-pcc-test-01"))
WAIT_SECONDS = 20


@pytest.fixture
def agent_turn_file(tmp_path) -> str:
    return str(tmp_path / "turn")


@pytest.mark.parametrize("agent_writers", [1])
def test_a_group_is_formed_once_the_process_holds_the_turn_and_takes_every_request_waiting(
        agent_service, agent_turn_file):
    committer = agent_service.service.committer
    _, key = organization_with_ingest_key("turns")
    for identifier in ("host-a", "host-b"):
        assert agent_post(agent_service.port, key, envelope(identifier, TICKS[0])).status == 200
    assert committer.largest_group == 1

    turn = os.open(agent_turn_file, os.O_RDWR | os.O_CREAT)
    with ThreadPoolExecutor(2) as agents:
        fcntl.flock(turn, fcntl.LOCK_EX)  # another process's group is running
        try:
            answers = [agents.submit(agent_post, agent_service.port, key, envelope(identifier, TICKS[1]))
                       for identifier in ("host-a", "host-b")]
            deadline = time.monotonic() + WAIT_SECONDS
            while committer.waiting() < 2:
                assert time.monotonic() < deadline, "the requests did not wait for the turn"
                time.sleep(0.02)
            assert not any(answer.done() for answer in answers)
            assert all(collector_rows(collector_id_of(identifier))["sample_tick"] == 1
                       for identifier in ("host-a", "host-b"))
        finally:
            fcntl.flock(turn, fcntl.LOCK_UN)
            os.close(turn)
        assert [answer.result(timeout=WAIT_SECONDS).status for answer in answers] == [200, 200]
    assert committer.largest_group == 2
    assert all(collector_rows(collector_id_of(identifier))["sample_tick"] == 2 for identifier in ("host-a", "host-b"))
