import json
import secrets

from tests.conftest import manage

STRONG_KEY = secrets.token_urlsafe(50)


def test_it_refuses_production_without_a_secret_key():
    result = manage("check", env={"XAT_MODE": "production", "SECRET_KEY": "", "ALLOWED_HOSTS": "xat.example"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_a_weak_secret_key_in_production():
    result = manage("check", env={"XAT_MODE": "production", "SECRET_KEY": "django-insecure-abc", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_it_passes_the_deployment_checklist_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    env={"XAT_MODE": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "xat.example"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_reads_debug_strictly():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe'" in result.stderr


def test_it_refuses_debug_in_production():
    result = manage("check", env={"XAT_MODE": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "xat.example",
                                  "DEBUG": "1"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG is on in production mode" in result.stderr


def test_it_reads_the_primary_from_database_url():
    result = manage("shell", "-c", "import json; from django.conf import settings; "
                    "print(json.dumps(settings.DATABASES['default']))",
                    env={"DATABASE_URL": "postgresql://xat:s%40cret@db:5433/metrics?sslmode=require"})
    assert result.returncode == 0, result.stderr
    primary = json.loads(result.stdout.splitlines()[-1])
    assert (primary["HOST"], primary["PORT"], primary["USER"], primary["PASSWORD"], primary["NAME"]) == (
        "db", "5433", "xat", "s@cret", "metrics")
    assert primary["OPTIONS"]["sslmode"] == "require"


def test_it_reads_replicas_in_database_urls_form():
    result = manage("shell", "-c", "import json; from django.conf import settings; print(json.dumps("
                    "{alias: settings.DATABASES[alias] for alias in settings.XAT_REPLICA_ALIASES}))",
                    env={"DATABASE_REPLICA_URLS": "postgresql://reader:s%40cret@db-r1:5433/xat?sslmode=require,"
                                                  " postgresql://xat@/xat?host=/srv/r2/run&port=54330"})
    assert result.returncode == 0, result.stderr
    replicas = json.loads(result.stdout.splitlines()[-1])
    assert list(replicas) == ["replica1", "replica2"]
    first, second = replicas["replica1"], replicas["replica2"]
    assert (first["HOST"], first["PORT"], first["USER"], first["PASSWORD"], first["NAME"]) == (
        "db-r1", "5433", "reader", "s@cret", "xat")
    assert (second["HOST"], second["PORT"]) == ("/srv/r2/run", "54330")
    # The primary's options, a short connect timeout, the URL's own options last.
    assert first["OPTIONS"] == {"connect_timeout": 2, "server_side_binding": True, "prepare_threshold": 5,
                                "sslmode": "require"}
    assert first["TEST"]["MIRROR"] == second["TEST"]["MIRROR"] == "default"


def test_it_reaches_replicas_directly_when_the_primary_is_behind_a_transaction_pooler():
    result = manage("shell", "-c", "import json; from django.conf import settings; print(json.dumps("
                    "[settings.DATABASES[alias] for alias in ('default', 'replica1')]))",
                    env={"DATABASE_REPLICA_URLS": "postgresql://xat@db-r1/xat", "XAT_DB_POOLER": "transaction"})
    assert result.returncode == 0, result.stderr
    primary, replica = json.loads(result.stdout.splitlines()[-1])
    assert (primary["DISABLE_SERVER_SIDE_CURSORS"], primary["OPTIONS"]["prepare_threshold"]) == (True, None)
    assert (replica["DISABLE_SERVER_SIDE_CURSORS"], replica["OPTIONS"]["prepare_threshold"]) == (False, 5)


def test_it_refuses_a_replica_check_interval_not_below_the_lag_bound():
    result = manage("check", env={"DATABASE_REPLICA_URLS": "postgresql://xat@db-r1/xat",
                                  "XAT_REPLICA_MAX_LAG_SECONDS": "2", "XAT_REPLICA_CHECK_SECONDS": "2"})
    assert result.returncode != 0
    assert "XAT_REPLICA_CHECK_SECONDS=2 must be below XAT_REPLICA_MAX_LAG_SECONDS=2" in result.stderr
