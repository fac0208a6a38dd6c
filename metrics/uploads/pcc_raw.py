"""Raw captures (pcc, perfcollector1): the agent's measurements, one per line, parsed and
stored by the agent's own code (metrics.ingest's ticks_parse, then the agent's writes:
metrics.uploads.store), so they store the same rows with the same values as the same ticks
sent to /v1/trickle.

A line refused (not JSON, a field missing or of the wrong type) is reported with its
number; so is a subsystem ticks_parse cannot parse.

The file is read in batches of store.RAW_BATCH_TICKS ticks, three at most in memory: while
this process stores one batch, a child process parses the next (ticks_parse, the costliest
step of a capture after the COPY itself: 0.13 ms a tick against 0.09 for its rows and 0.18
for their COPY, measured on 2 cores) and this process reads the one after. Each batch's
errors are recorded when it is stored, in the file's order."""

import math
import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection

import orjson

from metrics.envelope import EnvelopeError, envelope_parse
from metrics.ingest import Measurement, Skipped, Tick, ticks_parse
from metrics.uploads import store
from metrics.uploads.errors import LineError
from metrics.uploads.lines import content, numbered_lines
from metrics.uploads.result import UploadResult

_ENVELOPE_HEAD = b'{"identifier":"upload","measurements":['
_FORK = multiprocessing.get_context("fork")
_CHILD_END_SECONDS = 10


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
        with _parsing_child(result.ingest.skipped) as child:
            batches = _batches(file, compressed, parse_line, result)
            sent = next(batches, None)
            if sent is not None:
                child.send(sent.measurements())
            while sent is not None:
                following = next(batches, None)  # read while the child parses
                parsed = child.recv()
                if isinstance(parsed, Exception):
                    raise parsed
                if following is not None:
                    child.send(following.measurements())  # parsed while this batch is stored
                _parsed_store(sent, *parsed, ids=ids, result=result)
                sent = following

    return read


@dataclass
class _Batch:
    """Up to store.RAW_BATCH_TICKS ticks' measurements as read, with what their lines need
    reported: each measurement's line, and the errors of the batch's lines."""

    pending: dict[int, list[Measurement]] = field(default_factory=dict)  # by tick
    lines: dict[tuple[int, str], int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def measurements(self) -> list[Measurement]:
        return [m for measurements in self.pending.values() for m in measurements]


class _BatchLines:
    """What numbered_lines reports to: the job's progress, and the errors of the batch being
    read (recorded when it is stored, so every error stays in the file's order)."""

    def __init__(self, result: UploadResult):
        self.result = result
        self.batch = _Batch()

    def on_line(self) -> None:
        self.result.on_line()

    def line_idle(self, line: int) -> None:
        self.result.line_idle(line)

    def error(self, line: int, reason: str, *, file: str | None = None) -> None:
        self.result.line_idle(line)  # at once: a batch's errors are bounded by the limit
        self.batch.errors.append((line, reason))


def _batches(file, compressed: bool, parse_line, result: UploadResult) -> Iterator[_Batch]:
    reading = _BatchLines(result)
    for number, line in numbered_lines(content(file, compressed), reading):
        if not line.strip():
            continue
        batch = reading.batch
        try:
            measurement = parse_line(line)
        except LineError as error:
            reading.error(number, str(error))
            continue
        # Read from the module at each batch: the upload benchmark sets it (--batch).
        if measurement.timestamp not in batch.pending and len(batch.pending) >= store.RAW_BATCH_TICKS:
            yield batch
            batch = reading.batch = _Batch()
        batch.pending.setdefault(measurement.timestamp, []).append(measurement)
        batch.lines[(measurement.timestamp, measurement.subsystem)] = number
    yield reading.batch


def _parsed_store(batch: _Batch, ticks: list[Tick], skipped: Skipped, *, ids: dict, result: UploadResult) -> None:
    """Reports the batch's errors, then stores its ticks (skipped: the child's, its
    unparsable measurements this batch's)."""
    for number, reason in batch.errors:
        result.error_record(number, reason)  # counted as read (_BatchLines.error)
    for item in skipped.unparsable:
        result.error(batch.lines.get((item["timestamp"], item["subsystem"])), f"{item['subsystem']}: {item['reason']}")
    ours = result.ingest.skipped
    ours.ignored_subsystems, ours.unlisted_subsystems = skipped.ignored_subsystems, skipped.unlisted_subsystems
    ours.unlisted_measurements = skipped.unlisted_measurements
    store.raw_ticks_store(ticks=ticks, ids=ids, result=result)


@contextmanager
def _parsing_child(skipped: Skipped) -> Iterator[Connection]:
    """A child process parsing batches (_parse_loop), and this process's end of its pipe.
    Forked, so it starts in milliseconds with the code and settings loaded; of what it
    inherits it uses only the pipe (never the database connection or the file). It ends
    when this end closes: at the end of the read, or when this process dies (killed
    mid-job, nothing outlives it to hold its database session open)."""
    ours, theirs = _FORK.Pipe()
    child = _FORK.Process(target=_parse_loop, args=(theirs, ours, skipped), daemon=True, name="upload-parse")
    child.start()
    theirs.close()
    try:
        yield ours
    finally:
        ours.close()
        child.join(timeout=_CHILD_END_SECONDS)
        if child.is_alive():
            child.kill()
            child.join()


def _parse_loop(conn: Connection, parent_end: Connection, skipped: Skipped) -> None:
    """In the child: each batch's measurements in, (its ticks, what was skipped so far with
    this batch's unparsable measurements) out, or the exception parsing raised."""
    parent_end.close()  # so that the parent's end closing ends recv
    while True:
        try:
            measurements = conn.recv()
        except (EOFError, OSError):  # the job ended (or was killed)
            return
        try:
            parsed = (ticks_parse(measurements, skipped), skipped)
        except Exception as error:  # the job reports it as it reports its own
            parsed = error
        try:
            conn.send(parsed)
        except OSError:  # the job stopped before it took the answer
            return
        skipped.unparsable.clear()  # sent with their batch
