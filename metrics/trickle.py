"""The agent path: one request of pcc's into stored samples, and the agents' status."""

from django.db import transaction

from accounts.models import ApiKey
from metrics.collectors import collector_for_agent
from metrics.envelope import Envelope
from metrics.ingest import IngestResult, Skipped, ticks_parse, ticks_store


@transaction.atomic
def trickle_ingest(*, key: ApiKey, envelope: Envelope) -> IngestResult:
    """Stores one request's ticks, all or nothing (one transaction per request)."""
    collector = collector_for_agent(key=key, identifier=envelope.identifier, hostname=envelope.hostname)
    result = IngestResult(skipped=Skipped())
    ticks = ticks_parse(envelope.measurements, result.skipped)
    ticks_store(organization_id=collector.organization_id, collector_id=collector.pk, ticks=ticks, result=result)
    return result
