"""A real TimescaleDB Community edition (TSL) engine for tests, beside the suite's Apache one.

`make test` runs against a throwaway cluster whose TimescaleDB is the Apache edition (no
continuous aggregates, compression, policies). The session fixture `tsl_database` starts
PGlite with TimescaleDB 2.23 *including TSL* (PostgreSQL 17 in WebAssembly, in memory;
tests/pglite/server.mjs, installed by scripts/bootstrap.sh with `npm ci`), registers it as a
second Django database alias, ``"tsl"``, and applies our migrations there. Tests can then
run the same SQL on both engines and compare (continuous-aggregate mode vs the Apache-mode
equivalent).

Registered for the whole suite by ``pytest_plugins`` in tests/conftest.py: request the
fixture by name. Use it like this::

    @pytest.mark.django_db(databases=["default", "tsl"], transaction=True)
    def test_same_answer(tsl_database):
        with connections[tsl_database.alias].cursor() as cursor:   # alias == "tsl"
            cursor.execute("CALL refresh_continuous_aggregate('cpu_1m', NULL, NULL)")
            ...

How the alias behaves
- It is added to ``settings.DATABASES`` / ``django.db.connections`` *after* pytest-django
  has created the test database (the fixture depends on ``django_db_setup``), so neither
  pytest-django nor Django creates, mirrors or destroys a test database on it: the engine is
  fresh for each session and dies with it. Its schema comes from ``migrate --database tsl``.
- Database access is blocked as usual: mark the test
  ``@pytest.mark.django_db(databases=["tsl"])`` (or ``["default", "tsl"]``), then use
  ``connections["tsl"]``, ``Model.objects.using("tsl")`` or ``tsl_database.cursor()``.
  Without ``transaction=True`` each test runs inside a transaction on each listed alias,
  rolled back at the end: fine for plain INSERT/SELECT. Statements that refuse a
  transaction block (``CALL refresh_continuous_aggregate``, ``CREATE MATERIALIZED VIEW ...
  WITH (timescaledb.continuous)`` with data, ``compress_chunk`` in some cases) need
  ``transaction=True``: the connection is then in autocommit mode, and Django flushes the
  alias's *Django* tables (TRUNCATE) after the test. Nothing cleans the raw hypertables or
  the views a test created: drop your views, and call ``tsl_database.truncate_hypertables()``
  (or use collector ids of your own) so tests don't see each other's rows.
- ONE CONNECTION AT A TIME: the engine has a single backend; a second connection waits
  (up to 60 s) until the first closes. Never open a psycopg connection of your own while
  Django's "tsl" connection is open; go through ``connections["tsl"]``. When a connection
  closes, the server rolls back what it left open and resets the session (DISCARD ALL).
- Limits of the engine: no ``COPY ... FROM STDIN`` (answered with SQLSTATE 0A000
  feature_not_supported by the server; in the raw engine it is a crash). It is slower
  than PostgreSQL (a few ms per small statement) and holds everything in memory: keep
  data small (tens to thousands of rows, multi-row INSERTs).
- If the engine dies, the test that was using it fails with the engine's stderr, and so
  does the session's teardown; the remaining tests on the alias fail with connection errors.
"""

import atexit
import os
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PGLITE_DIR = ROOT / "tests" / "pglite"
SERVER = PGLITE_DIR / "server.mjs"
ALIAS = "tsl"
START_TIMEOUT = float(os.environ.get("XAT_TSL_START_TIMEOUT", "60"))


