"""The agent service's ASGI application (metrics/agent_service/__init__.py says what it serves).

An agent request here: its body read within XAT_TRICKLE_MAX_BYTES (gzip inflated within it
too), its key and collector found in the cache (metrics/agent_service/cache.py; a miss asks
the database on a lookup thread), its envelope checked and its /proc text parsed on the event
loop, its ticks stored by the next group (groups.py), then answered. The answers are those
of Django's agent views, built by the same functions (metrics.trickle): 200 only once the
ticks are committed; a refusal names its field; a database outage is 503 with Retry-After.
"""

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xat.settings")

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.db import DatabaseError, close_old_connections, connection  # noqa: E402
from rest_framework.exceptions import APIException, MethodNotAllowed  # noqa: E402

from accounts.agent_auth import CHALLENGE, DATABASE_UNAVAILABLE_ANSWER, INVALID_KEY  # noqa: E402
from accounts.keys import api_key_authenticate, api_key_from_headers  # noqa: E402
from metrics.agent_batches import NO_METRICS, NoMetrics, agent_batch_envelope  # noqa: E402
from metrics.agent_service.cache import AgentCache, CachedKey, cache_check_ask  # noqa: E402
from metrics.agent_service.groups import GroupCommitter, connection_close, on_every_thread  # noqa: E402
from metrics.collectors import collector_for_agent  # noqa: E402
from metrics.envelope import Envelope, envelope_parse  # noqa: E402
from metrics.ingest import CollectorGone  # noqa: E402
from metrics.ingest_groups import PendingIngest  # noqa: E402
from metrics.trickle import NO_MEASUREMENTS, pending_make, trickle_answer, trickle_refusal  # noqa: E402
from xat.errors import RETRY_AFTER_SECONDS  # noqa: E402
from xat.request_body import BodyTooLarge, body_declared_length, body_gzipped, body_inflated  # noqa: E402

logger = logging.getLogger(__name__)

TRICKLE_PATHS = frozenset({"/v1/trickle", "/v1/trickle/", "/api/trickle/ingest/"})
METRICS_PATHS = frozenset({"/api/v1/metrics", "/api/v1/metrics/"})
AGENT_PATHS = TRICKLE_PATHS | METRICS_PATHS
# Lookups the cache missed (a new agent's key and collector, a registration): a few threads
# of their own, so that a burst of new agents does not wait behind the writers' groups.
LOOKUP_THREADS = 4


class AgentService:
    """One process's cache, lookup threads and group committer, made at the lifespan's start."""

    def __init__(self):
        self.cache = AgentCache()
        self.lookups = ThreadPoolExecutor(LOOKUP_THREADS, thread_name_prefix="agent-lookup")
        self.committer = GroupCommitter(writers=settings.XAT_INGEST_WRITERS,
                                        group_ticks=settings.XAT_INGEST_GROUP_TICKS)
        self._checking = asyncio.get_running_loop().create_task(self._checks())

    async def close(self) -> None:
        self._checking.cancel()
        await self.committer.close()
        await on_every_thread(self.lookups, LOOKUP_THREADS, connection_close)
        self.lookups.shutdown()

    async def _lookup(self, function, *args, **kwargs):
        """function on a lookup thread, its connection checked first (Django checks a
        connection at a request's start; these threads serve no request) and closed after a
        database error (the next lookup opens a new one)."""
        def call():
            close_old_connections()
            try:
                return function(*args, **kwargs)
            except DatabaseError:
                connection.close()
                raise
        return await asyncio.get_running_loop().run_in_executor(self.lookups, call)

    async def _checks(self) -> None:
        while True:
            await asyncio.sleep(settings.XAT_AGENT_CACHE_SECONDS)
            plan = self.cache.check_plan()
            try:
                self.cache.check(plan, await self._lookup(cache_check_ask, plan))
            except DatabaseError as error:
                # Nothing is forgotten, but nothing is stored either while the database is away.
                logger.error("agent cache check failed (%s)", type(error).__name__)
            except Exception:  # the checks go on whatever happened: they bound the cache's staleness
                logger.exception("agent cache check failed")

    async def key(self, raw_key: str) -> CachedKey | None:
        key = self.cache.key(raw_key)
        if key is None:
            api_key = await self._lookup(api_key_authenticate, raw_key)
            key = self.cache.key_add(raw_key, api_key) if api_key is not None else None
        return key

    async def pending(self, key: CachedKey, envelope: Envelope, *, joins_session: bool) -> PendingIngest:
        """As metrics.trickle.ticks_pending, the collector from the cache."""
        collector_id = self.cache.collector_id(key, envelope.identifier)
        if collector_id is None:
            collector = await self._lookup(collector_for_agent, key=key.as_api_key(), identifier=envelope.identifier,
                                           hostname=envelope.hostname)
            self.cache.collector_add(key, envelope.identifier, collector)
            collector_id = collector.pk
        return pending_make(envelope, organization_id=key.organization_id, collector_id=collector_id,
                            joins_session=joins_session)

    async def store(self, pending: PendingIngest):
        try:
            return await self.committer.store(pending)
        except CollectorGone:
            self.cache.collector_forget(pending.collector_id)
            raise


