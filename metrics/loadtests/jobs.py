"""Load tests and benchmark comparisons as background jobs (issue 14), on procrastinate's
queue "loadtests" (metrics/jobs.py: in PostgreSQL, beside the uploads' queue): a pcd load
test takes minutes, which no web worker may wait for. The top of the part: the jobs call
down into services.py and comparisons.py, which know nothing of them.

    loadtest_run_queue(*, organization, created_by, collector, notes="") -> LoadTest
        a queued load test and its job, in one transaction (both exist or neither);
        LoadTestRefused (400) when the collector has no pcd address or key
    comparison_start(*, organization, created_by, servers, benchmark_id, duration)
        -> BenchmarkComparison      its servers pending and its job, in one transaction
    loadtest_run_job(load_test_id=...)     services.loadtest_measure
    comparison_run_job(comparison_id=...)  comparisons.comparison_run

Their progress is in their rows, so a job started again carries on: a load test still
queued or running is measured (again), a comparison goes on from its first server not done.
A worker killed mid-job stops sending heartbeats; after XAT_WORKER_STALLED_SECONDS
loadtest_stalled_jobs_retry (run by any worker every few seconds) queues its job again
(metrics.jobs.stalled_jobs_retry, as for uploads). The same check ends the rows of jobs that
ended without ending them (their last write gave up while the database was away): a load
test fails, a comparison goes on in a new job (comparison_unrecorded_resume).

The tasks' names are stored with every queued job (procrastinate_jobs.task_name) and read by
sql/queries/loadtests.sql: they stay as they are, wherever the code lives.
"""

import logging

from asgiref.sync import sync_to_async
from django.db import connections, transaction
from procrastinate.contrib.django import app

from accounts.models import Organization
from metrics.jobs import CHECKS_PRIORITY, CHECKS_QUEUE, STALLED_CHECK_CRON, organization_job_defer, stalled_jobs_retry
from metrics.loadtests.comparisons import (
    comparison_create,
    comparison_run,
    comparison_unrecorded_end,
    comparisons_unrecorded,
)
from metrics.loadtests.models import BenchmarkComparison, LoadTest
from metrics.loadtests.services import loadtest_measure, loadtest_queued_create, loadtest_unrecorded_fail
from metrics.models import Collector

QUEUE = "loadtests"
logger = logging.getLogger(__name__)


def loadtest_run_queue(*, organization: Organization, created_by, collector: Collector, notes: str = "") -> LoadTest:
    with transaction.atomic():
        load_test = loadtest_queued_create(organization=organization, created_by=created_by, collector=collector,
                                           notes=notes)
        organization_job_defer(loadtest_run_job, organization_id=organization.pk, load_test_id=str(load_test.pk))
    return load_test


def comparison_start(*, organization: Organization, created_by, servers: list[dict], benchmark_id: str,
                     duration: str) -> BenchmarkComparison:
    """servers: [{"server_id", "name"}] in the order to run them."""
    with transaction.atomic():
        comparison = comparison_create(organization=organization, created_by=created_by, servers=servers,
                                       benchmark_id=benchmark_id, duration=duration)
        organization_job_defer(comparison_run_job, organization_id=organization.pk,
                               comparison_id=str(comparison.pk))
    return comparison


@app.task(name="loadtest_run", queue=QUEUE)
def loadtest_run_job(*, load_test_id: str) -> None:
    try:
        loadtest_measure(load_test_id=load_test_id)
    finally:
        connections.close_all()  # the worker thread's own connection (see upload_ingest_job)


@app.task(name="benchmark_comparison_run", queue=QUEUE)
def comparison_run_job(*, comparison_id: str) -> None:
    try:
        comparison_run(comparison_id=comparison_id)
    finally:
        connections.close_all()


@app.periodic(cron=STALLED_CHECK_CRON, periodic_id="loadtest_stalled_jobs")
@app.task(name="loadtest_stalled_jobs_retry", queue=CHECKS_QUEUE, priority=CHECKS_PRIORITY,
          queueing_lock="loadtest_stalled_jobs_retry")
async def loadtest_stalled_jobs_retry(timestamp: int) -> None:
    await stalled_jobs_retry(loadtest_run_job, comparison_run_job)
    await sync_to_async(_unrecorded_rows_end)()


def _unrecorded_rows_end() -> None:
    try:
        loadtest_unrecorded_fail()
        comparison_unrecorded_resume()
    finally:
        connections.close_all()  # this thread's: one left broken by an outage is not reused


def comparison_unrecorded_resume() -> None:
    """Comparisons still running whose job has ended: the server it was running ends
    `failed` with the reason and a new job goes on with the servers left, as after any
    server's failure."""
    for comparison_id, organization_id in comparisons_unrecorded():
        with transaction.atomic():
            comparison_unrecorded_end(comparison_id=comparison_id)
            organization_job_defer(comparison_run_job, organization_id=organization_id,
                                   comparison_id=str(comparison_id))
        logger.warning("comparison %s: its job ended before the comparison did; queued again", comparison_id)
