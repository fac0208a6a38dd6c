"""bench/web_nodes.py at a tiny size against the suite's cluster: one web process group,
then two, each prints its figures, what its agents were answered 200 for is found
committed, and the ratio is printed. No figure is checked (the machine is shared)."""

import pytest

from tests.bench.test_bench_smoke import _bench
from tests.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_runs_the_web_nodes_benchmark():
    first = int(free_port())
    out = _bench("web_nodes.py", "--agents", "4", "--seconds", "1", "--warm-seconds", "0", "--port", str(first),
                 env={"WEB_CONCURRENCY": "1"})
    for headline in ("1 web process group, 4 agents:", "2 web process groups, 4 agents:", "group 2: p50",
                     "CPU per request: server", "Ratio: two groups / one = ", "load average before:"):
        assert headline in out, (headline, out)
    assert "MISMATCH" not in out, out
    assert out.count("committed: ") == 2, out