_service: AgentService | None = None
_django = get_asgi_application()


async def application(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
    elif scope["type"] == "http" and scope["path"] in AGENT_PATHS and not _multipart(scope):
        await _agent_request(scope, receive, send)
    else:
        await _django(scope, receive, send)


async def _lifespan(receive, send) -> None:
    global _service
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _service = AgentService()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if _service is not None:
                await _service.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


def _multipart(scope) -> bool:
    """A multipart body (an agent's file for /api/v1/metrics/): an upload, Django's."""
    return any(name == b"content-type" and value.lower().startswith(b"multipart/form-data")
               for name, value in scope["headers"])


async def _agent_request(scope, receive, send) -> None:
    if scope["method"] != "POST":
        detail = str(MethodNotAllowed.default_detail).format(method=scope["method"])
        await _answer(send, 405, {"detail": detail}, [(b"allow", b"POST")])
        return
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    raw_key = api_key_from_headers(headers)
    if raw_key is None:
        await _answer(send, 401, {"error": INVALID_KEY})
        return
    trickle = scope["path"] in TRICKLE_PATHS
    try:
        key = await _service.key(raw_key)
        if key is None:
            await _answer(send, 401, {"error": INVALID_KEY, "detail": INVALID_KEY},
                          [(b"www-authenticate", CHALLENGE.encode())])
            return
        body = await _body(receive, headers)
        envelope = envelope_parse(body) if trickle else agent_batch_envelope(body)
        if not envelope.measurements:
            await _answer(send, 200, NO_MEASUREMENTS)
            return
        pending = await _service.pending(key, envelope, joins_session=trickle)
        outcome = await _service.store(pending)
    except NoMetrics:
        await _answer(send, 400, NO_METRICS)
    except DatabaseError as error:
        logger.error("agent request: database error, nothing stored (%s)", type(error).__name__)
        await _answer(send, 503, DATABASE_UNAVAILABLE_ANSWER, [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())])
    except _ClientGone:
        pass
    except Exception as error:
        refusal = trickle_refusal(error)
        if refusal is None:  # a bug: answered in JSON as Django's views answer one
            logger.exception("agent request failed")
            refusal = 500, {"detail": str(APIException.default_detail)}
        await _answer(send, *refusal)
    else:
        if trickle:
            await _answer(send, 200, trickle_answer(envelope, outcome))
        else:
            await _answer(send, 200, {"status": "received", "metrics_count": outcome.ingest.ticks})


class _ClientGone(Exception):
    """The client disconnected before its body was read: nothing to answer."""


async def _body(receive, headers: dict[str, str]) -> bytes:
    limit = settings.XAT_TRICKLE_MAX_BYTES
    gzipped = body_gzipped(headers.get("content-encoding", "identity"))
    if body_declared_length(headers.get("content-length")) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    return body_inflated(body, limit=limit) if gzipped else body


async def _answer(send, status: int, answer: dict, headers: list[tuple[bytes, bytes]] = ()) -> None:
    payload = orjson.dumps(answer)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": payload})
