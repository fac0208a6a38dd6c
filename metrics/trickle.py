"""The agent path: one request of pcc's into stored samples, and the agents' status."""

from accounts.models import ApiKey, Organization
from metrics.collectors import collector_for_agent, collector_status
from metrics.envelope import Envelope
from metrics.ingest import Skipped, ticks_parse
from metrics.ingest_groups import IngestOutcome, PendingIngest, ingest_commit
from metrics.models import Collector
from xat import sqlfiles


def trickle_ingest(*, key: ApiKey, envelope: Envelope) -> IngestOutcome:
    """Stores one request's ticks and joins them to the collector's session, all or
    nothing, committed when this returns (metrics/ingest_groups.py: possibly in one
    transaction with other agents' requests)."""
    return ingest_commit(ticks_pending(key=key, envelope=envelope, joins_session=True))


def ticks_pending(*, key: ApiKey, envelope: Envelope, joins_session: bool) -> PendingIngest:
    """An agent's ticks ready to be stored: parsed (what cannot be is in `skipped`), and
    the collector that its key and identifier name found, or registered (metrics/
    collectors.py). Every agent path goes through here (/v1/trickle, the JSON forms of
    /api/v1/metrics/); a refused identifier raises before anything is stored."""
    skipped = Skipped()
    ticks = ticks_parse(envelope.measurements, skipped)
    collector = collector_for_agent(key=key, identifier=envelope.identifier, hostname=envelope.hostname)
    return PendingIngest(organization_id=key.organization_id, collector_id=collector.pk,
                         identifier=envelope.identifier, ticks=ticks, skipped=skipped, joins_session=joins_session)


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
