import subprocess
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.conftest import ROOT


@contextmanager
def default_database_at(socket_dir, port):
    """Points Django's default connection at another cluster for the duration."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST=str(socket_dir), PORT=port, NAME="xat")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.django_db
def test_it_reports_version_and_edition(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["edition"] in ("apache", "timescale")
    assert body["timescaledb"].count(".") == 2


def test_it_answers_503_without_timescaledb_then_200_then_503_when_the_database_stops(
    client, spare_cluster, django_db_blocker
):
    socket_dir, port = spare_cluster
    psql = ["psql", "-h", str(socket_dir), "-p", port, "-U", "xat", "-d", "xat", "-qc"]
    subprocess.run([*psql, "DROP EXTENSION IF EXISTS timescaledb"], check=True)
    with django_db_blocker.unblock(), default_database_at(socket_dir, port):
        missing = client.get("/health/")
        assert missing.status_code == 503
        assert missing.json() == {"status": "error", "database": "ok", "timescaledb": "missing"}

        subprocess.run([*psql, "CREATE EXTENSION timescaledb"], check=True)
        assert client.get("/health/").status_code == 200

        subprocess.run(["bash", ROOT / "scripts/pg.sh", "stop", socket_dir.parent, port], check=True)
        try:
            down = client.get("/health/")
        finally:
            subprocess.run(["bash", ROOT / "scripts/pg.sh", "start", socket_dir.parent, port], check=True,
                           capture_output=True)
    assert down.status_code == 503
    assert down.json() == {"status": "error", "database": "unavailable"}
    assert str(socket_dir) not in down.content.decode()
