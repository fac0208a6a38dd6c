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


def _psql(spare_cluster, database: str, *commands: str) -> str:
    socket_dir, port = spare_cluster
    arguments = ["psql", "-h", str(socket_dir), "-p", port, "-U", "xat", "-d", database, "-qAt"]
    for command in commands:
        arguments += ["-c", command]
    return subprocess.run(arguments, check=True, capture_output=True, text=True).stdout


def test_it_gives_existing_collectors_and_uploads_distinct_uuids(spare_cluster):
    def psql(*commands: str) -> str:
        return _psql(spare_cluster, "upgraded", *commands)

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


def test_it_gives_the_upload_content_type_and_its_permissions_to_the_uploads_app(spare_cluster):
    """Upload left metrics for its own app (metrics 0016_uploads_move_out): its content type
    is the same row, relabelled, so the permissions and admin history that name it follow."""
    def psql(*commands: str) -> str:
        return _psql(spare_cluster, "moved", *commands)

    env = spare_database(spare_cluster, "moved")
    before = manage("migrate", "metrics", "0014", "--noinput", env=env)
    assert before.returncode == 0, before.stderr
    content_type = psql("SELECT id FROM django_content_type WHERE app_label = 'metrics' AND model = 'upload'").strip()
    permissions = psql(f"SELECT count(*) FROM auth_permission WHERE content_type_id = {content_type}")
    assert content_type and permissions == "4\n"
    after = manage("migrate", "--noinput", env=env)
    assert after.returncode == 0, after.stderr
    assert psql("SELECT id, app_label FROM django_content_type WHERE model = 'upload'") == f"{content_type}|uploads\n"
    assert psql(f"SELECT count(*) FROM auth_permission WHERE content_type_id = {content_type}") == permissions
