"""Reading an uploaded file line by line: a line at most MAX_LINE_BYTES, gzip inflated as
it is read, the whole content at most XAT_UPLOAD_MAX_INFLATED_BYTES; zip members are read
the same way, as streams, never extracted."""

import csv
import gzip
import zipfile
import zlib
from collections.abc import Iterator

from django.conf import settings

from metrics.uploads.batch import LinesRead

MAX_LINE_BYTES = 8 * 1024 * 1024
# Blank content read at most before the format is named: a gzip of nothing but newlines
# (1 MB inflates to 1 GB) is refused at once instead of read to its end.
DETECT_MAX_BYTES = 1024 * 1024
# What a corrupt stream (gzip, or a zip member) raises part-way through.
STREAM_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile)


def content(file, compressed: bool):
    file.seek(0)
    return gzip.GzipFile(fileobj=file, mode="rb") if compressed else file


def numbered_lines(stream, lines: LinesRead, *, file: str | None = None) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of a binary stream, each line counted in `lines`. A blank line
    is yielded and recorded blank; a line longer than MAX_LINE_BYTES is refused and skipped;
    a corrupt gzip stream or one inflating past XAT_UPLOAD_MAX_INFLATED_BYTES is refused
    and ends the file (what came before it is stored)."""
    number = total = 0
    limit = settings.XAT_UPLOAD_MAX_INFLATED_BYTES
    try:
        while line := stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            total += len(line)
            lines.read += 1
            if total > limit:
                lines.refused(number, f"stopped here: the content is larger than {limit} bytes", file=file)
                return
            if len(line) > MAX_LINE_BYTES:
                lines.refused(number, f"longer than {MAX_LINE_BYTES} bytes: skipped", file=file)
                while line and not line.endswith(b"\n"):
                    line = stream.readline(MAX_LINE_BYTES + 1)
                    total += len(line)
                continue
            if not line.strip():
                lines.blank(number)
            yield number, line
    except STREAM_ERRORS as error:
        lines.refused(number + 1, f"stopped here: the file cannot be read further ({error})", file=file)


def first_line(stream) -> bytes | None:
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


def csv_header(line: bytes) -> list[str]:
    return next(csv.reader([line.decode("utf-8-sig", errors="replace")]), [])


def csv_rows(numbered: Iterator[tuple[int, bytes]], lines: LinesRead, *, file: str | None = None):
    """(line number, cells) of CSV lines; (line number, []) for a line that holds no cell
    (blank, or refused: not UTF-8 text), so that the reader sees every line go by."""
    current = [0]

    def decoded():
        for number, line in numbered:
            current[0] = number
            try:
                yield line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                lines.refused(number, "not UTF-8 text: skipped", file=file)
                yield ""

    for cells in csv.reader(decoded()):
        yield current[0], [cell.strip() for cell in cells] if any(cell.strip() for cell in cells) else []


def csv_header_row(rows) -> list[str]:
    """The first row of csv_rows that holds cells (the header); [] for none."""
    return next((cells for _, cells in rows if cells), [])
