import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def spare_cluster(tmp_path_factory):
    """A second, private PostgreSQL+TimescaleDB cluster that a test may stop or break
    without touching the suite's own database. Yields (socket dir, port)."""
    directory = tmp_path_factory.mktemp("spare-pg", numbered=True)
    # Short path: a Unix socket path must fit in 107 bytes.
    short = Path(f"/tmp/xat-spare-{os.getpid()}")
    short.mkdir(exist_ok=True)
    os.chmod(directory, 0o755)
    port = str(56000 + os.getpid() % 1000)
    env = {**os.environ, "XAT_PG_THROWAWAY": "1"}
    subprocess.run(["bash", ROOT / "scripts/pg.sh", "start", short, port], check=True, env=env, capture_output=True)
    yield short / "run", port
    subprocess.run(["bash", ROOT / "scripts/pg.sh", "stop", short, port], capture_output=True)
    subprocess.run(["rm", "-rf", short])


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
def fast_password_hasher(settings):
    """Tests create many users: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The PGlite TimescaleDB-TSL engine as Django alias "tsl": the `tsl_database` fixture (tests/tsl.py).
pytest_plugins = ["tests.tsl"]
