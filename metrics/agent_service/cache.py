"""Keys and collectors in the agent service's memory, so that an agent's request makes no
database round trip before its group's transaction.

    cache = AgentCache()
    cache.key(raw_key) -> CachedKey | None          None: not known here (ask the database)
    cache.key_add(raw_key, api_key) -> CachedKey    what api_key_authenticate found
    cache.collector_id(key, identifier) -> int | None
    cache.collector_add(key, identifier, collector)
    cache.collector_forget(collector_id)            its group found it deleted
    cache.check_plan() / cache_check_ask(plan) / cache.check(plan, answer)   the check (below)

Bounded staleness: every XAT_AGENT_CACHE_SECONDS the service asks the database, in one
query each, which cached keys are still live and which cached collectors still exist
(cache_check_ask, on a thread); what is gone is forgotten. So a key
revoked, expired or deleted is refused, and a deleted collector no longer written, at most
XAT_AGENT_CACHE_SECONDS plus one check's query after the change (a rotated key's expiry is
also compared with the clock on every request). A group that meets a collector deleted
meanwhile fails its request (CollectorGone: 503) and forgets it at once; the agent's retry
registers its host again, as without the cache. Keys are held by their keyed hash
(accounts.keys.secret_hash), never as the secret itself.
"""

import time
from dataclasses import dataclass

from accounts.keys import api_keys_live, api_keys_used, secret_hash
from accounts.models import ApiKey
from metrics.collectors import collectors_identifiers
from metrics.models import Collector

# Past this many entries the cache starts again empty: a bound on memory whatever the
# number of keys and hosts (a fleet of 100,000 hosts refills it in one round of requests).
MOST_ENTRIES = 200_000


@dataclass(frozen=True)
class CachedKey:
    id: int
    organization_id: int
    collector_id: int | None  # a collector key's; None: an organization ingest key
    expires_at: float | None  # Unix seconds (a rotated key's grace period)

    def as_api_key(self) -> ApiKey:
        """The fields metrics.collectors reads of a key, for a lookup the cache missed."""
        return ApiKey(id=self.id, organization_id=self.organization_id, collector_id=self.collector_id)


class AgentCache:
    def __init__(self):
        self._keys: dict[str, CachedKey] = {}  # by secret_hash of the raw key
        self._collectors: dict[tuple[int, str], int] = {}  # (organization, identifier) -> collector
        self._bound: dict[int, str] = {}  # a collector key's collector -> its identifier
        self._used: set[int] = set()  # keys accepted since the last check

    def key(self, raw_key: str) -> CachedKey | None:
        key = self._keys.get(secret_hash(raw_key))
        if key is not None and key.expires_at is not None and key.expires_at <= time.time():
            return None
        if key is not None:
            self._used.add(key.id)
        return key

    def key_add(self, raw_key: str, api_key: ApiKey) -> CachedKey:
        self._bounded()
        key = CachedKey(api_key.pk, api_key.organization_id, api_key.collector_id,
                        api_key.expires_at.timestamp() if api_key.expires_at else None)
        self._keys[secret_hash(raw_key)] = key
        return key

    def collector_id(self, key: CachedKey, identifier: str | None) -> int | None:
        """The collector the key's request with this identifier writes, as
        metrics.collectors.collector_for_agent would find it; None: ask it."""
        identifier = (identifier or "").strip()
        if key.collector_id is not None:
            bound = self._bound.get(key.collector_id)
            return key.collector_id if bound is not None and identifier in ("", bound) else None
        return self._collectors.get((key.organization_id, identifier))

    def collector_add(self, key: CachedKey, identifier: str | None, collector: Collector) -> None:
        self._bounded()
        if key.collector_id is not None:
            if collector.identifier:  # else every request asks until its identifier is bound
                self._bound[collector.pk] = collector.identifier
        else:
            self._collectors[(key.organization_id, (identifier or "").strip())] = collector.pk

    def collector_forget(self, collector_id: int) -> None:
        self._bound.pop(collector_id, None)
        self._collectors = {name: cid for name, cid in self._collectors.items() if cid != collector_id}

    def check_plan(self) -> "CachePlan":
        """What the next check asks about (on the event loop: a snapshot of the cache)."""
        used, self._used = sorted(self._used), set()
        return CachePlan(key_ids=sorted({key.id for key in self._keys.values()}),
                         collector_ids=sorted(set(self._collectors.values()) | self._bound.keys()), used_key_ids=used)

    def check(self, plan: "CachePlan", answer: "CacheAnswer") -> None:
        """Forgets what the check found gone (entries added since its plan stay). A
        collector key's collector whose identifier changed is asked about again."""
        gone_keys = set(plan.key_ids) - answer.live_key_ids
        gone_collectors = set(plan.collector_ids) - answer.collectors.keys()
        self._keys = {digest: key for digest, key in self._keys.items() if key.id not in gone_keys}
        self._collectors = {name: cid for name, cid in self._collectors.items() if cid not in gone_collectors}
        self._bound = {cid: identifier for cid, identifier in self._bound.items()
                       if cid not in gone_collectors and answer.collectors.get(cid, identifier) == identifier}

    def _bounded(self) -> None:
        if len(self._keys) + len(self._collectors) + len(self._bound) >= MOST_ENTRIES:
            self._keys, self._collectors, self._bound = {}, {}, {}


@dataclass(frozen=True)
class CachePlan:
    key_ids: list[int]
    collector_ids: list[int]
    used_key_ids: list[int]  # accepted since the last check


@dataclass(frozen=True)
class CacheAnswer:
    live_key_ids: set[int]
    collectors: dict[int, str]  # those still there, with their identifiers


def cache_check_ask(plan: CachePlan) -> CacheAnswer:
    """The check's queries, on a thread with a database connection: one for the keys, one
    for the collectors, one recording the keys' use (last_used_at)."""
    if plan.used_key_ids:
        api_keys_used(plan.used_key_ids)
    return CacheAnswer(live_key_ids=api_keys_live(plan.key_ids) if plan.key_ids else set(),
                       collectors=collectors_identifiers(plan.collector_ids) if plan.collector_ids else {})
