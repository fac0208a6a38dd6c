"""Raw captures (pcc, perfcollector1): the agent's measurements, one per line, parsed by the
agent's own code (metrics.ingest's ticks_parse) and stored by its writes (store.py), so
they store the same rows with the same values as the same ticks sent to /v1/trickle.

A line refused (not JSON, a field missing or of the wrong type) is reported with its
number; so is a subsystem ticks_parse cannot parse.

The file is read in batches of store.RAW_BATCH_TICKS ticks, three at most in memory: while
this process stores one batch, a child process parses the next (ticks_parse, the costliest
step of a capture after the COPY itself: 0.13 ms a tick against 0.09 for its rows and 0.18
for their COPY, measured on 2 cores) and this process reads the one after. A batch carries
its lines' errors, so that the job records them when it stores it, in the file's order;
the lines that stored nothing are counted at once (batches of lines only, batch.py)."""

import math
import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from multiprocessing.connection import Connection

import orjson

from metrics.envelope import EnvelopeError, envelope_parse
from metrics.ingest import Measurement, Skipped, Tick, ticks_parse
from metrics.uploads import store
from metrics.uploads.batch import LinesRead, UploadBatch
from metrics.uploads.errors import LineError
from metrics.uploads.lines import content, numbered_lines

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


def raw_batches(file, compressed: bool, parse_line: Callable[[bytes], Measurement]) -> Iterator[UploadBatch]:
    """The batches of a raw capture whose lines parse_line turns into measurements: each
    batch of ticks parsed by the child while the job stores the batch before it."""
    with _parsing_child() as child:
        parsing = None  # the batch the child parses
        for read in _read(file, compressed, parse_line):
            if isinstance(read, LinesRead):
                yield UploadBatch(lines=read)
                continue
            parsed = _parsed(child) if parsing is not None else None
            child.send(read.measurements())  # parsed while the batch before is stored
            if parsing is not None:
                yield _batch(parsing, *parsed)
            parsing = read
        if parsing is not None:
            yield _batch(parsing, *_parsed(child))


@dataclass
class _Batch:
    """Up to store.RAW_BATCH_TICKS ticks' measurements as read, with what their lines need
    reported: each measurement's line, and the lines of the batch refused."""

    pending: dict[int, list[Measurement]] = field(default_factory=dict)  # by tick
    lines: dict[tuple[int, str], int] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)

    def measurements(self) -> list[Measurement]:
        return [m for measurements in self.pending.values() for m in measurements]


def _read(file, compressed: bool, parse_line) -> Iterator[LinesRead | _Batch]:
    """The file's measurements in batches of ticks (each with its refused lines), and
    between them, every REPORT_LINES lines at most, the lines that stored nothing."""
    lines = LinesRead()
    batch = _Batch()
    for number, line in numbered_lines(content(file, compressed), lines):
        if lines.due():
            yield lines.taken(skipped=False)
        if not line.strip():
            continue
        try:
            measurement = parse_line(line)
        except LineError as error:
            lines.refused(number, str(error))
            continue
        # Read from the module at each batch: the upload benchmark sets it (--batch).
        if measurement.timestamp not in batch.pending and len(batch.pending) >= store.RAW_BATCH_TICKS:
            batch.skipped, lines.skipped = lines.skipped, []
            yield batch
            batch = _Batch()
        batch.pending.setdefault(measurement.timestamp, []).append(measurement)
        batch.lines[(measurement.timestamp, measurement.subsystem)] = number
    yield lines.taken(skipped=False)
    batch.skipped = lines.skipped
    yield batch


def _parsed(child: Connection) -> tuple[list[Tick], Skipped]:
    """The child's answer for the batch it parses; what parsing raised, raised here."""
    parsed = child.recv()
    if isinstance(parsed, Exception):
        raise parsed
    return parsed


def _batch(read: _Batch, ticks: list[Tick], skipped: Skipped) -> UploadBatch:
    """The batch as the job stores it: its ticks, its refused lines, then its unparsable
    measurements (skipped: the child's, with the subsystems it skipped so far)."""
    lines = LinesRead(idle=[], skipped=read.skipped)
    for item in skipped.unparsable:
        lines.refused(read.lines.get((item["timestamp"], item["subsystem"])),
                      f"{item['subsystem']}: {item['reason']}")
    return UploadBatch(lines=lines, raw=ticks, subsystems=skipped)


@contextmanager
def _parsing_child() -> Iterator[Connection]:
    """A child process parsing batches (_parse_loop), and this process's end of its pipe.
    Forked, so it starts in milliseconds with the code and settings loaded; of what it
    inherits it uses only the pipe (never the database connection or the file). It ends
    when this end closes: at the end of the read, or when this process dies (killed
    mid-job, nothing outlives it to hold its database session open)."""
    ours, theirs = _FORK.Pipe()
    child = _FORK.Process(target=_parse_loop, args=(theirs, ours), daemon=True, name="upload-parse")
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


def _parse_loop(conn: Connection, parent_end: Connection) -> None:
    """In the child: each batch's measurements in, (its ticks, what was skipped: the
    subsystems so far, this batch's unparsable measurements) out, or the exception parsing
    raised."""
    parent_end.close()  # so that the parent's end closing ends recv
    skipped = Skipped()
    while True:
        try:
            measurements = conn.recv()
        except (EOFError, OSError):  # the job ended (or was killed)
            return
        skipped = replace(skipped, unparsable=[])  # the subsystems' counts go on
        try:
            parsed = (ticks_parse(measurements, skipped), skipped)
        except Exception as error:  # the job reports it as it reports its own
            parsed = error
        try:
            conn.send(parsed)
        except OSError:  # the job stopped before it took the answer
            return
