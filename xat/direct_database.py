"""The connection past a transaction pooler, for the processes that need a session of their own.

A transaction-pooling PgBouncer (XAT_DB_POOLER=transaction, docs/scaling.md) lends a client
a server connection for one transaction at a time. Two processes need one for longer, and
connect to PostgreSQL itself, where settings.DATABASE_DIRECT says (DATABASE_DIRECT_URL;
without it, where DATABASES["default"] connects):

- procrastinate's worker listens (LISTEN/NOTIFY) for new jobs on its own connections:
  worker_connection_params() are theirs (metrics/jobs.py). The jobs' Django work (ORM,
  named queries, one transaction at a time) goes through the pooler like the web's, and a
  job is still deferred inside the transaction of the request that queues it;
- the upkeep (`xat_aggregates maintain`) is one long-lived process: its default connection
  is made direct before its first query (default_connection_made_direct()).
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def _direct_settings() -> dict:
    """The default connection's settings with DATABASE_DIRECT's server: a session of its own,
    so server-side cursors are allowed again."""
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    direct = settings.DATABASE_DIRECT
    return {**default, **direct, "OPTIONS": {**default["OPTIONS"], **direct.get("OPTIONS", {})},
            "DISABLE_SERVER_SIDE_CURSORS": False}


def worker_connection_params() -> dict:
    """psycopg's connection arguments for DATABASE_DIRECT, as procrastinate's worker takes them
    (procrastinate.contrib.django.utils.connector_params, for another server)."""
    default = connections[DEFAULT_DB_ALIAS]
    params = type(default)(_direct_settings(), alias="direct").get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return params


def default_connection_made_direct() -> None:
    """This process's default connection goes to DATABASE_DIRECT from its next query on;
    without DATABASE_DIRECT_URL it is direct already, and stays open."""
    if not settings.DATABASE_DIRECT:
        return
    default = connections[DEFAULT_DB_ALIAS]
    default.close()
    default.settings_dict.update(_direct_settings())
