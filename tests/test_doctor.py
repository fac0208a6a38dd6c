import subprocess

import pytest
from django.db import connection

from tests.conftest import manage


@pytest.mark.django_db
def test_it_names_the_edition_and_the_aggregate_mode():
    result = manage("xat_doctor", env={"PGDATABASE": connection.settings_dict["NAME"]})
    assert result.returncode == 0, result.stderr
    assert "Edition:" in result.stdout
    edition_line = next(line for line in result.stdout.splitlines() if line.startswith("Edition:"))
    assert "apache" in edition_line or "timescale" in edition_line
    assert "Aggregate mode:" in result.stdout


def test_it_fails_when_timescaledb_is_missing(spare_cluster):
    socket_dir, port = spare_cluster
    subprocess.run(["psql", "-h", str(socket_dir), "-p", port, "-U", "xat", "-d", "postgres", "-q",
                    "-c", "DROP DATABASE IF EXISTS plain", "-c", "CREATE DATABASE plain"], check=True)
    result = manage("xat_doctor", env={"PGHOST": str(socket_dir), "PGPORT": port, "PGDATABASE": "plain"})
    assert result.returncode != 0
    assert "TimescaleDB is not installed" in result.stderr
