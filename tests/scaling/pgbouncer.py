"""Debian's PgBouncer in transaction pooling (deploy/pgbouncer/pooling.ini, as compose runs
it) in front of the suite's cluster, on a free port of 127.0.0.1.

    pgbouncer_serving(*, host, port) -> port            while the block runs
    pgbouncer_stats(port) -> {database: {column: value}}  its SHOW STATS
"""

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.conftest import ROOT, free_port

POOLING = ROOT / "deploy" / "pgbouncer" / "pooling.ini"
USER = "xat"  # the suite's cluster's role (scripts/pg.sh), trusted on its socket


@contextmanager
def pgbouncer_serving(*, host: str, port: str) -> Iterator[str]:
    """Clients log in as USER (listed in a userlist; trusted, as the cluster's socket trusts
    it) to any database name, which PgBouncer connects to on the cluster's socket `host`.
    USER is also its admin (the `pgbouncer` database: SHOW STATS). Its files in a folder of
    /tmp (pytest's are closed to the user it runs as), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="xat-pgbouncer-"))
    listen = free_port()
    (folder / "userlist.txt").write_text(f'"{USER}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={host} port={port}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {listen}\n"
        f"unix_socket_dir =\nauth_type = trust\nauth_file = {folder / 'userlist.txt'}\nadmin_users = {USER}\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n%include {POOLING}\n")
    command = [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: as the cluster's owner (scripts/pg.sh)
        shutil.chown(folder, "postgres")
        command[1:1] = ["-u", "postgres"]
    bouncer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not _answers(listen):
            assert bouncer.poll() is None and time.monotonic() < deadline, _log(folder)
            time.sleep(0.1)
        yield listen
    finally:
        bouncer.terminate()
        bouncer.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def pgbouncer_stats(port: str) -> dict[str, dict]:
    """SHOW STATS on PgBouncer's admin console (simple query protocol only: psql's)."""
    output = subprocess.run(["psql", "-h", "127.0.0.1", "-p", port, "-U", USER, "-d", "pgbouncer", "-AF", "\t",
                             "-c", "SHOW STATS"], check=True, capture_output=True, text=True).stdout.splitlines()
    header = output[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in output[1:] if "\t" in line]
    return {row["database"]: row for row in rows}


def _answers(port: str) -> bool:
    try:
        with psycopg.connect(host="127.0.0.1", port=port, user=USER, dbname="postgres", connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _log(folder: Path) -> str:
    log = folder / "pgbouncer.log"
    return log.read_text()[-2000:] if log.exists() else "PgBouncer wrote no log"
