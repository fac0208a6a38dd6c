"""Uploads: a file of past measurements (POST /api/performance/upload/) into samples.

The request runs the bounded checks (upload_inspect) and queues the file; a worker reads
it (upload_read) in a background job (metrics/upload_jobs.py).

    upload_inspect(*, file) -> Inspection(format, compressed, identifier)
        raises UploadRejected (its .status: 400, 413 or 415), reading at most a few MB
    upload_collector(*, organization, collector_id, api_key, identifier) -> Collector
        raises Http404 (a collector of another organization, or not the key's own),
        IdentifierRefused / IdentifierInvalid (keys), ValidationError ({"collector": ...})
    upload_read(*, file, format, compressed, ids, result) -> None   (in the worker)
    upload_delete(*, upload) -> None   (the record and its waiting file; stored samples stay)

Formats, detected from the content (never from the file name), each one optionally
gzip-compressed (except the zip):

    pcc              pcc's local-mode capture: one trickle measurement per line,
                     {"timestamp", "subsystem", "measurement"} (collection.ndjson); a line
                     may carry "identifier" (the host's machine id), which names the host
    perfcollector1   {"Site", "Host", "Run", "Measurement": {"Timestamp" (RFC 3339),
                     "System", "Measurement", "Frequency"?}} per line
    portal_csv       the portal's CSV (collector-protocol.md)
    pcprocess_zip    a zip of pcprocess's CSV tree (metrics/pcprocess.py), at the root or
                     in one folder

Checked at once (upload_inspect): the size, the format (from the first non-blank line,
within DETECT_MAX_BYTES of content), a CSV's header, a zip's directory (paths, symlinks,
entry count, declared sizes and compression ratios) and its CSVs' headers. What only a
full read finds (bad lines, a gzip bomb's inflated size) is reported by the job.

Raw captures (pcc, perfcollector1) go through the agent's code path: metrics.ingest's
ticks_parse then ticks_store, BATCH_TICKS ticks per call, so they store the same rows with
the same values as the same ticks sent to /v1/trickle.

Processed inputs fill the columns they carry (the full map: docs/api.md, "Uploads"):
    portal_csv     cpu_sample (cpu -1: user, system, idle, iowait, steal %), memory_sample
                   (total, used, free, cached kB as the portal computed them),
                   disk_total_sample (read/written sectors/s = bytes/s / 512, disks = 1),
                   network_total_sample (rx/tx kB/s = bytes/s / 1024, interfaces = 1);
    pcprocess_zip  cpu_sample per CPU, memory_sample (mem_total_kb derived as
                   kbmemused / %memused), network_sample per interface, disk_sample per
                   device, filesystem_sample per mount, and the host totals summed from
                   them over the same devices and interfaces as metrics.host_totals.
Their counter columns hold an empty array, which metrics.ingest never pairs a raw tick
with. Their ticks are recorded in sample_tick like the agent's: of a raw and a processed
tick of the same second, the first to arrive is kept and the other is a duplicate.

Memory: the file is read line by line, a line at most MAX_LINE_BYTES, gzip inflated as it
is read; zip members are read as streams, never extracted. At most one batch of ticks is
held at a time.

Each batch is its own transaction, and calls result.on_batch inside it (the job records
its counts there): a read cut short keeps what it stored, and reading the file again
stores the rest, never a tick twice.
"""

import csv
import gzip
import heapq
import itertools
import json
import math
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from accounts.models import ApiKey, Organization
from metrics import arithmetic, pcprocess
from metrics.collectors import collector_create, collector_for_agent, collector_get_for_org
from metrics.envelope import EnvelopeError, envelope_parse
from metrics.host_totals import NETWORK_TOTAL_SUMS, disk_total, disks_in_total, interface_in_total, network_total
from metrics.ingest import (
    CPU_RATES,
    DISK_RATES,
    MEMORY_GAUGES,
    NETWORK_RATES,
    IngestResult,
    Measurement,
    SampleRows,
    batch_store,
    ticks_parse,
    ticks_store,
)
from metrics.models import Collector, Upload
from xat.timestamps import iso_z

