"""Exports for R and spreadsheets (GET /api/performance/export/): selectors that stream.

    export_open(*, organization, collectors, start, end, resolution, format, using="default") -> Export
        Export.chunks: an iterator of bytes, to hand to a StreamingHttpResponse; its first
        chunk is read by export_open, so that a database which fails at the start fails
        there (a replica's read is then run again on the primary, xat/replicas.py).

Formats (columns and units: docs/api.md, "Export"):
    csv   one wide row per collector and tick: headline CPU %, memory, disk and network totals
    json  the same rows as a JSON array of records
    sar   a zip of pcprocess's CSV tree (metrics/pcprocess.py) per collector, per CPU,
          device and interface rows: the tree at the root for one collector, one folder
          `<id>-<name>/` per collector for several

Constant memory: every query is read through a server-side cursor, EXPORT_CHUNK_ROWS
rows at a time, inside one read-only transaction (so the cursor streams instead of being
materialised WITH HOLD); the zip is written to a non-seekable stream (zipfile then writes
data descriptors) and handed out as it grows.

Resolutions: `raw` (the sample tables); `1m`, `1h`, `1d` (csv and json: the aggregates'
`_avg` of each bucket, one row per collector and bucket; sar is raw only).

CSV injection (csv and sar, the formats a spreadsheet opens): a text cell beginning with
=, +, -, @, ;, tab or CR, or with the full-width ＝ ＋ － ＠ (which some spreadsheets read as
their ASCII forms), gets a leading apostrophe; numbers are written as numbers, whatever
their sign. JSON keeps every text exactly: it is read by programs, not run as formulas.
"""

import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, transaction

from metrics import catalogue, pcprocess
from xat import sqlfiles
from xat.timestamps import iso_z

