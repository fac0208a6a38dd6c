"""Analysts' SQL access: PostgreSQL login roles that read the `analytics` views of one
organization (sql/schema/0006_analytics.sql says why the isolation holds; docs/analytics.md
is the analysts' guide). `./manage.py xat_sql_role` is the front end.

A role is mapped to its organization in analytics_private.role; every analytics view keeps
only the rows of the organization mapped to session_user. The role itself has no attribute
and no membership, only CONNECT, USAGE on schema analytics and SELECT on its views. Its
password is sent to the server as a SCRAM-SHA-256 verifier, so the clear text never reaches
the server (nor its statement log); it is shown once, in the connection string.
"""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.db import InternalError, connections, transaction
from psycopg import sql

from accounts.models import Organization
from xat import sqlfiles

_ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{2,62}$")
_SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)


class SqlRoleError(ValueError):
    """A request the command refuses, with a message that says why."""


@dataclass(frozen=True)
class SqlRoleCredentials:
    role_name: str
    password: str
    dsn: str  # postgresql://role:password@host:port/database?sslmode=...


@dataclass(frozen=True)
class SqlRole:
    role_name: str
    organization: str | None  # slug; None once the organization is deleted
    created_at: datetime
    role_exists: bool  # False if the login role was dropped by hand
    connection_limit: int | None
    statement_timeout: str | None
    sessions: int


def sql_role_create(*, organization: Organization, role_name: str, statement_timeout_seconds: int | None = None,
                    connection_limit: int | None = None, using: str = "default") -> SqlRoleCredentials:
    """Creates the login role, maps it to organization, grants it the analytics views."""
    if not _ROLE_NAME.match(role_name) or role_name.startswith("pg_"):
        raise SqlRoleError(f"role name {role_name!r}: 3 to 63 characters, lower-case letters, digits and _, "
                           "starting with a letter (not pg_)")
    timeout = settings.XAT_ANALYTICS_STATEMENT_TIMEOUT_SECONDS if statement_timeout_seconds is None \
        else statement_timeout_seconds
    limit = settings.XAT_ANALYTICS_CONNECTION_LIMIT if connection_limit is None else connection_limit
    if timeout <= 0 or limit <= 0:
        raise SqlRoleError("the statement timeout and the connection limit must be positive")
    password = _new_password()
    role = sql.Identifier(role_name)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        if _fetch_one(cursor, "role_exists", role_name=role_name)[0]:
            raise SqlRoleError(f"a role named {role_name!r} already exists in this PostgreSQL cluster")
        cursor.execute(sql.SQL(
            "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS"
            " CONNECTION LIMIT {} PASSWORD {}").format(role, sql.Literal(limit),
                                                      sql.Literal(scram_sha_256_verifier(password))))
        database = sql.Identifier(_current_database(cursor))
        # Defaults of the role's sessions in this database. statement_timeout is a default the
        # analyst may change with SET (PostgreSQL has no per-role lock on it); read-only
        # transactions are a second fence, not the boundary (the role has no write right).
        for name, value in (
            ("statement_timeout", sql.Literal(f"{timeout}s")),
            ("default_transaction_read_only", sql.Literal("on")),
            ("idle_in_transaction_session_timeout", sql.Literal(f"{max(timeout, 60)}s")),
        ):
            cursor.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} SET {} = {}").format(
                role, database, sql.Identifier(name), value))
        cursor.execute(sqlfiles.query("analytics_role_add"),
                       {"role_name": role_name, "organization_id": organization.pk})
        analytics_grants_apply(cursor, role_names=[role_name])
    return SqlRoleCredentials(role_name, password, _dsn(using, role_name, password))


