"""Which format an uploaded file is in, from its content (never its name): its first
bytes (gzip, zip) and its first non-blank line.

    pcc              pcc's local-mode capture: one trickle measurement per line,
                     {"timestamp", "subsystem", "measurement"} (collection.ndjson); a line
                     may carry "identifier" (the host's machine id), which names the host
    perfcollector1   {"Site", "Host", "Run", "Measurement": {"Timestamp" (RFC 3339),
                     "System", "Measurement", "Frequency"?}} per line
    portal_csv       the portal's CSV (collector-protocol.md)
    pcprocess_zip    a zip of pcprocess's CSV tree (metrics/pcprocess.py), at the root or
                     in one folder

Each one may be gzip-compressed, except the zip.
"""

import orjson

from metrics.uploads.errors import UnknownFormat
from metrics.uploads.lines import DETECT_MAX_BYTES, STREAM_ERRORS, content, first_line

FORMATS = ("pcc", "perfcollector1", "portal_csv", "pcprocess_zip")
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def format_detect(file) -> tuple[str, bool, str | None, bytes]:
    """(format, gzip-compressed, the host identifier the capture names if any, the first
    non-blank line) from the content, reading at most DETECT_MAX_BYTES of blank lines and
    one line; UnknownFormat naming what was recognised otherwise."""
    file.seek(0)
    magic = file.read(4)
    if magic.startswith(_ZIP_MAGICS):
        return "pcprocess_zip", False, None, b""
    compressed = magic.startswith(_GZIP_MAGIC)
    what = "gzip-compressed " if compressed else ""
    stream = content(file, compressed)
    try:
        first = first_line(stream)
        if first is None:
            raise UnknownFormat(f"recognised {what}blank lines: the first {DETECT_MAX_BYTES} bytes hold nothing else",
                                recognised=f"{what}blank lines")
        if compressed and first.startswith(_ZIP_MAGICS):
            raise UnknownFormat("recognised a gzip-compressed zip archive: upload the zip itself",
                                recognised="gzip, zip")
    except STREAM_ERRORS as error:
        raise UnknownFormat(f"recognised gzip data that cannot be inflated ({error})", recognised="gzip") from None
    finally:
        file.seek(0)
    text = first.lstrip(b"\xef\xbb\xbf").strip()
    if not text:
        raise UnknownFormat(f"recognised {what}an empty file", recognised=f"{what}empty")
    if text.startswith(b"{"):
        try:
            item = orjson.loads(text)  # depth-bounded, as every JSON XAT reads (xat/parsers.py)
        except orjson.JSONDecodeError:
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
