"""Raw captures (pcc, perfcollector1): the agent's measurements, one per line, parsed and
stored by the agent's own code (metrics.ingest's ticks_parse, then ticks_store), so they
store the same rows with the same values as the same ticks sent to /v1/trickle.

A line refused (not JSON, a field missing or of the wrong type) is reported with its
number; so is a subsystem ticks_parse cannot parse. At most TICKS_PER_WRITE ticks are held
at a time."""

import math
from datetime import datetime

import orjson

from metrics.envelope import EnvelopeError, envelope_parse
from metrics.ingest import TICKS_PER_WRITE, Measurement, ticks_parse
from metrics.uploads.errors import LineError
from metrics.uploads.lines import content, numbered_lines
from metrics.uploads.result import UploadResult
from metrics.uploads.store import raw_ticks_store

_ENVELOPE_HEAD = b'{"identifier":"upload","measurements":['


def pcc_measurement(line: bytes) -> Measurement:
    """One capture line, checked exactly as one measurement of an agent's request."""
    try:
        return envelope_parse(_ENVELOPE_HEAD + line + b"]}").measurements[0]
    except EnvelopeError as error:
        if error.field == "body":
            raise LineError("not a JSON object") from None
        raise LineError(f"{error.field.removeprefix('measurements[0]').lstrip('.') or 'line'}: {error.reason}") from None


def perfcollector1_measurement(line: bytes) -> Measurement:
    """One PerfCollector1 line: its Measurement object's time (floored to the second),
    System (the subsystem) and Measurement (the text)."""
    try:
        item = orjson.loads(line)  # as envelope_parse: no invalid UTF-8, lone surrogate or NaN
    except orjson.JSONDecodeError:
        raise LineError("not valid JSON") from None
    inner = item.get("Measurement") if isinstance(item, dict) else None
    if not isinstance(inner, dict):
        raise LineError("no 'Measurement' object")
    stamp = inner.get("Timestamp")
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        raise LineError(f"Measurement.Timestamp {str(stamp)[:40]!r} is not an RFC 3339 time") from None
    if moment.tzinfo is None:
        raise LineError("Measurement.Timestamp has no UTC offset")
    subsystem, text = inner.get("System"), inner.get("Measurement")
    if not isinstance(subsystem, str) or not subsystem:
        raise LineError("Measurement.System: required: a string such as '/proc/stat'")
    if not isinstance(text, str):
        raise LineError("Measurement.Measurement: required: the file's text as a string")
    return Measurement(math.floor(moment.timestamp()), subsystem, text)


def raw_reader(parse_line):
    """The reader of a raw format whose lines parse_line turns into measurements."""

    def read(file, compressed: bool, ids: dict, result: UploadResult) -> None:
        pending: dict[int, list[Measurement]] = {}
        lines: dict[tuple[int, str], int] = {}
        for number, line in numbered_lines(content(file, compressed), result):
            if not line.strip():
                continue
            try:
                measurement = parse_line(line)
            except LineError as error:
                result.error(number, str(error))
                continue
            if measurement.timestamp not in pending and len(pending) >= TICKS_PER_WRITE:
                _parsed_store(pending, lines, ids, result)
                pending, lines = {}, {}
            pending.setdefault(measurement.timestamp, []).append(measurement)
            lines[(measurement.timestamp, measurement.subsystem)] = number
        _parsed_store(pending, lines, ids, result)

    return read


def _parsed_store(pending: dict, lines: dict, ids: dict, result: UploadResult) -> None:
    skipped = result.ingest.skipped
    before = len(skipped.unparsable)
    ticks = ticks_parse([m for measurements in pending.values() for m in measurements], skipped)
    for item in skipped.unparsable[before:]:
        result.error(lines.get((item["timestamp"], item["subsystem"])), f"{item['subsystem']}: {item['reason']}")
    del skipped.unparsable[before:]  # reported above, with their line
    raw_ticks_store(ticks=ticks, ids=ids, result=result)
