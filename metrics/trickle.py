"""The agent path: one request of pcc's into stored samples, and the agents' status."""

from django.db import transaction

from accounts.models import ApiKey, Organization
from metrics.collectors import collector_for_agent, collector_status
from metrics.models import Collector
from metrics.envelope import Envelope
from metrics.ingest import IngestResult, Skipped, ticks_parse, ticks_store
from xat import sqlfiles


@transaction.atomic
def trickle_ingest(*, key: ApiKey, envelope: Envelope) -> IngestResult:
    """Stores one request's ticks, all or nothing (one transaction per request)."""
    collector = collector_for_agent(key=key, identifier=envelope.identifier, hostname=envelope.hostname)
    result = IngestResult(skipped=Skipped())
    ticks = ticks_parse(envelope.measurements, result.skipped)
    ticks_store(organization_id=collector.organization_id, collector_id=collector.pk, ticks=ticks, result=result)
    return result


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
