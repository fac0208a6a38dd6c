"""The web nodes behind PgBouncer (Debian's, transaction pooling: deploy/pgbouncer/pooling.ini)
with XAT_DB_POOLER=transaction: the perf-dashboard contract suite passes through it, and
agents' replays and charts through gunicorn on it, at once, are answered right."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Role

from tests.conftest import ROOT, gunicorn_serving
from tests.faults.stage import agent_post
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of
from tests.personas import member_make
from tests.scaling.pgbouncer import pgbouncer_serving, pgbouncer_stats

AGENTS = 4
POOLED = "pooled"  # the contract suite's own database (pytest-django's test_pooled), beside this suite's
# Left out: they shorten lock_timeout with a SET on their own connection, for the next
# statement, which a transaction pooler may run on another server connection (then they
# wait forever). A device of these tests only: XAT sets nothing per session.
SESSION_SET_TESTS = (
    "tests/perfdash/test_trickle_sessions.py::"
    "test_it_stores_neither_ticks_nor_session_when_the_session_cannot_be_written",
    "tests/perfdash/test_agent_metrics.py::test_it_answers_a_database_failure_with_503_and_no_detail",
)


@pytest.fixture(scope="module")
def bouncer(django_db_setup, django_db_blocker) -> str:
    database = connection.settings_dict
    with pgbouncer_serving(host=database["HOST"], port=str(database["PORT"])) as port:
        yield port


def test_it_passes_the_perf_dashboard_contract_suite_through_pgbouncer(bouncer):
    database = connection.settings_dict
    env = {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": bouncer, "PGDATABASE": POOLED, "XAT_DB_POOLER": "transaction"}
    env.pop("PGPREPARE_THRESHOLD", None)
    try:
        # --reuse-db: pytest-django would drop its database at the end, which PgBouncer's
        # server connections still hold; it is dropped below.
        suite = subprocess.run([sys.executable, "-m", "pytest", "tests/perfdash", "-q", "-p", "no:cacheprovider",
                                "--reuse-db", "--ignore=tests/perfdash/test_browser.py",
                                *(f"--deselect={test}" for test in SESSION_SET_TESTS)],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        stats = pgbouncer_stats(bouncer)
    finally:
        with psycopg.connect(host=database["HOST"], port=database["PORT"], user=database["USER"], dbname="postgres",
                             autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS test_{POOLED} WITH (FORCE)")
    assert suite.returncode == 0, suite.stdout[-6000:] + suite.stderr[-3000:]
    assert " passed" in suite.stdout.splitlines()[-1], suite.stdout[-500:]
    assert int(stats[f"test_{POOLED}"]["total_xact_count"]) > 1000  # through PgBouncer, not around it


@pytest.mark.django_db(transaction=True)
def test_agents_and_charts_at_once_through_gunicorn_on_pgbouncer(bouncer, tmp_path):
    """AGENTS agents replay a capture at once, then AGENTS readers ask for every chart of
    theirs at once: their transactions take turns on PgBouncer's server connections, which
    a prepared statement would not survive (the charts' are prepared at their first run,
    unless prepared statements are off: xat/sqlfiles.py). Every answer 200, pcprocess's
    values stored, every chart holding the capture's ticks."""
    capture = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")
    ticks = capture_ticks(capture)
    organization, key = organization_with_ingest_key("pooled-agents")
    viewer = {"Authorization": f"Bearer {AccessToken.for_user(member_make(organization, Role.VIEWER))}",
              "X-Organization": organization.slug}
    name = connection.settings_dict["NAME"]
    env = {"PGHOST": "127.0.0.1", "PGPORT": bouncer, "PGDATABASE": name, "XAT_DB_POOLER": "transaction",
           "SECRET_KEY": settings.SECRET_KEY, "WEB_CONCURRENCY": "1"}
    before = int(pgbouncer_stats(bouncer).get(name, {}).get("total_xact_count", 0))
    window = (f"start={datetime.fromtimestamp(ticks[0][0]['timestamp'], UTC).isoformat()}"
              f"&end={datetime.fromtimestamp(ticks[-1][0]['timestamp'], UTC).isoformat()}").replace("+", "%2B")

    def agent(identifier: str) -> list:
        return [agent_post(port, key, envelope(identifier, tick)) for tick in ticks]

    def reader(collector: int) -> list:
        return [agent_post(port, None, b"", method="GET", **viewer,
                           path=f"/api/dashboard/collectors/{collector}/{family}/?{window}")
                for _ in range(3) for family in ("cpu", "memory", "disk", "network", "filesystem", "summary")]

    identifiers = [f"pooled-{number}" for number in range(AGENTS)]
    with gunicorn_serving(env=env, log=tmp_path / "gunicorn.log") as (port, _), ThreadPoolExecutor(AGENTS) as pool:
        stored = [answer for replay in pool.map(agent, identifiers) for answer in replay]
        # Looked up here: a pool thread's query would open a connection of its own, left open.
        collectors = [collector_id_of(identifier) for identifier in identifiers]
        charts = [answer for reads in pool.map(reader, collectors) for answer in reads]
    for answers in (stored, charts):
        assert [answer.status for answer in answers] == [200] * len(answers), (
            [answer for answer in answers if answer.status != 200][:3], (tmp_path / "gunicorn.log").read_text()[-2000:])
    assert all(answer.body.get("timestamps", True) for answer in charts)  # summaries have none
    assert int(pgbouncer_stats(bouncer)[name]["total_xact_count"]) - before >= len(stored) + len(charts)  # through it
    for identifier in identifiers:
        assert assert_stored_matches_oracle(capture, collector_id_of(identifier)) > 1000
