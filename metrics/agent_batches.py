"""The JSON forms of POST /api/v1/metrics/ (perf-dashboard contract §8.2): measurements an
agent sends outside /v1/trickle, stored with the agent's own arithmetic.

    agent_batch_ingest(*, key, body) -> IngestResult
        body: {"metrics": [{"timestamp", "subsystem", "measurement"}, ...]} (a single object
        in place of the list too), or one {"timestamp", "subsystem", "measurement"} object
        (parsed as JSON whatever the Content-Type, like pcc's trickle);
        an "identifier" (and "hostname") beside them names the host as on /v1/trickle.
        Raises NoMetrics (neither form, or an empty list), EnvelopeError (a field is wrong), and what
        collector_for_agent raises (IdentifierRefused, IdentifierInvalid).

The same path as /v1/trickle's ticks (metrics.envelope's checks, then metrics.ingest's
ticks_parse and ticks_store: same rows, same values, same late-tick handling), in one
transaction, but no trickle session is joined or opened: the reference keeps sessions to
/v1/trickle (§2.3), and a session's samples are found by time window anyway.
"""

import orjson
from django.db import transaction

from accounts.models import ApiKey
from metrics.collectors import collector_contact_record, collector_for_agent
from metrics.envelope import EnvelopeError, envelope_parse
from metrics.ingest import IngestResult, Skipped, ticks_parse, ticks_store

_ONE_MEASUREMENT = frozenset({"timestamp", "subsystem", "measurement"})
# envelope_parse requires an identifier; a collector key's request may come without one
# (its collector is the key's), so the measurements are checked under this stand-in.
_NO_IDENTIFIER = "-"


class NoMetrics(ValueError):
    """The body holds neither a "metrics" list nor a measurement."""


def agent_batch_ingest(*, key: ApiKey, body: bytes) -> IngestResult:
    try:
        data = orjson.loads(body or b"null")
    except orjson.JSONDecodeError:
        raise NoMetrics from None
    if not isinstance(data, dict):
        raise NoMetrics
    if "metrics" in data:
        items = data["metrics"]
        items = [items] if isinstance(items, dict) else items
    elif _ONE_MEASUREMENT <= data.keys():
        items = [data]
    else:
        raise NoMetrics
    if not items:
        raise NoMetrics
    if not isinstance(items, list):
        raise EnvelopeError("metrics", "expected a list of {timestamp, subsystem, measurement} objects")
    sent_identifier = bool(data.get("identifier"))
    envelope = envelope_parse(orjson.dumps({"identifier": data.get("identifier") or _NO_IDENTIFIER,
                                            "hostname": data.get("hostname"), "measurements": items}))
    result = IngestResult(skipped=Skipped())
    with transaction.atomic():
        collector = collector_for_agent(key=key, identifier=envelope.identifier if sent_identifier else None,
                                        hostname=envelope.hostname)
        ticks_store(organization_id=key.organization_id, collector_id=collector.pk,
                    ticks=ticks_parse(envelope.measurements, result.skipped), result=result)
        collector_contact_record(collector_id=collector.pk)
    return result
