"""What needs a session of its own connects past a transaction pooler (xat/direct_database.py):
procrastinate's worker and the upkeep reach DATABASE_DIRECT_URL while DATABASE_URL (the
pooler's address) answers nothing; a job is still deferred on Django's own connection."""

import pytest
from django.db import connection

from metrics.jobs import organization_job_defer
from metrics.uploads.jobs import upload_ingest_job
from tests.conftest import free_port, manage


def _direct_env() -> dict:
    """DATABASE_URL at a port nobody listens on, DATABASE_DIRECT_URL at the suite's database."""
    database = connection.settings_dict
    return {"DATABASE_URL": f"postgresql://xat@127.0.0.1:{free_port()}/{database['NAME']}",
            "DATABASE_DIRECT_URL": f"postgresql://{database['USER']}@/{database['NAME']}"
                                   f"?host={database['HOST']}&port={database['PORT']}",
            "XAT_DB_POOLER": "transaction"}


@pytest.fixture
def jobs_left_removed():
    """The worker, a process of its own, commits the periodic jobs it defers, and may end
    before running them; procrastinate's tables are not Django's to empty after a test, so
    those rows are removed here (a later test counts the jobs not done)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        (last_before,) = cursor.fetchone()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers WHERE job_id > %s", [last_before])
        cursor.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [last_before])


# transaction=True: what the processes commit (jobs, samples, the upkeep's watermarks) is
# removed after the test (tests/conftest.py), not left to the tests after it.
@pytest.mark.django_db(transaction=True)
def test_it_runs_procrastinates_worker_on_the_direct_url(jobs_left_removed):
    worker = manage("procrastinate", "worker", "--one-shot", env=_direct_env())
    assert worker.returncode == 0, worker.stderr[-3000:]


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_upkeep_on_the_direct_url():
    upkeep = manage("xat_aggregates", "maintain", env=_direct_env())
    assert upkeep.returncode == 0, upkeep.stderr[-3000:]
    assert "trickle sessions completed" in upkeep.stdout


@pytest.mark.django_db
def test_it_defers_a_job_on_djangos_connection_inside_the_callers_transaction():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        (before,) = cursor.fetchone()
        organization_job_defer(upload_ingest_job, organization_id=1, upload_id=1)
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        assert cursor.fetchone()[0] == before + 1  # seen inside this (the test's) transaction