EXPORT_CHUNK_ROWS = 5000
# The wide rows (csv, json): raw samples, or the averages of each bucket of the aggregates
# at one level (metrics/catalogue.py, LEVELS).
RESOLUTIONS = catalogue.RESOLUTIONS
SAR_RESOLUTIONS = ("raw",)  # pcprocess's tree holds per-tick rows
FORMATS = ("csv", "json", "sar")
# (column, unit) in the order of export_wide_raw's after collector_id and the time (both
# generated from the catalogue's WIDE_EXPORT).
WIDE_COLUMNS = tuple((column.name, column.unit) for column in catalogue.WIDE_EXPORT)
HEADER = ("collector_id", "collector", "time", "timestamp", *(name for name, _ in WIDE_COLUMNS))
# OWASP's list (= + - @ tab CR), `;`, and the full-width ＝ ＋ － ＠, which some spreadsheets
# take for their ASCII forms.
_INJECTION_STARTS = ("=", "+", "-", "@", ";", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_SAR_QUERIES = {
    pcprocess.STAT.path: "export_sar_stat_raw",
    pcprocess.MEMINFO.path: "export_sar_meminfo_raw",
    pcprocess.NET_DEV.path: "export_sar_net_dev_raw",
    pcprocess.DISKSTATS.path: "export_sar_diskstats_raw",
    pcprocess.STATFS.path: "export_sar_statfs_raw",
}


@dataclass
class Export:
    content_type: str
    file_name: str
    chunks: Iterator[bytes]


def export_open(*, organization, collectors: list, start: int, end: int, resolution: str, format: str,
                using: str = "default") -> Export:
    """collectors: the organization's Collector rows (already checked by the caller)."""
    assert resolution in RESOLUTIONS and format in FORMATS
    assert format != "sar" or resolution in SAR_RESOLUTIONS
    params = {"organization_id": organization.pk, "start": start, "end": end, "using": using}
    span = f"{_stamp(start)}-{_stamp(end)}"
    who = _slug(collectors[0].name) if len(collectors) == 1 else f"{len(collectors)}-collectors"
    base = f"xat-{_slug(organization.slug)}-{who}-{resolution}-{span}"
    if format == "sar":
        return Export("application/zip", f"{base}-sar.zip", _started(_sar_zip(collectors, params)))
    if resolution == "raw":
        rows = _wide_rows("export_wide_raw", collectors, params)
    else:
        rows = _wide_rows("export_wide_aggregated", collectors, params, at_level=resolution)
    if format == "json":
        return Export("application/json", f"{base}.json", _started(_json_chunks(rows)))
    return Export("text/csv; charset=utf-8", f"{base}.csv", _started(_csv_chunks(rows)))


def _started(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """chunks, its first one read now: that runs the first query (every format's first chunk
    waits for rows), before any byte of the answer is sent."""
    first = next(chunks)
    return itertools.chain([first], chunks)


def _stamp(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y%m%dT%H%M%SZ")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-.")[:60] or "collector"


def text_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_INJECTION_STARTS) else value


def _rows(name: str, *, using: str, at_level: str | None = None, **params) -> Iterator[tuple]:
    with transaction.atomic(using=using), connections[using].chunked_cursor() as cursor:
        cursor.execute(sqlfiles.query(name, at_level=at_level), params)
        while rows := cursor.fetchmany(EXPORT_CHUNK_ROWS):
            yield from rows


def _wide_rows(query: str, collectors: list, params: dict, *, at_level: str | None = None) -> Iterator[tuple]:
    names = {collector.pk: collector.name for collector in collectors}
    for collector_id, t, *values in _rows(query, at_level=at_level, **params, collector_ids=sorted(names)):
        iso = iso_z(t)
        yield (collector_id, names[collector_id], iso, t, *values)


def _csv_chunks(rows: Iterator[tuple]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; a CR in a cell gets it quoted
    writer.writerow(HEADER)
    for count, row in enumerate(rows, 1):
        writer.writerow(text_cell(v) if isinstance(v, str) else pcprocess.number_text(v) for v in row)
        if count % 1000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _json_chunks(rows: Iterator[tuple]) -> Iterator[bytes]:
    parts = ["["]
    for count, row in enumerate(rows):
        parts.append(("," if count else "") + json.dumps(dict(zip(HEADER, row)), allow_nan=False))
        if len(parts) >= 1000:
            yield "\n".join(parts).encode()
            parts = []
    parts.append("]")
    yield "\n".join(parts).encode()


class _Pipe(io.RawIOBase):
    """A write-only, non-seekable stream whose bytes are taken out as they come."""

    def __init__(self):
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)

    def take(self) -> bytes:
        out = bytes(self.data)
        self.data.clear()
        return out


def _sar_zip(collectors: list, params: dict) -> Iterator[bytes]:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for collector in collectors:
            folder = "" if len(collectors) == 1 else f"{collector.pk}-{_slug(collector.name)}/"
            for tree_file in pcprocess.TREE:
                info = zipfile.ZipInfo(folder + tree_file.path, date_time=datetime.now(UTC).timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w", force_zip64=True) as member:
                    member.write((tree_file.header + "\n").encode())
                    lines = []
                    for row in _rows(_SAR_QUERIES[tree_file.path], **params, collector_id=collector.pk):
                        lines.append(_sar_line(tree_file, row))
                        if len(lines) >= 1000:
                            member.write("".join(lines).encode())
                            lines = []
                            yield pipe.take()
                    member.write("".join(lines).encode())
                yield pipe.take()
    yield pipe.take()


def _sar_line(tree_file, row: tuple) -> str:
    if tree_file is pcprocess.STATFS:
        t, mount, block_size, total, available, use = row
        row = (t, mount, block_size, total, available, None if use is None else round(use))
    return ",".join(_sar_cell(value) for value in row) + "\n"


def _sar_cell(value) -> str:
    if isinstance(value, str):
        value = text_cell(value)
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\n\r') else value
    return pcprocess.number_text(value)