FORMATS = ("pcc", "perfcollector1", "portal_csv", "pcprocess_zip")
# Ticks per transaction (one ticks_store or samples_write call). bench/upload.py on a 100 MB
# 4-vCPU capture: 100 .. 500 ticks run at the same speed within the noise, 2000 is ~15 %
# slower; peak memory grows with the batch (+19 MB at 250, +35 MB at 500, +143 MB at 2000).
BATCH_TICKS = 250
MAX_ERRORS = 100
MAX_LINE_BYTES = 8 * 1024 * 1024
# Blank content read at most before the format is named: a gzip of nothing but newlines
# (1 MB inflates to 1 GB) is refused at once instead of read to its end.
DETECT_MAX_BYTES = 1024 * 1024
ZIP_MAX_ENTRIES = 64
ZIP_MAX_RATIO = 100             # inflated / compressed, for a member over ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1024 * 1024
PORTAL_COLUMNS = ("timestamp", "cpu_user", "cpu_system", "cpu_idle", "cpu_iowait", "cpu_steal", "mem_total_kb",
                  "mem_used_kb", "mem_free_kb", "mem_cached_kb", "disk_read_bytes", "disk_write_bytes",
                  "net_rx_bytes", "net_tx_bytes")
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_NO_COUNTERS = ()  # stored as an empty bigint[]: nothing for metrics.ingest to pair with
# Ticks before 2000 or more than a day ahead are refused, as on the agent path (metrics.envelope).
_ENVELOPE_HEAD = b'{"identifier":"upload","measurements":['


class UploadRejected(Exception):
    """The file is refused as a whole; nothing was stored."""

    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.payload = {"error": message, **details}


class UnknownFormat(UploadRejected):
    status = 415


class UploadTooLarge(UploadRejected):
    status = 413


class _LineError(ValueError):
    pass


@dataclass
class UploadResult:
    """What reading the file stored and skipped. `carried`: the counts (as_dict) an earlier
    attempt at the same file saved before it was cut short; this read finds the ticks that
    attempt stored as duplicates, and as_dict counts them once, as stored."""

    format: str
    compressed: bool
    collector_id: int
    on_batch: Callable[[], None]  # inside each batch's transaction, after its store
    on_line: Callable[[], None]   # after each line read
    carried: dict = field(default_factory=dict)
    ingest: IngestResult = field(default_factory=IngestResult)
    errors: list = field(default_factory=list)
    errors_total: int = 0

    def error(self, line: int | None, reason: str, *, file: str | None = None) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"line": line, "error": reason} | ({"file": file} if file else {}))

    def as_dict(self) -> dict:
        ingest, carried = self.ingest, self.carried
        stored_before = carried.get("ticks", 0)
        families = dict(carried.get("rows_by_family", {}))
        for family, rows in ingest.rows_by_family.items():
            families[family] = families.get(family, 0) + rows
        # Times written by iso_z have one width: as texts they sort as the times do.
        firsts = [t for t in (carried.get("first"), None if ingest.first is None else iso_z(ingest.first)) if t]
        lasts = [t for t in (carried.get("last"), None if ingest.last is None else iso_z(ingest.last)) if t]
        return {
            "format": self.format,
            "compressed": self.compressed,
            "collector": self.collector_id,
            "ticks": stored_before + ingest.ticks,
            "rows": carried.get("rows", 0) + ingest.rows,
            "rows_by_family": families,
            "first": min(firsts, default=None),
            "last": max(lasts, default=None),
            # The earlier attempts' ticks come again as duplicates: they are this file's own.
            "duplicate_ticks": max(0, ingest.skipped.duplicate_ticks - stored_before),
            "ignored_subsystems": ingest.skipped.ignored_subsystems,
            "errors": self.errors,
            "errors_total": self.errors_total,
        }


