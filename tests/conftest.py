import http.client
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

# Each test's tier (markers in pyproject.toml), given here unless the test names its own:
# `system` for what starts servers, clusters, engines or browsers, or commits
# (transaction=True), by the fixtures and folders below; `db` for tests rolled back on the
# real database; `unit` for the rest (pytest-django refuses them the database).
# `make test-fast` runs unit and db.
TIERS = ("unit", "db", "system")
SYSTEM_FIXTURES = {"spare_cluster", "tsl_database", "transactional_db", "live_server", "agent_service"}
SYSTEM_FOLDERS = {"faults", "fuzz", "bench", "scaling"}
# Modules that start processes (an agent, manage.py, gunicorn) or clusters for some tests.
SYSTEM_MODULES = {"agent/test_agent_demo.py", "agent/test_agent_errors.py", "analytics/test_sql_role_command.py",
                  "perfdash/test_browser.py", "perfdash/test_cors.py", "schema/test_upgrade.py", "test_doctor.py",
                  "test_proxy.py", "test_run_stop.py", "test_settings.py"}


@pytest.fixture(scope="session")
def spare_cluster(tmp_path_factory):
    """A second, private PostgreSQL+TimescaleDB cluster that a test may stop or break
    without touching the suite's own database. Yields (socket dir, port)."""
    directory = tmp_path_factory.mktemp("spare-pg", numbered=True)
    # Short path: a Unix socket path must fit in 107 bytes.
    short = Path(f"/tmp/xat-spare-{os.getpid()}")
    short.mkdir(exist_ok=True)
    os.chmod(directory, 0o755)
    port = free_port()
    env = {**os.environ, "XAT_PG_THROWAWAY": "1"}
    subprocess.run(["bash", ROOT / "scripts/pg.sh", "start", short, port], check=True, env=env, capture_output=True)
    yield short / "run", port
    subprocess.run(["bash", ROOT / "scripts/pg.sh", "stop", short, port], capture_output=True)
    subprocess.run(["rm", "-rf", short])


def spare_database(spare_cluster, name: str) -> dict:
    """A new, empty database `name` on the spare cluster (dropped first if it exists); the
    environment that points `manage(...)` at it."""
    socket_dir, port = spare_cluster
    subprocess.run(["psql", "-h", str(socket_dir), "-p", port, "-U", "xat", "-d", "postgres", "-q",
                    "-c", f'DROP DATABASE IF EXISTS "{name}"', "-c", f'CREATE DATABASE "{name}"'], check=True)
    return {"PGHOST": str(socket_dir), "PGPORT": port, "PGDATABASE": name}


def free_port() -> str:
    """A TCP port of 127.0.0.1 nobody listens on (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


@contextmanager
def gunicorn_serving(*, env: dict, log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn as deployed (xat/gunicorn_conf.py: threaded workers, its timeouts) on a free
    port of 127.0.0.1, with env added to this process's environment (the database's PG*
    settings, WEB_CONCURRENCY, limits); its output in log. Yields (port, gunicorn's master
    process) once /health/ answers 200; stops it with its workers on the way out."""
    port = free_port()
    with _serving([sys.executable, "-m", "gunicorn", "-c", "xat/gunicorn_conf.py", "xat.wsgi"], port=port,
                  env={"XAT_BIND": f"127.0.0.1:{port}", **env}, log=log) as master:
        yield port, master


@contextmanager
def agent_service_serving(*, env: dict, log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """The agent service as deployed (python -m metrics.agent_service: uvicorn's master and
    XAT_AGENT_WORKERS workers), as gunicorn_serving serves gunicorn (/health/ is answered by
    Django's handler inside it)."""
    port = free_port()
    with _serving([sys.executable, "-m", "metrics.agent_service"], port=port,
                  env={"XAT_AGENTS_BIND": f"127.0.0.1:{port}", **env}, log=log) as master:
        yield port, master


@contextmanager
def _serving(command: list[str], *, port: str, env: dict, log: Path) -> Iterator[subprocess.Popen]:
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "XAT_ACCESS_LOG": "0", **env},
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _answers_health(port):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


def _answers_health(port: str) -> bool:
    server = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    try:
        server.request("GET", "/health/")
        return server.getresponse().status == 200
    except OSError:
        return False
    finally:
        server.close()


def another_session(*, autocommit: bool = False) -> psycopg.Connection:
    """A second session on the suite's database, beside Django's connection: to hold a
    lock a request must wait for, or to end the request's connection."""
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                           dbname=settings["NAME"], autocommit=autocommit)


@contextmanager
def default_connection_to(**settings):
    """Serves the whole request path (ORM, named queries) from another database for a while:
    Django's default connection with some of its settings replaced."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(settings)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def manage(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs ./manage.py in a child process (for commands that must see other settings)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(autouse=True)
def _samples_emptied_after_transactional_tests(request, django_db_blocker):
    """A transaction=True test commits; Django then empties its own tables only. Empty the
    sample hypertables and the aggregates' bookkeeping too, so later tests start clean."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")) or "default" not in marker.kwargs.get("databases", ["default"]):
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', hypertable_schema, hypertable_name) FROM timescaledb_information.hypertables"
            " WHERE hypertable_schema IN ('public', 'aggregate_store')"
        )
        tables = [name for (name,) in cursor.fetchall()] + ["aggregate_invalidation"]
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        cursor.execute("UPDATE aggregate_watermark SET materialized_until = DEFAULT, pending_until = DEFAULT")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests create many users: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(items):
    for item in items:
        if not any(marker.name in TIERS for marker in item.iter_markers()):
            item.add_marker(_tier(item))


def _tier(item) -> str:
    path = Path(item.fspath).relative_to(TESTS)
    django_db = item.get_closest_marker("django_db")
    if (path.parts[0] in SYSTEM_FOLDERS or path.as_posix() in SYSTEM_MODULES
            or SYSTEM_FIXTURES & set(item.fixturenames) or (django_db and django_db.kwargs.get("transaction"))):
        return "system"
    return "db" if django_db or {"db", "django_user_model"} & set(item.fixturenames) else "unit"


# The PGlite TimescaleDB-TSL engine as Django alias "tsl": the `tsl_database` fixture (tests/tsl.py).
pytest_plugins = ["tests.tsl"]
