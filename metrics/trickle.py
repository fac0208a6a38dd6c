"""The agent path: one request of pcc's into stored samples, and the agents' status."""

from dataclasses import dataclass
from uuid import UUID

from django.db import transaction

from accounts.models import ApiKey, Organization
from metrics.collectors import collector_for_agent, collector_status
from metrics.models import Collector
from metrics.envelope import Envelope
from metrics.ingest import IngestLock, IngestResult, Skipped, collector_ingest_lock, ticks_parse, ticks_store
from metrics.sessions import session_join
from xat import sqlfiles


@dataclass
class TrickleResult:
    ingest: IngestResult
    session_id: UUID | None  # the collector's active session the ticks joined; None: nothing stored


@transaction.atomic
def trickle_ingest(*, key: ApiKey, envelope: Envelope) -> TrickleResult:
    """Stores one request's ticks and joins them to the collector's session, all or nothing
    (one transaction per request)."""
    collector_id, result = ticks_ingest(key=key, envelope=envelope)
    session_id = session_join(organization_id=key.organization_id, collector_id=collector_id,
                              identifier=envelope.identifier, first=result.first, last=result.last,
                              stored=result.ticks)
    return TrickleResult(result, session_id)


def ticks_ingest(*, key: ApiKey, envelope: Envelope) -> tuple[int, IngestResult]:
    """Stores an agent's ticks in the collector its key and identifier name, in the caller's
    transaction: that collector's id and what was stored. Every agent path writes through
    here (/v1/trickle, the JSON forms of /api/v1/metrics/)."""
    result = IngestResult(skipped=Skipped())
    ticks = ticks_parse(envelope.measurements, result.skipped)
    lock = _collector_lock_at_once(key=key, envelope=envelope)
    if lock is None:
        collector_id = collector_for_agent(key=key, identifier=envelope.identifier, hostname=envelope.hostname).pk
    else:
        collector_id = lock.collector_id
    ticks_store(organization_id=key.organization_id, collector_id=collector_id, ticks=ticks, result=result,
                lock=lock)
    return collector_id, result


def _collector_lock_at_once(*, key: ApiKey, envelope: Envelope) -> IngestLock | None:
    """The ingest lock of the collector the request writes to, when one statement can find
    it (nearly always): the key's collector, or the organization's with this identifier.
    None when collector_for_agent must decide (metrics/collectors.py): a host to register,
    an identifier to bind to a collector key or one to refuse; ticks_store then takes the
    lock of the collector it names. A collector key's request without identifier writes
    its collector as it is."""
    lock = collector_ingest_lock(organization_id=key.organization_id, collector_id=key.collector_id,
                                 identifier=envelope.identifier)
    return lock if lock is not None and envelope.identifier in (None, lock.collector_identifier) else None


def trickle_status(*, organization: Organization) -> list[dict]:
    """Per collector: its newest sample, the ticks of the last 5 minutes, its state."""
    return [
        {
            "id": collector_id,
            "name": name,
            "last_sample": last_seen,
            "ticks_last_5_minutes": recent_ticks,
            "state": collector_status(collector=Collector(id=collector_id, last_seen=last_seen)),
        }
        for collector_id, name, last_seen, recent_ticks in sqlfiles.fetch_all(
            "trickle_status", organization_id=organization.pk
        )
    ]
