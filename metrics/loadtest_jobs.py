"""Load tests and benchmark comparisons as background jobs (issue 14), on the queue of the
upload jobs (metrics/upload_jobs.py: procrastinate, in PostgreSQL), queue "loadtests":
a pcd load test takes minutes, which no web worker may wait for.

    loadtest_run_job(load_test_id=...)     metrics.loadtests.loadtest_measure
    comparison_run_job(comparison_id=...)  metrics.benchmarks.comparison_run

Both are deferred in the transaction that creates their row. Their progress is in their
rows, so a job started again carries on: a load test still queued or running is measured
(again), a comparison goes on from its first server not done. A worker killed mid-job stops
sending heartbeats; after XAT_WORKER_STALLED_SECONDS loadtest_stalled_jobs_retry (run by any
worker every few seconds) queues its job again, as upload_stalled_jobs_retry does for uploads.
"""

import logging

from django.conf import settings
from django.db import connections
from procrastinate.contrib.django import app

from metrics.benchmarks import comparison_run
from metrics.loadtests import loadtest_measure

logger = logging.getLogger(__name__)
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


_STALLED_CHECK_SECONDS = min(30, max(1, settings.XAT_WORKER_STALLED_SECONDS // 2))


@app.periodic(cron=f"* * * * * */{_STALLED_CHECK_SECONDS}", periodic_id="loadtest_stalled_jobs")
@app.task(name="loadtest_stalled_jobs_retry", queue=QUEUE, queueing_lock="loadtest_stalled_jobs_retry")
async def loadtest_stalled_jobs_retry(timestamp: int) -> None:
    """Queues again the load-test and comparison jobs whose worker sent no heartbeat for
    XAT_WORKER_STALLED_SECONDS (killed mid-job): procrastinate leaves them `doing`."""
    for task in (loadtest_run_job, comparison_run_job):
        stalled = await app.job_manager.get_stalled_jobs(
            task_name=task.name, seconds_since_heartbeat=settings.XAT_WORKER_STALLED_SECONDS)
        for job in stalled:
            logger.warning("%s job %s: its worker stopped sending heartbeats; queued again", task.name, job.id)
            await app.job_manager.retry_job(job)