@dataclass(frozen=True)
class Inspection:
    format: str
    compressed: bool
    identifier: str | None  # the host a pcc capture names, if it does


def upload_inspect(*, file) -> Inspection:
    """The checks that need no full read of the file (module docstring); UploadRejected
    (400, 413 or 415) for the first that fails."""
    limit = settings.XAT_UPLOAD_MAX_BYTES
    if file.size > limit:
        raise UploadTooLarge(f"the file is larger than {limit} bytes", limit=limit)
    detected, compressed, identifier, first = _detect(file)
    if detected == "portal_csv":
        _portal_columns(_csv_header(first))
    elif detected == "pcprocess_zip":
        archive, root = _zip_open(file)
        with archive:
            for tree_file, member in _tree_members(archive, root):
                try:
                    first = _first_line(archive.open(member)) or b""
                except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as error:
                    raise UploadRejected(f"{tree_file.path} cannot be read ({error})") from None
                _tree_columns_check(_csv_header(first), tree_file)
    file.seek(0)
    return Inspection(detected, compressed, identifier)


def upload_read(*, file, format: str, compressed: bool, ids: dict, result: UploadResult) -> None:
    """Stores what a file upload_inspect accepted holds, batch by batch (the upload job)."""
    _READERS[format](file, compressed, ids, result)


def upload_file_path(upload: Upload) -> Path:
    """Where the uploaded file waits for its job (XAT_UPLOAD_DIR, shared by web and worker)."""
    return Path(settings.XAT_UPLOAD_DIR) / f"{upload.uuid}.upload"


def upload_delete(*, upload: Upload) -> None:
    """Forgets the upload, and its file if it still waits: its job then finds nothing to do.
    What it stored are its collector's samples now, like any tick's: they stay (a sample
    does not know its upload)."""
    upload_file_path(upload).unlink(missing_ok=True)
    upload.delete()


def upload_collector(*, organization: Organization, collector_id, api_key: ApiKey | None,
                     identifier: str | None) -> Collector:
    """The collector an upload writes to: the one named (404 if not the organization's, or
    not the collector key's own), else the key's, else the one the capture names (matched
    or registered by identifier, as an organization key's trickle would)."""
    if collector_id not in (None, ""):
        collector = collector_get_for_org(organization=organization, collector_id=collector_id)
        if api_key is not None and api_key.collector_id not in (None, collector.pk):
            raise Http404("This key writes another collector.")
        return collector
    if api_key is not None and (api_key.collector_id is not None or identifier):
        return collector_for_agent(key=api_key, identifier=identifier)
    if identifier:
        existing = Collector.objects.filter(organization=organization, identifier=identifier).first()
        return existing or collector_create(organization=organization, name=identifier[:200], identifier=identifier)
    raise ValidationError({"collector": "Required: this file does not name its host."})


# --- Reading the file --------------------------------------------------------------------


def _content(file, compressed: bool):
    file.seek(0)
    return gzip.GzipFile(fileobj=file, mode="rb") if compressed else file


