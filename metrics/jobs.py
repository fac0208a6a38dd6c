"""What every part's background jobs share (procrastinate, in PostgreSQL): the uploads'
(metrics/uploads/jobs.py) and the load tests' (metrics/loadtests/jobs.py).

    organization_job_defer(task, *, organization_id, **arguments) -> None
        queues a job under its organization's lock of that queue: one runs at a time
    stalled_jobs_retry(*tasks) -> None (async)
        queues again the jobs of these tasks whose worker stopped sending heartbeats
    CHECKS_QUEUE, CHECKS_PRIORITY, STALLED_CHECK_CRON
        where and how often each part's periodic stalled-job check runs
    worker_connects_direct(app) -> None
        procrastinate's PROCRASTINATE_ON_APP_READY: its worker connects past a pooler
"""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from procrastinate import psycopg_connector
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector

from xat.direct_database import worker_connection_params

logger = logging.getLogger(__name__)
# The periodic checks' queue: taken before any waiting job when a worker slot frees.
CHECKS_QUEUE, CHECKS_PRIORITY = "checks", 100
# Every few seconds (at most half the stall time): any worker looks for stalled jobs.
STALLED_CHECK_CRON = f"* * * * * */{min(30, max(1, settings.XAT_WORKER_STALLED_SECONDS // 2))}"


def organization_job_defer(task, *, organization_id: int, **arguments) -> None:
    """Queues a job of task under the procrastinate lock the organization's jobs of that
    queue share: the workers run one of them at a time, in the order they were queued, so
    they never hold more than one slot while other organizations' jobs wait
    (docs/guarantees.md, "Background jobs")."""
    task.configure(lock=f"{task.queue}:organization:{organization_id}").defer(**arguments)


async def stalled_jobs_retry(*tasks) -> None:
    """Queues again the jobs of these tasks whose worker sent no heartbeat for
    XAT_WORKER_STALLED_SECONDS (killed mid-job): procrastinate leaves them `doing`."""
    for task in tasks:
        stalled = await app.job_manager.get_stalled_jobs(
            task_name=task.name, seconds_since_heartbeat=settings.XAT_WORKER_STALLED_SECONDS)
        for job in stalled:
            logger.warning("%s job %s: its worker stopped sending heartbeats; queued again", task.name, job.id)
            await app.job_manager.retry_job(job)


class _WorkerConnectsDirect(DjangoConnector):
    """Jobs deferred on Django's default connection, inside the caller's transaction (an
    Upload and its job both exist or neither), while `procrastinate worker` listens for them
    on connections of its own to DATABASE_DIRECT: LISTEN/NOTIFY needs a session, which a
    transaction-pooling PgBouncer does not give (xat/direct_database.py)."""

    def get_worker_connector(self) -> psycopg_connector.PsycopgConnector:
        return psycopg_connector.PsycopgConnector(kwargs=worker_connection_params())


def worker_connects_direct(procrastinate_app) -> None:
    procrastinate_app.connector = procrastinate_app.job_manager.connector = _WorkerConnectsDirect(
        alias=DEFAULT_DB_ALIAS)