@dataclass
class TslDatabase:
    """What `tsl_database` yields."""

    alias: str  # the Django database alias: connections[alias]
    edition: str  # SHOW timescaledb.license: "timescale" (TSL)
    timescaledb: str  # the extension's version
    postgresql: str  # server_version
    port: int
    start_seconds: float  # from spawning node to `ready`
    process: subprocess.Popen = field(repr=False)
    log_path: Path = field(repr=False)

    @property
    def is_tsl(self) -> bool:
        return self.edition == "timescale"

    def cursor(self):
        """A cursor of Django's connection to the engine (use it in a `with`)."""
        from django.db import connections

        return connections[self.alias].cursor()

    def stderr(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def check(self) -> None:
        """Fails the current test if the engine has died, with what it printed."""
        if not self.alive():
            pytest.fail(_died(self.process.returncode, self.stderr()), pytrace=False)

    def memory_kib(self) -> int | None:
        """Resident memory of the node process (Linux), in KiB."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def truncate_hypertables(self) -> None:
        """Empties every hypertable of the public schema (our raw sample tables); the
        continuous aggregates over them see it at their next refresh."""
        with self.cursor() as cursor:
            cursor.execute(
                "SELECT format('%I.%I', hypertable_schema, hypertable_name) "
                "FROM timescaledb_information.hypertables WHERE hypertable_schema = 'public'"
            )
            names = [name for (name,) in cursor.fetchall()]
            if names:
                cursor.execute("TRUNCATE " + ", ".join(names))


def _died(returncode, stderr: str) -> str:
    return (
        f"The PGlite TSL engine (tests/pglite/server.mjs) died with exit status {returncode}. "
        f"Its stderr:\n{stderr[-8000:]}"
    )


def _start_engine(log_path: Path) -> tuple[subprocess.Popen, int, float]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("tsl_database: `node` is not installed (Node.js 20 is needed for tests/pglite)", pytrace=False)
    if not (PGLITE_DIR / "node_modules" / "@unni-craftsman" / "pglite").is_dir():
        pytest.fail(
            "tsl_database: tests/pglite/node_modules is missing: run `bash scripts/bootstrap.sh` "
            "(it runs `npm ci` there)",
            pytrace=False,
        )
    started = time.monotonic()
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [node, str(SERVER), "0"],  # 0: the server binds a free port and says which
        cwd=PGLITE_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,  # a Ctrl-C at the terminal reaches pytest, which stops it
    )
    log.close()
    atexit.register(_kill, process)
    lines: queue.Queue = queue.Queue()

    def read_stdout():
        for raw in process.stdout:
            lines.put(raw.decode(errors="replace").strip())
        lines.put(None)

    threading.Thread(target=read_stdout, name="pglite-stdout", daemon=True).start()
    deadline = started + START_TIMEOUT
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            _kill(process)
            pytest.fail(
                f"tsl_database: no `ready` from tests/pglite/server.mjs within {START_TIMEOUT:.0f} s. "
                f"Its stderr:\n{log_path.read_text(errors='replace')[-8000:]}",
                pytrace=False,
            )
        if line is None:
            process.wait(timeout=10)
            pytest.fail("tsl_database: " + _died(process.returncode, log_path.read_text(errors="replace")),
                        pytrace=False)
        if line.startswith("ready "):
            return process, int(line.split()[1]), time.monotonic() - started


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: the server closes the socket and the engine, exits 0
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _kill(process)


def _register_alias(port: int) -> None:
    from django.conf import settings
    from django.db import connections

    options = {"sslmode": "disable", "connect_timeout": 10}
    for same in ("server_side_binding", "prepare_threshold"):  # bind parameters as "default" does
        if same in settings.DATABASES["default"].get("OPTIONS", {}):
            options[same] = settings.DATABASES["default"]["OPTIONS"][same]
    config = {
        # Same backend as "default" (django-timescaledb: plain PostgreSQL + the extension).
        "ENGINE": settings.DATABASES["default"]["ENGINE"],
        "NAME": "postgres",  # any name: the engine has one database (it calls it template1)
        "USER": "postgres",
        "PASSWORD": "tsl",  # any password is accepted
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "OPTIONS": options,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TEST": {"MIGRATE": False},  # never a test database of its own (the alias is added late anyway)
    }
    settings.DATABASES[ALIAS] = config
    connections.settings[ALIAS] = config  # usually the same dict as settings.DATABASES
    connections.configure_settings(connections.settings)  # fills Django's defaults


def _unregister_alias() -> None:
    from django.conf import settings
    from django.db import connections

    try:
        connections[ALIAS].close()
    except Exception:  # noqa: BLE001 - the engine may be gone
        pass
    try:
        del connections[ALIAS]
    except AttributeError:
        pass
    connections.settings.pop(ALIAS, None)
    settings.DATABASES.pop(ALIAS, None)


@pytest.fixture(scope="session")
def tsl_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """Starts the PGlite TSL engine, registers it as Django alias "tsl", migrates it, and
    yields a TslDatabase (alias, edition, versions, port, start time). See the module doc."""
    from django.core.management import call_command
    from django.db import connections

    log_path = tmp_path_factory.mktemp("pglite-tsl") / "server.log"
    process, port, start_seconds = _start_engine(log_path)
    try:
        _register_alias(port)
        with django_db_blocker.unblock():
            try:
                call_command("migrate", database=ALIAS, interactive=False, verbosity=0)
                with connections[ALIAS].cursor() as cursor:
                    cursor.execute(
                        "SELECT current_setting('timescaledb.license'), extversion, current_setting('server_version') "
                        "FROM pg_extension WHERE extname = 'timescaledb'"
                    )
                    edition, version, postgresql = cursor.fetchone()
            except Exception:
                if process.poll() is not None:
                    pytest.fail("tsl_database: migrate failed. " + _died(process.returncode, log_path.read_text()),
                                pytrace=False)
                raise
            finally:
                connections[ALIAS].close()  # one connection at a time: leave the engine free
        if edition != "timescale":
            pytest.fail(f"tsl_database: the engine's timescaledb.license is {edition!r}, not 'timescale'",
                        pytrace=False)
        engine = TslDatabase(ALIAS, edition, version, postgresql, port, start_seconds, process, log_path)
        yield engine
    finally:
        crashed = process.poll()
        _unregister_alias()
        _stop(process)
    if crashed is not None:
        pytest.fail("tsl_database (session end): " + _died(crashed, log_path.read_text(errors="replace")),
                    pytrace=False)


def pytest_collection_modifyitems(items):
    """A test marked django_db(databases=[..., "tsl"]) gets the engine even if it does not
    name `tsl_database`, and before pytest-django sets up its database access (which needs
    the alias to exist)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not hasattr(item, "fixturenames"):
            continue
        databases = marker.kwargs.get("databases", marker.args[2] if len(marker.args) > 2 else None)
        uses_tsl = databases is not None and not isinstance(databases, str) and ALIAS in databases
        if uses_tsl or "tsl_database" in item.fixturenames:
            if "tsl_database" in item.fixturenames:
                item.fixturenames.remove("tsl_database")
            item.fixturenames.insert(0, "tsl_database")


@pytest.fixture(autouse=True)
def _tsl_engine_watch(request):
    """For tests that use tsl_database: fail loudly, with the engine's stderr, if the engine
    died during the test (the test itself sees only a lost connection)."""
    if "tsl_database" not in request.fixturenames:
        yield
        return
    engine = request.getfixturevalue("tsl_database")
    yield
    engine.check()