def _lines(stream, result: UploadResult, *, file: str | None = None) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of a binary stream. A line longer than MAX_LINE_BYTES is reported
    and skipped; a corrupt gzip stream or one inflating past XAT_UPLOAD_MAX_INFLATED_BYTES
    is reported and ends the file (what came before it is stored)."""
    number = total = 0
    limit = settings.XAT_UPLOAD_MAX_INFLATED_BYTES
    try:
        while line := stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            total += len(line)
            result.on_line()
            if total > limit:
                result.error(number, f"stopped here: the content is larger than {limit} bytes", file=file)
                return
            if len(line) > MAX_LINE_BYTES:
                result.error(number, f"longer than {MAX_LINE_BYTES} bytes: skipped", file=file)
                while line and not line.endswith(b"\n"):
                    line = stream.readline(MAX_LINE_BYTES + 1)
                    total += len(line)
                continue
            yield number, line
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as error:
        result.error(number + 1, f"stopped here: the file cannot be read further ({error})", file=file)


def _first_line(stream) -> bytes | None:
    """The first non-blank line of a binary stream (at most MAX_LINE_BYTES), b"" for a
    stream with none, None when DETECT_MAX_BYTES of blank content came first."""
    blank = 0
    while line := stream.readline(MAX_LINE_BYTES):
        if line.strip():
            return line
        blank += len(line)
        if blank > DETECT_MAX_BYTES:
            return None
    return b""


def _csv_header(line: bytes) -> list[str]:
    return next(csv.reader([line.decode("utf-8-sig", errors="replace")]), [])


def _detect(file) -> tuple[str, bool, str | None, bytes]:
    """(format, gzip-compressed, the host identifier the capture names if any, the first
    non-blank line) from the content, reading at most DETECT_MAX_BYTES of blank lines and
    one line; UnknownFormat naming what was recognised otherwise."""
    file.seek(0)
    magic = file.read(4)
    if magic.startswith(_ZIP_MAGICS):
        return "pcprocess_zip", False, None, b""
    compressed = magic.startswith(_GZIP_MAGIC)
    what = "gzip-compressed " if compressed else ""
    stream = _content(file, compressed)
    try:
        first = _first_line(stream)
        if first is None:
            raise UnknownFormat(f"recognised {what}blank lines: the first {DETECT_MAX_BYTES} bytes hold nothing else",
                                recognised=f"{what}blank lines")
        if compressed and first.startswith(_ZIP_MAGICS):
            raise UnknownFormat("recognised a gzip-compressed zip archive: upload the zip itself",
                                recognised="gzip, zip")
    except (OSError, EOFError, zlib.error) as error:
        raise UnknownFormat(f"recognised gzip data that cannot be inflated ({error})", recognised="gzip") from None
    finally:
        file.seek(0)
    text = first.lstrip(b"\xef\xbb\xbf").strip()
    if not text:
        raise UnknownFormat(f"recognised {what}an empty file", recognised=f"{what}empty")
    if text.startswith(b"{"):
        try:
            item = json.loads(text)
        except ValueError:
            raise UnknownFormat(f"recognised {what}text starting with '{{' whose first line is not JSON",
                                recognised=f"{what}text") from None
        if isinstance(item, dict) and {"timestamp", "subsystem", "measurement"} <= item.keys():
            identifier = item.get("identifier")
            named = identifier.strip() if isinstance(identifier, str) and identifier.strip() else None
            return "pcc", compressed, named, text
        if isinstance(item, dict) and isinstance(item.get("Measurement"), dict) and "System" in item["Measurement"]:
            return "perfcollector1", compressed, None, text
        keys = sorted(item)[:12] if isinstance(item, dict) else []
        raise UnknownFormat(
            f"recognised {what}JSON lines with keys {keys}: neither a pcc capture (timestamp, subsystem, "
            "measurement) nor a PerfCollector1 capture (Measurement.System)",
            recognised=f"{what}JSON lines",
        )
    try:
        header = text.decode()
    except UnicodeDecodeError:
        header = "\x00"
    if not header.isprintable():
        raise UnknownFormat(f"recognised {what}binary data", recognised=f"{what}binary")
    if "," in header and "timestamp" in [name.strip().lower() for name in header.split(",")]:
        return "portal_csv", compressed, None, text
    kind = "a CSV header without a timestamp column" if "," in header else "text"
    raise UnknownFormat(
        f"recognised {what}{kind}: expected a pcc or PerfCollector1 capture, a portal CSV or a pcprocess zip",
        recognised=f"{what}{'csv' if ',' in header else 'text'}",
    )


# --- Raw captures: through metrics.ingest ------------------------------------------------


def _pcc_measurement(line: bytes) -> Measurement:
    """One capture line, checked exactly as one measurement of an agent's request."""
    try:
        return envelope_parse(_ENVELOPE_HEAD + line + b"]}").measurements[0]
    except EnvelopeError as error:
        if error.field == "body":
            raise _LineError("not a JSON object") from None
        raise _LineError(f"{error.field.removeprefix('measurements[0]').lstrip('.') or 'line'}: {error.reason}") from None


