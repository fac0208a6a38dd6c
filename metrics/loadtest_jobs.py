"""Load tests and benchmark comparisons as background jobs (issue 14), on the queue of the
upload jobs (metrics/upload_jobs.py: procrastinate, in PostgreSQL), queue "loadtests":
a pcd load test takes minutes, which no web worker may wait for.

    loadtest_run_job(load_test_id=...)     metrics.loadtests.loadtest_measure
    comparison_run_job(comparison_id=...)  metrics.benchmarks.comparison_run

Both are deferred in the transaction that creates their row. Their progress is in their
rows, so a job started again carries on: a load test still queued or running is measured
(again), a comparison goes on from its first server not done. A worker killed mid-job stops
sending heartbeats; after XAT_WORKER_STALLED_SECONDS loadtest_stalled_jobs_retry (run by any
worker every few seconds) queues its job again (metrics.jobs.stalled_jobs_retry, as for uploads).
The same check ends the rows of jobs that ended without ending them (their last write gave
up while the database was away): a load test fails, a comparison goes on in a new job.
"""

from asgiref.sync import sync_to_async
from django.db import connections
from procrastinate.contrib.django import app

from metrics.benchmarks import comparison_run, comparison_unrecorded_resume
from metrics.loadtests import loadtest_measure, loadtest_unrecorded_fail
from metrics.jobs import CHECKS_PRIORITY, CHECKS_QUEUE, STALLED_CHECK_CRON, stalled_jobs_retry

QUEUE = "loadtests"


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
