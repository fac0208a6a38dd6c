"""The JSON forms of POST /api/v1/metrics/ (perf-dashboard contract §8.2): measurements an
agent sends outside /v1/trickle, stored with the agent's own arithmetic.

    agent_batch_envelope(body) -> Envelope      the measurements, checked (no database)
    agent_batch_ingest(*, key, body) -> IngestResult
        body: {"metrics": [{"timestamp", "subsystem", "measurement"}, ...]} (a single object
        in place of the list too), or one {"timestamp", "subsystem", "measurement"} object
        (parsed as JSON whatever the Content-Type, like pcc's trickle);
        an "identifier" (and "hostname") beside them names the host as on /v1/trickle.
        Raises NoMetrics (neither form, or an empty list), EnvelopeError (a field is wrong), and what
        collector_for_agent raises (IdentifierRefused, IdentifierInvalid).

The same path as /v1/trickle's ticks (metrics.envelope's checks, then
metrics.trickle.ticks_pending and metrics.ingest_groups: same rows, same values, same
late-tick handling, the same group commit in the agent service), but no trickle session is joined
or opened, only the agent's contact recorded: the reference keeps sessions to /v1/trickle
(§2.3), and a session's samples are found by time window anyway.
"""

import orjson

from accounts.models import ApiKey
from metrics.envelope import Envelope, EnvelopeError, envelope_from_data
from metrics.ingest import IngestResult
from metrics.ingest_groups import ingest_commit
from metrics.trickle import ticks_pending

NO_METRICS = {"error": "No file or metrics provided"}  # the answer to NoMetrics, 400
_ONE_MEASUREMENT = frozenset({"timestamp", "subsystem", "measurement"})


class NoMetrics(ValueError):
    """The body holds neither a "metrics" list nor a measurement."""


def agent_batch_ingest(*, key: ApiKey, body: bytes) -> IngestResult:
    envelope = agent_batch_envelope(body)
    return ingest_commit(ticks_pending(key=key, envelope=envelope, joins_session=False)).ingest


def agent_batch_envelope(body: bytes) -> Envelope:
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
    return envelope_from_data({"identifier": data.get("identifier"), "hostname": data.get("hostname"),
                               "measurements": items}, identifier_required=False)
