"""Upload benchmark: a ~100 MB pcc capture through the upload service, against a COPY of
the same rows into the same tables measured in the same run.

    .venv/bin/python bench/upload.py [--megabytes 100] [--batch 250]

Needs the local cluster (`make db-start`; `make run` starts it too). The capture is the
4-vCPU one (azure-loadtest-3) repeated, each copy shifted earlier in time, written to a
temporary file (never held in memory), then queued as the view queues an uploaded file
(metrics.uploads.jobs.upload_queue) and read as the worker reads it (upload_process; the
multipart parsing to a temporary file is not timed; queueing and reading are).
The floor is bench/ingest.py's COPY of the rows ingest computes for that capture, repeated
until it writes as many rows as the upload did. Peak resident memory (VmHWM) is read from
/proc before and after the upload. Everything written belongs to a throwaway organization,
deleted at the end.
"""

import argparse
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import CAPTURE, capture_ticks, copy_floor  # noqa: E402  (sets Django up)
from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Organization  # noqa: E402
from metrics.uploads import jobs as upload_jobs  # noqa: E402
from metrics.models import Collector  # noqa: E402
from metrics.uploads import store  # noqa: E402

TABLES = ("sample_tick", "cpu_sample", "memory_sample", "disk_sample", "network_sample", "filesystem_sample",
          "disk_total_sample", "network_total_sample")


def capture_write(path: Path, megabytes: float) -> int:
    """Writes the capture repeated to about `megabytes` MB; returns the number of copies."""
    lines = CAPTURE.read_bytes().splitlines()
    span = json.loads(lines[-1])["timestamp"] - json.loads(lines[0])["timestamp"] + 5
    copies = int(megabytes * 1e6 // sum(len(line) + 1 for line in lines)) + 1
    with path.open("wb") as out:
        for copy in range(copies):
            for line in lines:
                item = json.loads(line)
                item["timestamp"] -= (copies - copy) * span  # in time order, ending before the capture
                out.write(json.dumps(item, separators=(",", ":")).encode() + b"\n")
    return copies


def high_water_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--batch", type=int, default=store.RAW_BATCH_TICKS, help="ticks a batch (a transaction) takes")
    args = parser.parse_args()
    store.RAW_BATCH_TICKS = args.batch

    organization = Organization.objects.create(slug=f"bench-{secrets.token_hex(4)}", name="upload benchmark")
    collector = Collector.objects.create(organization=organization, name="bench")
    try:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "capture.ndjson"
            copies = capture_write(path, args.megabytes)
            size = path.stat().st_size
            before = high_water_mb()
            with path.open("rb") as handle:
                began = time.perf_counter()
                upload = upload_jobs.upload_queue(organization=organization, file=File(handle, name=path.name),
                                                  file_name=path.name, collector_id=collector.pk)
                upload_jobs.upload_process(upload_id=upload.pk, last_attempt=True)
                elapsed = time.perf_counter() - began
        upload.refresh_from_db()
        result = upload.result
        rows = result["rows"]
        print(f"Upload: {size / 1e6:.1f} MB, {result['ticks']} ticks, {rows} rows, batches of {args.batch} ticks "
              f"in {elapsed:.1f} s: {size / 1e6 / elapsed:.1f} MB/s, {rows / elapsed:.0f} rows/s, "
              f"{result['ticks'] / elapsed:.0f} ticks/s; VmHWM {before:.0f} MB before, {high_water_mb():.0f} MB after")

        copied, copy_seconds = copy_floor(capture_ticks(), organization.pk, passes=copies)
        print(f"Database floor (COPY of the same rows): {copied} rows in {copy_seconds:.1f} s: "
              f"{copied / copy_seconds:.0f} rows/s")
        print(f"Ratio: upload rows/s / COPY rows/s = {rows / elapsed / (copied / copy_seconds):.2f}")
    finally:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [organization.pk])
        organization.delete()


if __name__ == "__main__":
    main()
