"""bench/ingest.py at a tiny size against the suite's cluster: every phase (both floors,
the agent service at 2 agents and in an open loop, a lone agent, the COPY floor) runs and
prints its headline figures, and what its agents were answered 200 for is found committed.
No figure is checked: a test run shares the machine with the rest of the suite."""

import pytest

from tests.bench.test_bench_smoke import _bench
from tests.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_runs_the_ingest_benchmark():
    out = _bench("ingest.py", "--agents", "2", "--many", "4", "--seconds", "1", "--fleet", "10", "--big-fleet", "20",
                 "--fleet-seconds", "10", "--lone", "3", "--copy-passes", "1", "--warm-seconds", "0",
                 "--port", free_port())
    for headline in ("HTTP floor (Django parse-only view, gunicorn), 2 agents:", "Event-loop floor",
                     "Ingest (agent service), 2 agents:", "ingest / HTTP floor = ", "visibility (200 to the live view",
                     "Ingest, 4 agents:", "Open loop, 10 agents", "Open loop, 20 agents", "Lone agent, idle server:",
                     "Database floor (binary COPY", "ingest rows / COPY rows = ", "CPU per request: server"):
        assert headline in out, (headline, out)
    assert "MISMATCH" not in out, out
    assert out.count("committed: ") == 4, out
