"""A real hot standby of the suite's cluster (scripts/pg.sh replica-start: pg_basebackup -R
on a port of its own), and gunicorn serving the test database with that standby as its
read replica (DATABASE_REPLICA_URLS). The test database streams to the standby like every
other: what a test commits on the primary reaches it."""

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.conftest import ROOT, free_port, gunicorn_serving

# The test's lag bound and health-check interval: small, so that the tests wait seconds.
MAX_LAG_SECONDS = 6
CHECK_SECONDS = 4


@dataclass
class Standby:
    folder: Path
    port: str
    primary_socket: str
    primary_port: str
    database: str

    def start(self) -> None:
        subprocess.run(["bash", ROOT / "scripts/pg.sh", "replica-start", self.folder, self.port, self.primary_socket,
                        self.primary_port], check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run(["bash", ROOT / "scripts/pg.sh", "stop", self.folder, self.port], check=True,
                       capture_output=True)

    def session(self) -> psycopg.Connection:
        return psycopg.connect(host=str(self.folder / "run"), port=self.port, user="xat", dbname=self.database,
                               autocommit=True)

    def url(self) -> str:
        return f"postgresql://xat@/{self.database}?host={self.folder / 'run'}&port={self.port}"

    def wait_replayed(self, timeout: float = 30) -> None:
        """Until the standby has replayed everything the primary had written when called."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
            (position,) = cursor.fetchone()
        deadline = time.monotonic() + timeout
        with self.session() as standby:
            while not standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]).fetchone()[0]:
                assert time.monotonic() < deadline, "the standby did not replay the primary's WAL"
                time.sleep(0.1)


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    database = connection.settings_dict
    # Short: a Unix socket's path must fit in 107 bytes.
    folder = Path(f"/tmp/xat-standby-{os.getpid()}")
    shutil.rmtree(folder, ignore_errors=True)
    made = Standby(folder, free_port(), database["HOST"], str(database["PORT"]), database["NAME"])
    made.start()
    try:
        yield made
    finally:
        subprocess.run(["bash", ROOT / "scripts/pg.sh", "stop", folder, made.port], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def replaying(standby):
    """The standby running and replaying, at the start of a test and after it."""
    def restore():
        standby.start()
        with standby.session() as session:
            session.execute("SELECT pg_wal_replay_resume()")
    restore()
    yield standby
    restore()


@dataclass
class Web:
    port: str
    log: Path


@pytest.fixture(scope="module")
def web(standby, tmp_path_factory):
    """gunicorn (one process: one health cache) on the test database, the standby its replica."""
    database = connection.settings_dict
    env = {"PGHOST": database["HOST"], "PGPORT": str(database["PORT"]), "PGUSER": database["USER"],
           "PGDATABASE": database["NAME"], "WEB_CONCURRENCY": "1",
           "DATABASE_REPLICA_URLS": standby.url(), "XAT_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
           "XAT_REPLICA_CHECK_SECONDS": str(CHECK_SECONDS)}
    log = tmp_path_factory.mktemp("replicas") / "gunicorn.log"
    with gunicorn_serving(env=env, log=log) as (port, _):
        yield Web(port, log)
