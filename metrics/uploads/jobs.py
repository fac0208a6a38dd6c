"""Uploads as background jobs (issue 12): the request checks what is bounded, stores the
file and queues a job; a worker (`manage.py procrastinate worker`) reads it.

    upload_queue(*, organization, file, file_name, collector=None, collector_id=None, user=None,
                 api_key=None, description="") -> Upload   (state queued)
        raises what services.upload_inspect and upload_collector raise; then
        nothing is stored and no file is kept
    upload_ingest_job(upload_id=...)   the job: services.upload_batches stored, every aggregate
        level of the samples' time range computed (metrics.aggregates.aggregates_refresh_range),
        then the file is deleted; state queued -> running -> done (or failed, with the reason)

The queue is procrastinate's (PostgreSQL tables, no other server). The job is deferred in
the transaction that creates the Upload row: both exist or neither; under the lock of its
organization's uploads (organization_job_defer: one runs at a time), once the files its
organization has waiting stay within XAT_UPLOAD_MAX_QUEUED_BYTES (UploadQueueFull, 429).
While it runs, each batch of ticks commits together with the counts so far (Upload.result)
and the bytes read; between batches the bytes read are written at most once a second. Either
write finding the row gone (DELETE) stops the job (UploadCancelled).

A worker killed mid-job (or its machine lost) stops sending heartbeats; after
XAT_WORKER_STALLED_SECONDS without one, upload_stalled_jobs_retry (run by any worker
every few seconds) queues its job again. The new attempt reads the file from its start:
the ticks the earlier attempt stored are skipped as duplicates (metrics.ingest stores a
tick once), and its saved counts carry over, so the Upload's counts are a single read's.
A database error retries the job with a growing pause, UPLOAD_JOB_RETRIES times.
"""

import hashlib
import logging
import time
import uuid
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Sum
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from accounts.models import ApiKey, Organization
from metrics.aggregates import aggregates_refresh_range
from metrics.collectors import collector_contact_record
from metrics.jobs import CHECKS_PRIORITY, CHECKS_QUEUE, STALLED_CHECK_CRON, organization_job_defer, stalled_jobs_retry
from metrics.models import Collector
from metrics.uploads.errors import UploadQueueFull, UploadRejected
from metrics.uploads.models import Upload, UploadState
from metrics.uploads.result import UploadResult
from metrics.uploads.services import upload_batches, upload_collector, upload_file_path, upload_inspect
from metrics.uploads.store import batch_store

logger = logging.getLogger(__name__)
QUEUE = "uploads"
UPLOAD_JOB_RETRIES = 8  # after database errors: pauses of 2, 4, 8 ... 256 s
PROGRESS_EVERY_SECONDS = 1.0


