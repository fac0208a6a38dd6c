"""What one organization's uploads may cost the others (issue 23, item 1): work bounded by
what the file holds, one running job per organization, cancellation by DELETE, and a bound
on the bytes an organization may have waiting. Real workers, in child processes."""

import time
import zlib
from pathlib import Path

import pytest
from django.db import connection

from bench.ingest import CAPTURE, capture_ticks
from bench.upload import capture_write
from metrics.uploads.models import Upload, UploadState
from metrics.uploads.store import RAW_BATCH_TICKS
from tests.conftest import another_session
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import UPLOAD_URL, until, upload, worker_start, worker_stop


def _post(client, path: Path, collector) -> dict:
    with path.open("rb") as handle:
        response = client.post(UPLOAD_URL, {"file": handle, "collector": collector.pk})
    assert response.status_code == 202, response.content
    return response.json()


def _newline_bomb(path: Path) -> None:
    """The probe's file: gzip of one valid pcc line and 2^30 newlines (about 1 MB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
    newlines = b"\n" * (1 << 24)
    with path.open("wb") as out:
        out.write(compressor.compress(CAPTURE.read_bytes().splitlines()[0] + b"\n"))
        for _ in range(1 << 6):
            out.write(compressor.compress(newlines))
        out.write(compressor.flush())


def _ticks_of(collector_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sample_tick WHERE collector_id = %s", [collector_id])
        return cursor.fetchone()[0]


def _job_statuses(upload_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE task_name = 'upload_ingest'"
                       " AND (args->>'upload_id')::bigint = %s", [upload_id])
        return [status for (status,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_gzip_of_newlines_fails_at_the_idle_line_limit_in_seconds(tmp_path, settings):
    team = team_make("acme")
    bomb = tmp_path / "newlines.ndjson.gz"
    _newline_bomb(bomb)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    answer = _post(api_client(team.analyst), bomb, collector_make(team.organization))
    worker = worker_start(tmp_path / "worker.log")
    try:
        # It ran 597 s, read the whole gigabyte of newlines, and ended `done`.
        ended = until(lambda: Upload.objects.filter(uuid=answer["uuid"], state__in=("done", "failed")).first(),
                      timeout=60, what="the job to end")
    finally:
        worker_stop(worker)
    limit = settings.XAT_UPLOAD_MAX_IDLE_LINES
    assert ended.state == UploadState.FAILED
    assert ended.failure == (f"stopped at line {limit + 2}: more than {limit} lines were blank or could not be read"
                             " (XAT_UPLOAD_MAX_IDLE_LINES)")
    assert not (settings.XAT_UPLOAD_DIR / f"{answer['uuid']}.upload").exists()


@pytest.mark.django_db(transaction=True)
def test_one_organizations_stuck_jobs_leave_other_organizations_jobs_running(tmp_path):
    """acme's three uploads cannot finish (the test holds their rows); globex's, queued
    after them, is read meanwhile: acme's jobs take one of the worker's two slots."""
    acme, globex = team_make("acme"), team_make("globex")
    capture = tmp_path / "capture.ndjson"
    capture_write(capture, 0.2)
    acme_client, acme_collector = api_client(acme.analyst), collector_make(acme.organization)
    stuck = [_post(acme_client, capture, acme_collector)["uuid"] for _ in range(3)]
    other = _post(api_client(globex.analyst), capture, collector_make(globex.organization))["uuid"]

    with another_session() as holder:
        holder.execute("SELECT 1 FROM metrics_upload WHERE uuid = ANY(%s) FOR UPDATE", [stuck])
        worker = worker_start(tmp_path / "worker.log", XAT_WORKER_CONCURRENCY="2")
        try:
            until(lambda: Upload.objects.filter(uuid=other, state="done").exists(), timeout=60,
                  what="the other organization's upload")
            assert not Upload.objects.filter(uuid__in=stuck, state="done").exists()
            holder.rollback()  # acme's jobs go on, one after the other
            until(lambda: Upload.objects.filter(uuid__in=stuck, state="done").count() == 3, timeout=120,
                  what="acme's uploads")
        finally:
            worker_stop(worker)


@pytest.mark.django_db(transaction=True)
def test_deleting_a_running_upload_stops_its_job_within_seconds_keeping_whole_batches(tmp_path, settings):
    team = team_make("acme")
    collector = collector_make(team.organization)
    capture = tmp_path / "capture.ndjson"
    ticks = capture_write(capture, 30) * len(capture_ticks())
    answer = _post(api_client(team.analyst), capture, collector)
    upload = Upload.objects.get(uuid=answer["uuid"])
    worker = worker_start(tmp_path / "worker.log")
    try:
        until(lambda: Upload.objects.filter(pk=upload.pk, state="running", result__ticks__gt=0).exists(),
              timeout=180, what="the first batch")
        deleted = api_client(team.admin).delete(f"/api/v1/data/{answer['uuid']}/")
        assert deleted.status_code == 204
        stopped_at = time.monotonic()
        until(lambda: "doing" not in _job_statuses(upload.pk), timeout=5, what="the job to stop")
        stored = _ticks_of(collector.pk)
        time.sleep(2)
        assert _ticks_of(collector.pk) == stored  # nothing more is stored
        assert worker.poll() is None  # the worker goes on, the job alone stopped
    finally:
        worker_stop(worker)
    assert time.monotonic() - stopped_at < 10
    # Stopped part-way, with whole batches only: the one being stored when the row went
    # rolled back.
    assert 0 < stored < ticks and stored % RAW_BATCH_TICKS == 0, (stored, ticks)
    assert not (settings.XAT_UPLOAD_DIR / f"{answer['uuid']}.upload").exists()
    assert "deleted while it was read; stopped" in (tmp_path / "worker.log").read_text()


@pytest.mark.django_db
def test_an_organization_may_have_a_bounded_number_of_bytes_waiting(settings):
    acme, globex = team_make("acme"), team_make("globex")
    content = CAPTURE.read_bytes()
    settings.XAT_UPLOAD_MAX_QUEUED_BYTES = len(content) * 3 // 2
    client, collector = api_client(acme.analyst), collector_make(acme.organization)
    first = upload(client, content, collector=collector)
    assert first.status_code == 202, first.content

    waiting = set(settings.XAT_UPLOAD_DIR.glob("*.upload"))
    refused = upload(client, content, collector=collector)
    limit = settings.XAT_UPLOAD_MAX_QUEUED_BYTES
    assert refused.status_code == 429
    assert refused.json() == {
        "error": f"this organization's uploads waiting to be read hold {len(content)} bytes; with this file they "
                 f"would pass {limit} (XAT_UPLOAD_MAX_QUEUED_BYTES): try again once they are read",
        "queued_bytes": len(content), "limit": limit}
    assert Upload.objects.filter(organization=acme.organization).count() == 1
    assert set(settings.XAT_UPLOAD_DIR.glob("*.upload")) == waiting  # the refused file is not kept

    # Another organization's bound is its own.
    assert upload(api_client(globex.analyst), content, collector=collector_make(globex.organization)).status_code == 202
    # Once the first is read, acme may upload again.
    Upload.objects.filter(pk=first.json()["id"]).update(state=UploadState.DONE)
    assert upload(client, content, collector=collector).status_code == 202
