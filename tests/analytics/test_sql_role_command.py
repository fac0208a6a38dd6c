"""./manage.py xat_sql_role, run as a child process against the test database (its changes
are committed, as an administrator's would be)."""

import psycopg
import pytest
from django.db import connection

from tests.conftest import manage

pytestmark = pytest.mark.django_db
ROLE = "analytics_acme_cli"


def _xat_sql_role(*args):
    return manage("xat_sql_role", *args, env={"PGDATABASE": connection.settings_dict["NAME"]})


def _dsn(output: str) -> str:
    (line,) = [line for line in output.splitlines() if line.startswith("postgresql://")]
    return line


def _who(dsn: str) -> tuple:
    with psycopg.connect(dsn, connect_timeout=10) as conn:
        return conn.execute("SELECT current_user, count(*) FROM analytics.hosts").fetchone()


def test_it_creates_lists_rotates_and_revokes_a_role(analytics_data):
    created = _xat_sql_role("create", analytics_data.acme.organization.slug, ROLE, "--statement-timeout", "30",
                            "--connection-limit", "3")
    try:
        assert created.returncode == 0, created.stderr
        first = _dsn(created.stdout)
        assert first.startswith(f"postgresql://{ROLE}:") and "127.0.0.1" in first
        assert _who(first) == (ROLE, 2)

        listed = _xat_sql_role("list")
        (line,) = [line for line in listed.stdout.splitlines() if line.startswith(ROLE)]
        assert line.split()[1:5] == ["analytics-acme", "30s", "3", "0"]

        rotated = _xat_sql_role("rotate-password", ROLE)
        assert rotated.returncode == 0, rotated.stderr
        second = _dsn(rotated.stdout)
        assert second != first
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            _who(first)
        assert _who(second) == (ROLE, 2)

        with psycopg.connect(second, autocommit=True) as session:
            revoked = _xat_sql_role("revoke", ROLE)
            assert revoked.returncode == 0, revoked.stderr
            assert "1 open session(s) ended" in revoked.stdout
            with pytest.raises(psycopg.OperationalError):
                session.execute("SELECT count(*) FROM analytics.hosts")
    finally:
        _xat_sql_role("revoke", ROLE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", [ROLE])
        assert cursor.fetchone() == (0,)
    assert ROLE not in _xat_sql_role("list").stdout


@pytest.mark.parametrize(("args", "message"), [
    (("create", "no-such-organization", "analytics_nobody"), "no organization"),
    (("create", "analytics-acme", "Bad-Name"), "role name"),
    (("create", "analytics-acme", "pg_reader"), "role name"),
    (("create", "analytics-acme", "xat"), "already exists"),
    (("revoke", "xat"), "not an analytics role"),
    (("rotate-password", "xat"), "not an analytics role"),
])
def test_it_refuses_what_it_must_not_do(analytics_data, args, message):
    result = _xat_sql_role(*args)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'xat'")
        assert cursor.fetchone() == (True,)
