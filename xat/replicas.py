"""Read replicas: the heavy time-series reads on a healthy streaming standby, everything
else on the primary (docs/guarantees.md, "Read replicas").

    read(read_fn, **params) -> read_fn(**params, using=<a healthy replica, else "default">)
    read_alias() -> "replica1", ... or "default"
    PrimaryRouter: Django's router; every ORM read and write on the primary

Guarantees:
- Healthy means reachable within the replica's connect timeout and its replay lag at most
  XAT_REPLICA_MAX_LAG_SECONDS minus XAT_REPLICA_CHECK_SECONDS. Lag is the primary's newest
  commit (pg_last_committed_xact(), with track_commit_timestamp on; else the primary's
  clock, which can only overstate it) against the newest commit the replica replayed
  (pg_last_xact_replay_timestamp()): none when the replica has replayed everything the
  primary had written when asked (a quiet primary is no lag). Since a lag
  grows by at most the time elapsed, a replica found healthy stays within the bound until
  its next check.
- Health is checked at most every XAT_REPLICA_CHECK_SECONDS per process and replica (two
  small queries, one on each side), never once per request; a replica found unhealthy or
  unreachable is asked again after that time.
- read() never fails because of a replica: a replica that fails during the read (stopped,
  its connection cut, a query cancelled by a conflict with recovery) is marked unhealthy
  and the read runs again on the primary. So a read given to it must be a read: it runs
  twice at worst, and a replica refuses writes.
- Only what is given to read() goes to a replica. The ORM (accounts, collectors, keys,
  jobs: whatever must see the user's own last write) stays on the primary (PrimaryRouter).

Tenancy is unchanged on a replica: the reads filter by organization in their SQL, and a
standby holds the same roles, row security and rows as its primary.
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections

from xat import sqlfiles

logger = logging.getLogger(__name__)
Answer = TypeVar("Answer")


@dataclass
class _Health:
    healthy: bool
    checked_at: float


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def read(read_fn: Callable[..., Answer], /, **params) -> Answer:
    """read_fn(**params, using=alias) on a healthy replica, again on the primary when the
    replica fails meanwhile; on the primary when no replica is healthy."""
    alias = read_alias()
    if alias != DEFAULT_DB_ALIAS:
        try:
            return read_fn(**params, using=alias)
        except OperationalError:
            logger.warning("replica %s failed during a read; read again on the primary", alias, exc_info=True)
            _mark_unhealthy(alias)
    return read_fn(**params, using=DEFAULT_DB_ALIAS)


def read_alias() -> str:
    """A healthy replica's alias (one at random when several are), else "default"."""
    healthy = [alias for alias in settings.XAT_REPLICA_ALIASES if _is_healthy(alias)]
    return random.choice(healthy) if healthy else DEFAULT_DB_ALIAS


def _is_healthy(alias: str) -> bool:
    now = time.monotonic()
    with _health_lock:
        known = _health.get(alias)
        if known is not None and now - known.checked_at < settings.XAT_REPLICA_CHECK_SECONDS:
            return known.healthy
        # Other threads keep the previous answer meanwhile instead of checking too.
        _health[alias] = _Health(known.healthy if known else False, now)
    healthy = _check(alias)
    with _health_lock:
        _health[alias] = _Health(healthy, time.monotonic())
    return healthy


def _mark_unhealthy(alias: str) -> None:
    with _health_lock:
        _health[alias] = _Health(False, time.monotonic())
    connections[alias].close()


def _check(alias: str) -> bool:
    # The primary's position first: a replica replayed up to it holds every commit made before.
    (primary,) = sqlfiles.fetch_dicts("replica_primary_position")
    try:
        (replica,) = sqlfiles.fetch_dicts("replica_replay_position", using=alias)
    except DatabaseError:
        logger.warning("replica %s unreachable; reads go to the primary", alias, exc_info=True)
        connections[alias].close()
        return False
    if not replica["in_recovery"]:
        logger.warning("replica %s is not a standby (promoted?); reads go to the primary", alias)
        return False
    if replica["replayed_position"] >= primary["position"]:
        return True
    if replica["replayed_commit"] is None:
        return False
    lag = (primary["newest_commit"] - replica["replayed_commit"]).total_seconds()
    healthy = lag <= settings.XAT_REPLICA_MAX_LAG_SECONDS - settings.XAT_REPLICA_CHECK_SECONDS
    if not healthy:
        logger.warning("replica %s is %.1f s behind; reads go to the primary", alias, lag)
    return healthy


class PrimaryRouter:
    """No ORM query and no migration on a replica: a replica is read only through read(),
    for the reads given to it. An ORM query goes to the primary, or to the database its
    instance came from (another alias a caller names, as the tests' second engine is)."""

    def db_for_read(self, model, **hints) -> str:
        return _not_a_replica(hints)

    def db_for_write(self, model, **hints) -> str:
        return _not_a_replica(hints)

    def allow_relation(self, first, second, **hints) -> bool:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db in settings.XAT_REPLICA_ALIASES else None


def _not_a_replica(hints: dict) -> str:
    instance = hints.get("instance")
    alias = instance._state.db if instance is not None else None
    return alias if alias and alias not in settings.XAT_REPLICA_ALIASES else DEFAULT_DB_ALIAS