def _perfcollector1_measurement(line: bytes) -> Measurement:
    try:
        item = json.loads(line)
    except ValueError:
        raise _LineError("not valid JSON") from None
    inner = item.get("Measurement") if isinstance(item, dict) else None
    if not isinstance(inner, dict):
        raise _LineError("no 'Measurement' object")
    stamp = inner.get("Timestamp")
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        raise _LineError(f"Measurement.Timestamp {str(stamp)[:40]!r} is not an RFC 3339 time") from None
    if moment.tzinfo is None:
        raise _LineError("Measurement.Timestamp has no UTC offset")
    pcc_line = {"timestamp": math.floor(moment.timestamp()), "subsystem": inner.get("System"),
                "measurement": inner.get("Measurement")}
    return _pcc_measurement(json.dumps(pcc_line).encode())


def _raw_read(parse_line):
    def read(file, compressed: bool, ids: dict, result: UploadResult) -> None:
        pending: dict[int, list[Measurement]] = {}
        lines: dict[tuple[int, str], int] = {}
        for number, line in _lines(_content(file, compressed), result):
            if not line.strip():
                continue
            try:
                measurement = parse_line(line)
            except _LineError as error:
                result.error(number, str(error))
                continue
            if measurement.timestamp not in pending and len(pending) >= BATCH_TICKS:
                _raw_store(pending, lines, ids, result)
                pending, lines = {}, {}
            pending.setdefault(measurement.timestamp, []).append(measurement)
            lines[(measurement.timestamp, measurement.subsystem)] = number
        _raw_store(pending, lines, ids, result)

    return read


def _raw_store(pending: dict, lines: dict, ids: dict, result: UploadResult) -> None:
    skipped = result.ingest.skipped
    before = len(skipped.unparsable)
    ticks = ticks_parse([m for measurements in pending.values() for m in measurements], skipped)
    for item in skipped.unparsable[before:]:
        result.error(lines.get((item["timestamp"], item["subsystem"])), f"{item['subsystem']}: {item['reason']}")
    del skipped.unparsable[before:]  # reported above, with their line
    with transaction.atomic():
        ticks_store(**ids, ticks=ticks, result=result.ingest)
        result.on_batch()


# --- Processed inputs: the columns they carry --------------------------------------------


@dataclass
class _ProcessedTick:
    cpu: dict = field(default_factory=dict)
    memory: dict | None = None
    disk: dict = field(default_factory=dict)
    network: dict = field(default_factory=dict)
    filesystems: dict = field(default_factory=dict)
    disk_total: dict | None = None
    network_total: dict | None = None
    disk_in_total: set = field(default_factory=set)


def _processed_store(ticks: dict[int, _ProcessedTick], ids: dict, result: UploadResult) -> None:
    """Stores the ticks not stored yet, in one transaction, through metrics.ingest's batch
    writer (same statements, same per-collector lock)."""
    if not ticks:
        return

    def rows_for(new_times, placed, stored) -> SampleRows:
        rows = SampleRows()
        for t in new_times:
            _processed_rows(rows, t, ticks[t])
        return rows

    with transaction.atomic():
        batch_store(**ids, times=sorted(ticks), result=result.ingest, rows_for=rows_for)
        result.on_batch()


