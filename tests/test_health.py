import subprocess

import pytest

from tests.conftest import ROOT, default_connection_to


@pytest.mark.django_db
def test_it_reports_version_and_edition(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy" and body["database"] == "connected"
    assert body["edition"] in ("apache", "timescale")
    assert body["timescaledb"].count(".") == 2


def test_it_answers_503_without_timescaledb_then_200_then_503_when_the_database_stops(
    client, spare_cluster, django_db_blocker
):
    socket_dir, port = spare_cluster
    psql = ["psql", "-h", str(socket_dir), "-p", port, "-U", "xat", "-d", "xat", "-qc"]
    subprocess.run([*psql, "DROP EXTENSION IF EXISTS timescaledb"], check=True)
    with django_db_blocker.unblock(), default_connection_to(HOST=str(socket_dir), PORT=port, NAME="xat"):
        missing = client.get("/health/")
        assert missing.status_code == 503
        assert {k: missing.json()[k] for k in ("status", "database", "timescaledb")} == {
            "status": "unhealthy", "database": "connected", "timescaledb": "missing"}

        subprocess.run([*psql, "CREATE EXTENSION timescaledb"], check=True)
        assert client.get("/health/").status_code == 200

        subprocess.run(["bash", ROOT / "scripts/pg.sh", "stop", socket_dir.parent, port], check=True)
        try:
            down = client.get("/health/")
        finally:
            subprocess.run(["bash", ROOT / "scripts/pg.sh", "start", socket_dir.parent, port], check=True,
                           capture_output=True)
    assert down.status_code == 503
    assert {k: down.json()[k] for k in ("status", "database")} == {"status": "unhealthy",
                                                                    "database": "error: OperationalError"}
    assert str(socket_dir) not in down.content.decode()