def analytics_grants_apply(cursor, *, role_names: list[str] | None = None) -> None:
    """Grants the analytics views to role_names (None: every mapped role). Idempotent; the
    schema's idempotent layer calls it after it created the views again (metrics/schema.py)."""
    if role_names is None:
        role_names = [name for (name,) in _fetch_all(cursor, "analytics_role_names")]
    if not role_names:
        return
    roles = sql.SQL(", ").join(sql.Identifier(name) for name in role_names)
    database = sql.Identifier(_current_database(cursor))
    try:
        with transaction.atomic(using=cursor.db.alias):
            cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, roles))
    except InternalError:
        # PGlite (the tests' TSL engine) cannot update its database's row; PUBLIC may
        # connect there anyway. PostgreSQL proper never gets here.
        pass
    for statement in (
        "GRANT USAGE ON SCHEMA analytics TO {roles}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO {roles}",
        # The Apache edition's aggregate views call xat_aggregate_watermark(), which reads
        # this table with the caller's rights. It holds one time per level, no tenant data.
        "GRANT SELECT ON public.aggregate_watermark TO {roles}",
    ):
        cursor.execute(sql.SQL(statement).format(database=database, roles=roles))


def sql_role_list(*, using: str = "default") -> list[SqlRole]:
    with connections[using].cursor() as cursor:
        return [SqlRole(*row) for row in _fetch_all(cursor, "analytics_roles")]


def sql_role_rotate_password(*, role_name: str, using: str = "default") -> SqlRoleCredentials:
    """A new password; the old one stops working for new connections at once."""
    password = _new_password()
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        _require_mapped(cursor, role_name)
        cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(role_name), sql.Literal(scram_sha_256_verifier(password))))
    return SqlRoleCredentials(role_name, password, _dsn(using, role_name, password))


def sql_role_revoke(*, role_name: str, using: str = "default") -> int:
    """Unmaps the role (its views are empty from then on), ends its sessions, drops it.
    Returns the number of sessions ended."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        _require_mapped(cursor, role_name)
        cursor.execute(sqlfiles.query("analytics_role_remove"), {"role_name": role_name})
        if not _fetch_one(cursor, "role_exists", role_name=role_name)[0]:
            return 0
        ended = _fetch_one(cursor, "analytics_role_sessions_end", role_name=role_name)[0]
        role = sql.Identifier(role_name)
        # Revokes its privileges here (and on the database); it owns nothing.
        cursor.execute(sql.SQL("DROP OWNED BY {}").format(role))
        cursor.execute(sql.SQL("DROP ROLE {}").format(role))
    return ended


def scram_sha_256_verifier(password: str, *, salt: bytes | None = None,
                           iterations: int = _SCRAM_ITERATIONS) -> str:
    """What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802/7677, as in
    PostgreSQL's scram_build_secret), computed here so the password never travels."""
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    return f"SCRAM-SHA-256${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _new_password() -> str:
    return secrets.token_urlsafe(24)  # 192 bits, URL-safe: fits a connection string as is


def _require_mapped(cursor, role_name: str) -> None:
    if _fetch_one(cursor, "analytics_role_organization", role_name=role_name) is None:
        raise SqlRoleError(f"{role_name!r} is not an analytics role of this database (see `xat_sql_role list`)")


def _dsn(using: str, role_name: str, password: str) -> str:
    database = connections[using].settings_dict
    host = settings.XAT_ANALYTICS_HOST or database.get("HOST") or "127.0.0.1"
    if host.startswith("/"):  # a Unix socket: analysts connect over TCP
        host = "127.0.0.1"
    port = settings.XAT_ANALYTICS_PORT or database.get("PORT") or 5432
    with connections[using].cursor() as cursor:
        name = _current_database(cursor)
    return (f"postgresql://{quote(role_name)}:{quote(password, safe='')}@{host}:{port}/{quote(name)}"
            f"?sslmode={settings.XAT_ANALYTICS_SSLMODE}")


def _current_database(cursor) -> str:
    cursor.execute("SELECT current_database()")
    return cursor.fetchone()[0]


def _fetch_one(cursor, name: str, **params) -> tuple | None:
    cursor.execute(sqlfiles.query(name), params)
    return cursor.fetchone()


def _fetch_all(cursor, name: str, **params) -> list[tuple]:
    cursor.execute(sqlfiles.query(name), params)
    return cursor.fetchall()
