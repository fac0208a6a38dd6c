import subprocess

from tests.conftest import manage, spare_database


def test_it_migrates_an_empty_database(spare_cluster):
    env = spare_database(spare_cluster, "fresh")
    result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    unapplied = manage("migrate", "--check", env=env)
    assert unapplied.returncode == 0, unapplied.stdout
    doctor = manage("xat_doctor", env=env)
    assert doctor.returncode == 0, doctor.stderr


def test_it_has_a_migration_for_every_model_change():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout


def test_it_gives_existing_collectors_and_uploads_distinct_uuids(spare_cluster):
    socket_dir, port = spare_cluster

    def psql(*commands: str) -> str:
        arguments = ["psql", "-h", str(socket_dir), "-p", port, "-U", "xat", "-d", "upgraded", "-qAt"]
        for command in commands:
            arguments += ["-c", command]
        return subprocess.run(arguments, check=True, capture_output=True, text=True).stdout

    env = spare_database(spare_cluster, "upgraded")
    before = manage("migrate", "metrics", "0008", "--noinput", env=env)
    assert before.returncode == 0, before.stderr
    psql(
        "INSERT INTO accounts_organization (slug, name, created_at) VALUES ('acme', 'Acme', now())",
        "INSERT INTO metrics_collector (organization_id, name, description, identifier, hostname, os_name,"
        " os_version, kernel_version, processor_brand, cpu_model, storage_type, cloud_provider, region,"
        " instance_type, tags, created_at)"
        " SELECT o.id, n, '', '', '', '', '', '', '', '', '', '', '', '', '{}', now()"
        " FROM accounts_organization o, unnest(ARRAY['web-1', 'web-2']) AS n",
        "INSERT INTO metrics_upload (organization_id, created_at, file_name, size_bytes, sha256, format,"
        " compressed, result) SELECT id, now(), 'a.ndjson', 1, '', 'pcc', false, '{}' FROM accounts_organization",
    )
    after = manage("migrate", "--noinput", env=env)
    assert after.returncode == 0, after.stderr
    assert psql("SELECT count(DISTINCT uuid), count(*) FROM metrics_collector") == "2|2\n"
    assert psql("SELECT count(DISTINCT uuid), count(*) FROM metrics_upload") == "1|1\n"
    assert psql("SELECT vm_brand FROM metrics_collector LIMIT 1") == "unknown\n"
