"""The upload job (metrics/uploads/jobs.py) run by real workers in child processes
(`manage.py procrastinate worker`): its states and progress, and a worker killed mid-job."""

import json
from pathlib import Path

import pytest
from django.db import connection

from bench.upload import capture_write
from metrics.uploads.models import Upload
from tests.oracle import SAMPLE_TABLES
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import UPLOAD_URL, until, uploads_work, worker_start, worker_stop

pytestmark = pytest.mark.django_db(transaction=True)


def _post(client, path: Path, collector) -> dict:
    with path.open("rb") as handle:
        response = client.post(UPLOAD_URL, {"file": handle, "collector": collector.pk})
    assert response.status_code == 202, response.content
    return response.json()


def _rows_of(table: str, collector_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_jsonb(t) - 'collector_id' - 'received_at' FROM {table} t WHERE collector_id = %s",
                       [collector_id])
        return sorted(json.dumps(row, sort_keys=True) for (row,) in cursor.fetchall())


def test_it_shows_the_job_queued_then_running_with_progress_then_done(tmp_path, settings):
    team = team_make("acme")
    client = api_client(team.analyst)
    collector = collector_make(team.organization, name="web-1")
    capture = tmp_path / "capture.ndjson"
    capture_write(capture, 8)
    answer = _post(client, capture, collector)
    assert answer["state"] == "queued" and answer["url"] == f"/api/performance/uploads/{answer['uuid']}/"

    seen = []
    worker = worker_start(tmp_path / "worker.log")
    try:
        def finished():
            shown = client.get(answer["url"]).json()
            seen.append((shown["state"], shown["bytes_read"], shown["result"].get("ticks", 0)))
            return shown if shown["state"] in ("done", "failed") else None
        done = until(finished, timeout=180, what="the job to end")
    finally:
        worker_stop(worker)
    assert done["state"] == "done" and done["failure"] == ""
    assert done["bytes_read"] == done["size_bytes"] == capture.stat().st_size
    running = [progress for progress in seen if progress[0] == "running"]
    assert running, seen
    # Progress and counts only grow, and a running job shows part of the file read.
    assert [b for _, b, _ in seen] == sorted(b for _, b, _ in seen)
    assert [t for _, _, t in seen] == sorted(t for _, _, t in seen)
    assert any(0 < bytes_read < done["size_bytes"] for _, bytes_read, _ in running), running
    assert done["started_at"] and done["finished_at"] >= done["started_at"]
    assert not (settings.XAT_UPLOAD_DIR / f"{answer['uuid']}.upload").exists()  # deleted once read


def test_it_starts_a_killed_workers_job_again_and_stores_every_tick_once(tmp_path, settings):
    """A worker killed mid-job: once its heartbeats stop, a new worker reads the file again;
    the ticks the first one stored are not stored twice, and the upload's counts and the
    stored rows equal those of the same file read in one go."""
    team = team_make("acme")
    client = api_client(team.analyst)
    killed, whole = collector_make(team.organization, name="killed"), collector_make(team.organization, name="whole")
    capture = tmp_path / "capture.ndjson"
    capture_write(capture, 30)

    answer = _post(client, capture, killed)
    first = worker_start(tmp_path / "first.log")
    try:
        cut = until(lambda: Upload.objects.filter(uuid=answer["uuid"], state="running",
                                                   result__ticks__gt=0).first(),
                     timeout=180, what="the first batch")
    finally:
        first.kill()
        first.wait()
    cut.refresh_from_db()
    assert cut.state == "running" and 0 < cut.result["ticks"], cut.result

    second = worker_start(tmp_path / "second.log")
    try:
        again = until(lambda: Upload.objects.filter(uuid=answer["uuid"], state__in=("done", "failed")).first(),
                       timeout=120, what="the job to be picked up again and end")
    finally:
        worker_stop(second)
    assert again.state == "done", again.failure
    assert "its worker stopped sending heartbeats; queued again" in (tmp_path / "second.log").read_text()

    _post(client, capture, whole)
    uploads_work()
    once = Upload.objects.get(collector=whole)
    assert once.state == "done"
    counted = ("ticks", "rows", "rows_by_family", "first", "last", "duplicate_ticks", "errors_total")
    assert {k: again.result[k] for k in counted} == {k: once.result[k] for k in counted}
    assert again.result["ticks"] > cut.result["ticks"] and again.result["duplicate_ticks"] == 0
    for table in SAMPLE_TABLES:
        assert _rows_of(table, killed.pk) == _rows_of(table, whole.pk), table