def _processed_rows(rows: SampleRows, t: int, tick: _ProcessedTick) -> None:
    for cpu, rates in tick.cpu.items():
        rows.add("cpu", t, cpu, rates, counters=_NO_COUNTERS)
    for device, rates in tick.disk.items():
        rows.add("disk", t, device, rates, in_total=device in tick.disk_in_total, counters=_NO_COUNTERS)
    for interface, rates in tick.network.items():
        rows.add("network", t, interface, rates, in_total=interface_in_total(interface), counters=_NO_COUNTERS)
    if tick.disk_total is not None:
        rows.add("disk_total", t, None, tick.disk_total)
    if tick.network_total is not None:
        rows.add("network_total", t, None, tick.network_total)
    if tick.memory is not None:
        rows.add("memory", t, None, tick.memory)
    for mount, gauges in tick.filesystems.items():
        rows.add("filesystem", t, mount, gauges)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def _kb(text: str) -> int:
    value = _number(text)
    if value < 0 or value > 2**62:
        raise ValueError(f"{text!r} is not a size in kB")
    return round(value)


def _timestamp(text: str) -> int:
    value = _number(text)
    if not 946684800 <= value <= datetime.now(UTC).timestamp() + 86400:
        raise ValueError(f"timestamp {text!r} is outside 2000-01-01 .. one day from now")
    return math.floor(value)


def _csv_rows(numbered_lines: Iterator[tuple[int, bytes]], result: UploadResult, *, file: str | None = None):
    """(line number, cells) of CSV lines; lines that are not UTF-8 are reported and skipped."""
    current = [0]

    def decoded():
        for number, line in numbered_lines:
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                result.error(number, "not UTF-8 text: skipped", file=file)
                continue
            current[0] = number
            yield text

    for cells in csv.reader(decoded()):
        if cells and any(cell.strip() for cell in cells):
            yield current[0], [cell.strip() for cell in cells]


def _portal_read(file, compressed: bool, ids: dict, result: UploadResult) -> None:
    rows = _csv_rows(_lines(_content(file, compressed), result), result)
    _, header = next(rows, (0, []))
    at = _portal_columns(header)
    batch: dict[int, _ProcessedTick] = {}
    for number, cells in rows:
        try:
            if len(cells) < len(header):
                raise ValueError(f"{len(cells)} cells, the header has {len(header)}")
            value = {name: cells[index] for name, index in at.items()}
            t = _timestamp(value["timestamp"])
            batch[t] = _portal_tick(value)
        except ValueError as error:
            result.error(number, str(error))
            continue
        if len(batch) >= BATCH_TICKS:
            _processed_store(batch, ids, result)
            batch = {}
    _processed_store(batch, ids, result)


def _portal_columns(header: list[str]) -> dict[str, int]:
    """The index of each of PORTAL_COLUMNS in a portal CSV's header; UploadRejected listing
    those it lacks."""
    names = [name.strip().lower() for name in header]
    missing = [name for name in PORTAL_COLUMNS if name not in names]
    if missing:
        raise UploadRejected("the CSV lacks required columns", missing_columns=missing)
    return {name: names.index(name) for name in PORTAL_COLUMNS}


def _portal_tick(value: dict) -> _ProcessedTick:
    pct = {name: _number(value[column]) for name, column in
           (("user_pct", "cpu_user"), ("system_pct", "cpu_system"), ("idle_pct", "cpu_idle"),
            ("iowait_pct", "cpu_iowait"), ("steal_pct", "cpu_steal"))}
    memory = dict.fromkeys(MEMORY_GAUGES) | {
        "mem_total_kb": _kb(value["mem_total_kb"]), "mem_used_kb": _kb(value["mem_used_kb"]),
        "mem_free_kb": _kb(value["mem_free_kb"]), "cached_kb": _kb(value["mem_cached_kb"]),
    }
    if memory["mem_total_kb"] <= 0:
        raise ValueError("mem_total_kb must be positive")
    tick = _ProcessedTick(cpu={-1: dict.fromkeys(CPU_RATES) | pct}, memory=memory)
    tick.disk_total = dict.fromkeys(DISK_RATES) | {
        "disks": 1,
        "read_sectors_ps": _number(value["disk_read_bytes"]) / 512,
        "written_sectors_ps": _number(value["disk_write_bytes"]) / 512,
    }
    tick.network_total = dict.fromkeys(NETWORK_TOTAL_SUMS) | {
        "interfaces": 1,
        "rx_kb_ps": _number(value["net_rx_bytes"]) / 1024,
        "tx_kb_ps": _number(value["net_tx_bytes"]) / 1024,
    }
    return tick


