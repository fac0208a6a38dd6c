"""Typed readers of environment variables, used by settings only.

Each raises ImproperlyConfigured naming the variable and what it expects, so a bad
deployment fails at start with a message that says how to fix it.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_env(local_socket_dir: Path, local_port: int) -> dict:
    """Django DATABASES['default'] from DATABASE_URL, else PG* variables, else the
    project-local cluster that `make run` starts (no configuration needed)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return _database_from_url(url)
    return {
        "NAME": os.environ.get("PGDATABASE", "xat"),
        "USER": os.environ.get("PGUSER", "xat"),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
        "HOST": os.environ.get("PGHOST", str(local_socket_dir)),
        "PORT": os.environ.get("PGPORT", str(local_port)),
        "OPTIONS": {"sslmode": os.environ["PGSSLMODE"]} if "PGSSLMODE" in os.environ else {},
    }


def database_direct_from_env() -> dict:
    """Where the processes that need a session of their own connect, past a transaction
    pooler (xat/direct_database.py): DATABASE_DIRECT_URL's server, name, credentials and
    options; empty when it is not set (they connect where DATABASES['default'] does)."""
    url = os.environ.get("DATABASE_DIRECT_URL")
    return _database_from_url(url, variable="DATABASE_DIRECT_URL") if url else {}


def database_replicas_from_env() -> list[dict]:
    """The read replicas (xat/replicas.py): DATABASE_REPLICA_URLS, comma-separated URLs in
    DATABASE_URL's form; each one's server, name, credentials and options."""
    return [_database_from_url(url, variable="DATABASE_REPLICA_URLS")
            for url in env_list("DATABASE_REPLICA_URLS", [])]


def _database_from_url(url: str, *, variable: str = "DATABASE_URL") -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"{variable} scheme {parts.scheme!r}: expected postgresql://user:password@host:port/name"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or unquote(parts.hostname or "")
    port = query.pop("port", None) or (str(parts.port) if parts.port else "")
    return {
        "NAME": unquote(parts.path.lstrip("/")) or "xat",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": port,
        "OPTIONS": query,
    }
