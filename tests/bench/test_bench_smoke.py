"""Every benchmark script run at a tiny size against the suite's cluster, so that none can
break unnoticed (issue 24): each exits 0 and prints its headline figures. No figure is
checked: a test run shares the machine with the rest of the suite.

bench/ingest.py has its own smoke run beside its own work."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import ROOT, free_port

# The benchmarks commit from their own processes, into the suite's database (upload,
# sessions) or a database they create in the same cluster and drop (dashboard).
pytestmark = pytest.mark.django_db(transaction=True)


def _bench(script: str, *args: str, env: dict | None = None) -> str:
    """The script's standard output, once it exited 0."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PGDATABASE": connection.settings_dict["NAME"], **(env or {})},
    )
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-3000:])
    return run.stdout


def test_it_runs_the_upload_benchmark(tmp_path):
    out = _bench("upload.py", "--megabytes", "1", env={"XAT_UPLOAD_DIR": str(tmp_path)})
    assert "Upload: 1.4 MB, 126 ticks" in out and "rows/s" in out, out
    assert "Database floor (COPY of the same rows):" in out, out
    assert "Ratio: upload rows/s / COPY rows/s = " in out, out


def test_it_runs_the_dashboard_benchmark():
    out = _bench("dashboard.py", "--hosts", "1", "--days", "1", "--requests", "2", "--naive", "1", "--warmup", "0",
                 "--port", free_port())
    for family in ("cpu", "memory", "disk", "network"):
        assert f"   1h {family:8} resolution" in out, out
    assert "naive / endpoint = " in out and "dropped database xat_bench_dashboard" in out, out


def test_it_runs_the_sessions_benchmark():
    out = _bench("sessions.py", "--per-day", "2", "--days", "10", "--others", "1", "--requests", "3")
    for label in ("sessions (all)", "sessions (completed)", "session-dates"):
        assert f"{label:>22}: p50 " in out, out