# --- pcprocess zip -----------------------------------------------------------------------


def _zip_open(file) -> tuple[zipfile.ZipFile, str]:
    """The archive and the folder its tree is in, after checking its directory."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UploadRejected(f"not a readable zip archive ({error})") from None
    if len(entries) > ZIP_MAX_ENTRIES:
        raise UploadRejected(f"the zip has {len(entries)} entries, at most {ZIP_MAX_ENTRIES} are accepted")
    declared = 0
    for entry in entries:
        name = entry.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts or "\x00" in name:
            raise UploadRejected(f"the zip has a path outside its root: {name[:200]!r}")
        if entry.create_system == 3 and stat.S_ISLNK(entry.external_attr >> 16):
            raise UploadRejected(f"the zip has a symbolic link: {name[:200]!r}")
        if entry.flag_bits & 0x1:
            raise UploadRejected(f"the zip has an encrypted entry: {name[:200]!r}")
        if entry.file_size > ZIP_RATIO_FROM and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
            raise UploadRejected(f"the zip looks like a zip bomb: {name[:200]!r} declares a compression ratio "
                                 f"over {ZIP_MAX_RATIO}")
        declared += entry.file_size
    limit = settings.XAT_UPLOAD_MAX_INFLATED_BYTES
    if declared > limit:
        raise UploadRejected(f"the zip looks like a zip bomb: it declares {declared} bytes, over {limit}")
    roots = {entry.filename[: -len(pcprocess.STAT.path)] for entry in entries
             if entry.filename == pcprocess.STAT.path or entry.filename.endswith("/" + pcprocess.STAT.path)}
    if len(roots) != 1:
        names = [entry.filename for entry in entries[:10]]
        raise UnknownFormat(
            f"recognised a zip archive, but not one pcprocess tree (proc/stat, proc/meminfo, proc/net/dev, "
            f"proc/diskstats): it holds {names}",
            recognised="zip",
        )
    root = roots.pop()
    present = {entry.filename for entry in entries}
    missing = [f.path for f in pcprocess.TREE if f.required and root + f.path not in present]
    if missing:
        raise UploadRejected("the pcprocess tree lacks required files", missing_files=missing)
    return archive, root


def _tree_groups(archive, member: str, tree_file, result: UploadResult):
    """(timestamp, tree file, [(line, row dict)]) per timestamp of one CSV of the tree, in
    time order; a row whose timestamp goes back in time is reported and skipped."""
    rows = _csv_rows(_lines(archive.open(member), result, file=tree_file.path), result, file=tree_file.path)
    _, header = next(rows, (0, []))
    header = _tree_columns_check(header, tree_file)

    def groups():
        latest = None
        for t, numbered in itertools.groupby(_timestamped(rows, header, tree_file, result), key=lambda r: r[0]):
            group = [(number, row) for _, number, row in numbered]
            if latest is not None and t <= latest:
                for number, _ in group:
                    result.error(number, f"timestamp {t} is not after {latest}: skipped", file=tree_file.path)
                continue
            latest = t
            yield t, tree_file.path, group

    return groups()


def _tree_columns_check(header: list[str], tree_file) -> list[str]:
    """The header of a CSV of the tree (without pcprocess's leading '#'); UploadRejected
    listing the columns it lacks."""
    names = [name.strip() for name in header]
    if names:
        names[0] = names[0].lstrip("#")
    missing = [name for name in tree_file.names if name not in names]
    if missing:
        raise UploadRejected(f"{tree_file.path} lacks required columns", missing_columns=missing)
    return names


def _tree_members(archive: zipfile.ZipFile, root: str):
    """(tree file, member name) of each file of the tree the archive holds."""
    present = set(archive.namelist())
    return [(f, root + f.path) for f in pcprocess.TREE if root + f.path in present]


def _timestamped(rows, header, tree_file, result):
    for number, cells in rows:
        row = dict(zip(header, cells))
        try:
            yield _timestamp(row.get("timestamp", "")), number, row
        except ValueError as error:
            result.error(number, str(error), file=tree_file.path)


def _zip_read(file, compressed: bool, ids: dict, result: UploadResult) -> None:
    archive, root = _zip_open(file)
    with archive:
        streams = [_tree_groups(archive, member, f, result) for f, member in _tree_members(archive, root)]
        merged = heapq.merge(*streams, key=lambda group: group[0])
        batch: dict[int, _ProcessedTick] = {}
        for t, groups in itertools.groupby(merged, key=lambda group: group[0]):
            tick = _ProcessedTick()
            for _, path, rows in groups:
                for number, row in rows:
                    try:
                        _tree_row_add(tick, path, row)
                    except (ValueError, KeyError) as error:
                        result.error(number, f"{error}", file=path)
            _tree_totals(tick)
            batch[t] = tick
            if len(batch) >= BATCH_TICKS:
                _processed_store(batch, ids, result)
                batch = {}
        _processed_store(batch, ids, result)


def _mapped(row: dict, tree_file) -> dict:
    return {ours: _number(row[theirs]) for theirs, ours in tree_file.columns.items()}


def _tree_row_add(tick: _ProcessedTick, path: str, row: dict) -> None:
    if path == pcprocess.STAT.path:
        tick.cpu[int(row["CPU"])] = dict.fromkeys(CPU_RATES) | _mapped(row, pcprocess.STAT)
    elif path == pcprocess.MEMINFO.path:
        values = _mapped(row, pcprocess.MEMINFO)
        if not values["mem_used_pct"] or values["mem_used_pct"] <= 0:
            raise ValueError("%memused must be positive to derive MemTotal (kbmemused / %memused)")
        memory = dict.fromkeys(MEMORY_GAUGES) | values
        for name in ("mem_free_kb", "mem_available_kb", "mem_used_kb", "buffers_kb", "cached_kb", "commit_kb",
                     "active_kb", "inactive_kb", "dirty_kb"):
            memory[name] = round(memory[name])
        memory["mem_total_kb"] = round(values["mem_used_kb"] / (values["mem_used_pct"] / 100))
        tick.memory = memory
    elif path == pcprocess.NET_DEV.path:
        tick.network[row["IFACE"]] = dict.fromkeys(NETWORK_RATES) | _mapped(row, pcprocess.NET_DEV)
    elif path == pcprocess.DISKSTATS.path:
        tick.disk[row["DEV"]] = dict.fromkeys(DISK_RATES) | _mapped(row, pcprocess.DISKSTATS)
    else:
        block_size, blocks_total, blocks_available = (int(row[name]) for name in ("blocksize", "blockstotal",
                                                                                    "blocksavail"))
        if min(block_size, blocks_total, blocks_available) < 0:
            raise ValueError("statfs numbers must not be negative")
        tick.filesystems[row["mount"]] = arithmetic.filesystem_gauges(block_size, blocks_total, blocks_available)


def _tree_totals(tick: _ProcessedTick) -> None:
    """Host totals as metrics.host_totals sums them; the columns pcprocess does not carry
    stay NULL."""
    tick.disk_in_total = disks_in_total(tick.disk)
    if tick.disk:
        whole = {name: tick.disk[name] for name in tick.disk_in_total}
        tick.disk_total = disk_total(whole) | {"disks": len(whole)}
    if tick.network:
        physical = {name: rates for name, rates in tick.network.items() if interface_in_total(name)}
        tick.network_total = network_total(physical) | {"interfaces": len(physical)}

_READERS = {
    "pcc": _raw_read(_pcc_measurement),
    "perfcollector1": _raw_read(_perfcollector1_measurement),
    "portal_csv": _portal_read,
    "pcprocess_zip": _zip_read,
}
