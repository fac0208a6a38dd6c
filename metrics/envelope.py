"""The agent's request body: {"identifier": ..., "measurements": [{timestamp, subsystem,
measurement}, ...]} (shared/spec/collector-protocol.md), checked field by field.

A timestamp is checked for its type only: a tick from a broken clock (before 2000, in the
future) is skipped with its reason by metrics.ingest.ticks_parse, and the rest of the
request stored, rather than the whole request refused (pcc stops on an error)."""

from dataclasses import dataclass

import orjson
from django.conf import settings

from metrics.ingest import Measurement

_MAX_IDENTIFIER = 128


class EnvelopeError(ValueError):
    status = 400

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class TooManyTicks(EnvelopeError):
    """More ticks than XAT_TRICKLE_MAX_TICKS: 413, the request is to be sent in parts."""

    status = 413


@dataclass
class Envelope:
    identifier: str | None  # None only where identifier_required=False and none was sent
    hostname: str | None
    measurements: list[Measurement]  # may be empty: nothing to store


def envelope_parse(body: bytes, *, identifier_required: bool = True) -> Envelope:
    try:
        data = orjson.loads(body)  # also refuses invalid UTF-8, NaN and Infinity
    except orjson.JSONDecodeError as error:
        raise EnvelopeError("body", f"not valid JSON ({error})") from None
    return envelope_from_data(data, identifier_required=identifier_required)


def envelope_from_data(data, *, identifier_required: bool = True) -> Envelope:
    """The envelope of an already decoded body. Without identifier_required (a collector
    key's measurements outside /v1/trickle), a missing identifier is None."""
    if not isinstance(data, dict):
        raise EnvelopeError("body", "expected a JSON object with 'identifier' and 'measurements'")

    identifier = data.get("identifier")
    if identifier is None and not identifier_required:
        pass
    elif not isinstance(identifier, str) or not identifier.strip():
        raise EnvelopeError("identifier", "required: the host's machine id, a non-empty string")
    else:
        identifier = identifier.strip()
        if len(identifier) > _MAX_IDENTIFIER or not identifier.isprintable():
            raise EnvelopeError("identifier", f"at most {_MAX_IDENTIFIER} printable characters")
    hostname = data.get("hostname")
    if hostname is not None and (not isinstance(hostname, str) or len(hostname) > 255 or "\x00" in hostname):
        raise EnvelopeError("hostname", "a string of at most 255 characters")

    items = data.get("measurements")
    if not isinstance(items, list):
        raise EnvelopeError("measurements", "required: a list")
    most_ticks = settings.XAT_TRICKLE_MAX_TICKS
    timestamps = set()
    measurements = []
    for index, item in enumerate(items):
        where = f"measurements[{index}]"
        if not isinstance(item, dict):
            raise EnvelopeError(where, "expected an object with timestamp, subsystem, measurement")
        timestamp, subsystem, text = item.get("timestamp"), item.get("subsystem"), item.get("measurement")
        if isinstance(timestamp, bool) or not isinstance(timestamp, int):
            raise EnvelopeError(f"{where}.timestamp", "required: whole Unix seconds")
        timestamps.add(timestamp)
        if len(timestamps) > most_ticks:
            raise TooManyTicks("measurements", f"at most {most_ticks} ticks (distinct timestamps) per request:"
                                               " send them in several requests")
        if not isinstance(subsystem, str) or not subsystem:
            raise EnvelopeError(f"{where}.subsystem", "required: a string such as '/proc/stat'")
        if not isinstance(text, str):
            raise EnvelopeError(f"{where}.measurement", "required: the file's text as a string")
        measurements.append(Measurement(timestamp, subsystem, text))
    return Envelope(identifier=identifier, hostname=hostname, measurements=measurements)
