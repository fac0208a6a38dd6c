"""The agent path: one request of pcc's into stored samples, and the agents' status."""

from django.conf import settings

from accounts.agent_auth import AgentRefusal
from accounts.models import ApiKey, Organization
from metrics.collectors import collector_for_agent, collector_status
from metrics.envelope import Envelope, EnvelopeError
from metrics.ingest import Skipped, ticks_parse
from metrics.ingest_groups import IngestOutcome, PendingIngest, ingest_commit
from metrics.models import Collector
from xat import sqlfiles
from xat.request_body import BodyTooLarge, BodyUnreadable

# Nothing to store: the perf-dashboard contract's answer (§8.3), no session touched.
NO_MEASUREMENTS = {"error": None, "status": "ok", "message": "No measurements to process"}


def trickle_ingest(*, key: ApiKey, envelope: Envelope) -> IngestOutcome:
    """Stores one request's ticks and joins them to the collector's session, all or
    nothing, committed when this returns (a group of its own: Django's agent views; the
    agent service groups requests itself, metrics/agent_service/)."""
    return ingest_commit(ticks_pending(key=key, envelope=envelope, joins_session=True))


def ticks_pending(*, key: ApiKey, envelope: Envelope, joins_session: bool) -> PendingIngest:
    """An agent's ticks ready to be stored, for the collector that its key and identifier
    name, found or registered (metrics/collectors.py). Every agent path of Django's goes
    through here (/v1/trickle, the JSON forms of /api/v1/metrics/); a refused identifier
    raises before anything is stored."""
    collector = collector_for_agent(key=key, identifier=envelope.identifier, hostname=envelope.hostname)
    return pending_make(envelope, organization_id=key.organization_id, collector_id=collector.pk,
                        joins_session=joins_session)


def pending_make(envelope: Envelope, *, organization_id: int, collector_id: int, joins_session: bool) -> PendingIngest:
    """The envelope's ticks parsed (what cannot be is in `skipped`), for a collector already
    found (here, or from the agent service's cache)."""
    skipped = Skipped()
    ticks = ticks_parse(envelope.measurements, skipped)
    return PendingIngest(organization_id=organization_id, collector_id=collector_id, identifier=envelope.identifier,
                         ticks=ticks, skipped=skipped, joins_session=joins_session)


def trickle_answer(envelope: Envelope, outcome: IngestOutcome) -> dict:
    """The 200 answer of an agent's stored ticks (pcc reads only the status)."""
    stored = outcome.ingest
    return {
        "error": None, "ticks": stored.ticks, "rows": stored.rows, "skipped": stored.skipped.as_dict(),
        # The perf-dashboard contract's fields (§8.3); metrics_count: the distinct ticks stored.
        "status": "ok", "identifier": envelope.identifier, "metrics_count": stored.ticks,
        "session_id": str(outcome.session_id) if outcome.session_id else None,
    }


def trickle_refusal(error: Exception) -> tuple[int, dict] | None:
    """The status and body refusing what an agent sent, for the refusals of the body, its
    envelope and its identifier; None for any other error."""
    if isinstance(error, BodyTooLarge):
        return 413, {"error": f"body larger than {settings.XAT_TRICKLE_MAX_BYTES} bytes (after decompression)"}
    if isinstance(error, BodyUnreadable):
        return 400, {"error": str(error), "field": "body"}
    if isinstance(error, EnvelopeError):
        return error.status, {"error": error.reason, "field": error.field}
    if isinstance(error, AgentRefusal):
        return error.status_code, error.detail
    return None


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
