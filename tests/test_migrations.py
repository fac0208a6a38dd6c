import subprocess

from tests.conftest import manage


def test_it_migrates_an_empty_database(spare_cluster):
    socket_dir, port = spare_cluster
    subprocess.run(["psql", "-h", str(socket_dir), "-p", port, "-U", "xat", "-d", "postgres", "-q",
                    "-c", "DROP DATABASE IF EXISTS fresh", "-c", "CREATE DATABASE fresh"], check=True)
    env = {"PGHOST": str(socket_dir), "PGPORT": port, "PGDATABASE": "fresh"}
    result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    unapplied = manage("migrate", "--check", env=env)
    assert unapplied.returncode == 0, unapplied.stdout
    doctor = manage("xat_doctor", env=env)
    assert doctor.returncode == 0, doctor.stderr


def test_it_has_a_migration_for_every_model_change():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout
