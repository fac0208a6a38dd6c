"""Files to upload, built from the real captures, and the calls the upload tests share."""

import gzip
import io
import json
import math
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from metrics.uploads.jobs import upload_process
from metrics.uploads.models import Upload, UploadState
from tests.conftest import ROOT
from tests.oracle import PCC_CAPTURES

UPLOAD_URL = "/api/performance/upload/"
EXPORT_URL = "/api/performance/export/"
PERFCOLLECTOR1 = PCC_CAPTURES.parent / "perfcollector1" / "original_capture.jsonl"
PORTAL_CSV = PCC_CAPTURES / "azure-pcc-test-01" / "portal.csv"
TREE_FILES = ("proc/stat", "proc/meminfo", "proc/net/dev", "proc/diskstats", "statfs_ALL")
STALLED_SECONDS = 2


def upload(client, content: bytes, *, name="capture.ndjson", collector=None, **extra):
    data = {"file": SimpleUploadedFile(name, content), **extra}
    if collector is not None:
        data["collector"] = collector.pk
    return client.post(UPLOAD_URL, data, format="multipart")


def uploads_work() -> None:
    """Runs the upload worker (`manage.py procrastinate worker --one-shot`, in this process)
    until the queue is empty. Its jobs read the database in their own connections: tests
    that run it are transactional (pytest.mark.django_db(transaction=True)). Again while
    jobs wait: a one-shot worker stops when the jobs left are locked behind running ones
    (one organization's, metrics.jobs.organization_job_defer)."""
    while True:
        call_command("procrastinate", "worker", "--one-shot")
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT FROM procrastinate_jobs WHERE status = 'todo'"
                           " AND (scheduled_at IS NULL OR scheduled_at <= now()))")
            if not cursor.fetchone()[0]:
                return


def worker_start(log: Path, **env) -> subprocess.Popen:
    """A worker as `make run` starts one, on this test's database, that finds a stalled job
    after STALLED_SECONDS, with env added to its environment; its log in `log`."""
    env = {**os.environ, "PGDATABASE": connection.settings_dict["NAME"],
           "XAT_WORKER_STALLED_SECONDS": str(STALLED_SECONDS), **env}
    with log.open("ab") as output:
        return subprocess.Popen([sys.executable, "manage.py", "procrastinate", "worker"], cwd=ROOT, env=env,
                                stdout=output, stderr=subprocess.STDOUT)


def worker_stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)


def until(condition, *, timeout: float, what: str):
    """condition's first true value, polled; the test fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    pytest.fail(f"waited {timeout} s for {what}")


def uploads_run_here() -> None:
    """Runs the queued uploads' job (metrics.uploads.jobs.upload_process) in this thread,
    inside the test's transaction: for tests of what an upload stores, not of the worker
    (tests/uploads/test_upload_jobs.py runs real ones)."""
    for upload_id in Upload.objects.filter(state=UploadState.QUEUED).order_by("pk").values_list("pk", flat=True):
        upload_process(upload_id=upload_id, last_attempt=True)


def uploaded(client, content: bytes, **kwargs) -> dict:
    """Uploads the file (202), lets the worker read it, and returns the upload as its URL
    shows it then."""
    response = upload(client, content, **kwargs)
    assert response.status_code == 202, response.content
    uploads_work()
    shown = client.get(response.json()["url"])
    assert shown.status_code == 200, shown.content
    return shown.json()


def pcprocess_zip(capture: Path, *, folder: str = "") -> bytes:
    """The capture's pcprocess tree as a zip, as a user would make it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in TREE_FILES:
            archive.write(capture / "pcprocess" / name, folder + name)
    return buffer.getvalue()


def zip_of(members: dict, **infos) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            info = infos.get(name) or zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def perfcollector1_as_pcc() -> bytes:
    """The PerfCollector1 capture rewritten as a pcc capture (same ticks, same text)."""
    lines = []
    for line in PERFCOLLECTOR1.read_text().splitlines():
        inner = json.loads(line)["Measurement"]
        t = int(datetime.fromisoformat(inner["Timestamp"]).timestamp())
        lines.append(json.dumps({"timestamp": t, "subsystem": inner["System"], "measurement": inner["Measurement"]}))
    return "\n".join(lines).encode() + b"\n"


def export(client, collectors, **params) -> bytes:
    ids = ",".join(str(c.pk) for c in collectors)
    response = client.get(EXPORT_URL, {"collector": ids, **params})
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def gzipped(content: bytes) -> bytes:
    return gzip.compress(content)


def utc(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def tree_rows(text: str) -> tuple[str, dict]:
    """(header line, {(timestamp, item): row}) of one pcprocess CSV."""
    lines = text.splitlines()
    names = lines[0].lstrip("#").split(",")
    item = names[1] if names[1] in ("CPU", "IFACE", "DEV", "mount") else None
    rows = {}
    for line in lines[1:]:
        row = dict(zip(names, line.split(","), strict=True))
        rows[(int(row["timestamp"]), row[item] if item else "")] = row
    return lines[0], rows


def assert_tree_matches(exported: zipfile.ZipFile, capture: Path, *, folder: str = "") -> int:
    """Every row of the capture's pcprocess tree after its first tick is in the export,
    to 1e-9 relative or 1e-6 absolute, and at those ticks the export has no other item.
    Returns the number of rows compared."""
    compared = 0
    for name in TREE_FILES:
        header, theirs = tree_rows((capture / "pcprocess" / name).read_text())
        our_header, ours = tree_rows(exported.read(folder + name).decode())
        assert our_header == header, name
        first = min(t for t, _ in theirs)
        ticks = {t for t, _ in theirs if t != first}
        differences = []
        for key, row in theirs.items():
            if key[0] == first:
                continue
            mine = ours.get(key)
            if mine is None:
                differences.append((name, key, "missing"))
                continue
            for column, value in row.items():
                if column in ("CPU", "IFACE", "DEV", "mount"):
                    continue  # the key
                if not math.isclose(float(mine[column] or "nan"), float(value), rel_tol=1e-9, abs_tol=1e-6):
                    differences.append((name, key, column, value, mine[column]))
            compared += 1
        extra = [key for key in ours if key[0] in ticks and key not in theirs]
        assert not differences, f"{len(differences)} differences, first: {differences[:3]}"
        assert not extra, f"{name}: rows pcprocess does not have: {extra[:3]}"
    return compared