def upload_queue(
    *,
    organization: Organization,
    file,
    file_name: str,
    collector: Collector | None = None,
    collector_id=None,
    user=None,
    api_key: ApiKey | None = None,
    description: str = "",
) -> Upload:
    """Checks the file (services.upload_inspect), finds its collector, copies it to
    XAT_UPLOAD_DIR and records the Upload with its job (module docstring)."""
    inspection = upload_inspect(file=file)
    collector = upload_collector(organization=organization, collector=collector, collector_id=collector_id,
                                 api_key=api_key, identifier=inspection.identifier)
    if api_key is not None:
        collector_contact_record(collector_id=collector.pk)
    upload = Upload(organization=organization, collector=collector, uploaded_by=user, api_key=api_key,
                    file_name=file_name[:255], description=description, size_bytes=file.size,
                    format=inspection.format, compressed=inspection.compressed, uuid=uuid.uuid4())
    path = upload_file_path(upload)
    try:
        upload.sha256 = _file_store(file, path)
        with transaction.atomic():
            _queued_bytes_check(organization, file.size)
            upload.save()
            organization_job_defer(upload_ingest_job, organization_id=organization.pk, upload_id=upload.pk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return upload


def _queued_bytes_check(organization: Organization, size: int) -> None:
    """UploadQueueFull if this file would take the organization's waiting files (queued or
    being read) past XAT_UPLOAD_MAX_QUEUED_BYTES. Holds the organization's row until the
    transaction ends, so that two uploads at once cannot both pass."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    waiting = (Upload.objects.filter(organization=organization, state__in=(UploadState.QUEUED, UploadState.RUNNING))
               .aggregate(total=Sum("size_bytes"))["total"] or 0)
    limit = settings.XAT_UPLOAD_MAX_QUEUED_BYTES
    if waiting + size > limit:
        raise UploadQueueFull(f"this organization's uploads waiting to be read hold {waiting} bytes; with this file"
                              f" they would pass {limit} (XAT_UPLOAD_MAX_QUEUED_BYTES): try again once they are read",
                              queued_bytes=waiting, limit=limit)


def _file_store(file, path) -> str:
    """Writes the uploaded file to path (its folder made if need be); its SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sha256 = hashlib.sha256()
    file.seek(0)
    with path.open("xb") as stored:
        for chunk in file.chunks():
            sha256.update(chunk)
            stored.write(chunk)
    return sha256.hexdigest()


@app.task(name="upload_ingest", queue=QUEUE, pass_context=True,
          retry=RetryStrategy(max_attempts=UPLOAD_JOB_RETRIES, exponential_wait=2,
                              retry_exceptions={DatabaseError}))
def upload_ingest_job(context, *, upload_id: int) -> None:
    try:
        upload_process(upload_id=upload_id, last_attempt=context.job.attempts >= UPLOAD_JOB_RETRIES)
    finally:
        # The job ran in a worker thread, on that thread's own connection: none is left open
        # (or broken) for the next job; one connection per job costs nothing beside its read.
        connections.close_all()


def upload_process(*, upload_id: int, last_attempt: bool) -> None:
    """Reads the upload's file into samples, recording progress on the Upload row."""
    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None:
        return  # deleted while it waited (services.upload_delete took its file)
    path = upload_file_path(upload)
    if upload.state in (UploadState.DONE, UploadState.FAILED):
        path.unlink(missing_ok=True)  # a job retried after it had finished
        return
    if upload.collector_id is None:
        _finish(upload, UploadState.FAILED, failure="its collector was deleted before the file was read")
        return
    # An earlier attempt that was cut short: its counts carry over (UploadResult).
    carried = upload.result if upload.state == UploadState.RUNNING else {}
    upload.state, upload.started_at = UploadState.RUNNING, upload.started_at or timezone.now()
    upload.save(update_fields=["state", "started_at"])
    result = UploadResult(format=upload.format, compressed=upload.compressed, collector_id=upload.collector_id,
                          carried=carried)
    try:
        with path.open("rb") as file:
            _batches_store(upload, file, result)
        _aggregates_complete(upload, result)
    except UploadCancelled:
        logger.info("upload %s: deleted while it was read; stopped", upload.uuid)
        path.unlink(missing_ok=True)
    except FileNotFoundError:
        _finish(upload, UploadState.FAILED, failure=f"the file is not in {settings.XAT_UPLOAD_DIR}: the web and "
                "worker processes must share that folder")
    except UploadRejected as error:
        _finish(upload, UploadState.FAILED, result, failure=str(error))
    except DatabaseError:
        if last_attempt:
            _finish(upload, UploadState.FAILED, result, failure="the database failed at every attempt")
        raise
    except Exception as error:
        logger.exception("upload %s: the job failed", upload.uuid)
        _finish(upload, UploadState.FAILED, result, failure=f"the file could not be read ({type(error).__name__})")
        raise
    else:
        upload.bytes_read = upload.size_bytes
        _finish(upload, UploadState.DONE, result)


class UploadCancelled(Exception):
    """The Upload row is gone (DELETE): its job stops. The batch being stored rolls back;
    the batches committed before stay, as after a failure."""


def _aggregates_complete(upload: Upload, result: UploadResult) -> None:
    """Computes every aggregate level of the samples' time range before the job reports
    done: a capture of any age charts at every resolution at once."""
    stored = result.as_dict()
    if stored["first"] is not None:
        aggregates_refresh_range(organization_id=upload.organization_id, collector_id=upload.collector_id,
                                 start=datetime.fromisoformat(stored["first"]),
                                 end=datetime.fromisoformat(stored["last"]))


def _batches_store(upload: Upload, file, result: UploadResult) -> None:
    """Reads the file batch by batch (metrics.uploads.batch): counts each batch's lines
    that stored nothing (TooManyIdleLines past the limit), then stores its ticks in a
    transaction that saves the counts so far and the bytes read; between batches of ticks,
    saves the bytes read at most every PROGRESS_EVERY_SECONDS. Either save raises
    UploadCancelled when the Upload row is gone: a deleted upload's job stops within that
    time (a batch whose row went first rolls back)."""
    saved_at = time.monotonic()
    for batch in upload_batches(file=file, format=upload.format, compressed=upload.compressed):
        result.lines_record(batch.lines)
        if batch.raw or batch.processed:
            with transaction.atomic():
                result.stored(batch, batch_store(batch=batch, organization_id=upload.organization_id,
                                                 collector_id=upload.collector_id))
                _progress_save(upload, result=result.as_dict(), bytes_read=file.tell())
            saved_at = time.monotonic()
        elif time.monotonic() - saved_at >= PROGRESS_EVERY_SECONDS:
            _progress_save(upload, bytes_read=file.tell())
            saved_at = time.monotonic()


def _progress_save(upload: Upload, **progress) -> None:
    if not Upload.objects.filter(pk=upload.pk).update(**progress):
        raise UploadCancelled


def _finish(upload: Upload, state: str, result: UploadResult | None = None, *, failure: str = "") -> None:
    """Records the end of the job (with what the read stored, if it began) and deletes the file."""
    upload.state, upload.failure, upload.finished_at = state, failure[:500], timezone.now()
    if result is not None:
        upload.result = result.as_dict()
    read_whole = ["bytes_read"] if state == UploadState.DONE else []
    upload.save(update_fields=["state", "failure", "finished_at", "result", *read_whole])
    upload_file_path(upload).unlink(missing_ok=True)


@app.periodic(cron=STALLED_CHECK_CRON, periodic_id="upload_stalled_jobs")
@app.task(name="upload_stalled_jobs_retry", queue=CHECKS_QUEUE, priority=CHECKS_PRIORITY,
          queueing_lock="upload_stalled_jobs_retry")
async def upload_stalled_jobs_retry(timestamp: int) -> None:
    await stalled_jobs_retry(upload_ingest_job)
