"""What reading an upload stored and skipped: the counts its job records, batch by batch
(lines_record, then stored)."""

from dataclasses import dataclass, field

from django.conf import settings

from metrics.ingest import IngestResult
from metrics.uploads.batch import LinesRead, UploadBatch
from metrics.uploads.errors import TooManyIdleLines
from xat.timestamps import iso_z

MAX_ERRORS = 100


@dataclass
class UploadResult:
    """What reading the file stored and skipped. `carried`: the counts (as_dict) an earlier
    attempt at the same file saved before it was cut short; this read finds the ticks that
    attempt stored as duplicates, and as_dict counts them once, as stored."""

    format: str
    compressed: bool
    collector_id: int
    carried: dict = field(default_factory=dict)
    ingest: IngestResult = field(default_factory=IngestResult)
    errors: list = field(default_factory=list)
    errors_total: int = 0
    # The first and last tick read (Unix seconds), stored by this upload or held already:
    # the capture's range, whose samples its collector holds either way (a file uploaded
    # again stores nothing, and is a capture of the same samples).
    first: int | None = None
    last: int | None = None
    idle_lines: int = 0

    def lines_record(self, lines: LinesRead) -> None:
        """Reports the refused lines, and counts the lines that stored nothing (blank, or
        refused: the work a file costs is bounded by what it holds). TooManyIdleLines,
        naming the line, past XAT_UPLOAD_MAX_IDLE_LINES."""
        self.errors_total += len(lines.skipped)
        self.errors += lines.skipped[:MAX_ERRORS - len(self.errors)]
        limit = settings.XAT_UPLOAD_MAX_IDLE_LINES
        if self.idle_lines + len(lines.idle) > limit:
            line = lines.idle[limit - self.idle_lines]
            where = f" at line {line}" if line is not None else ""
            raise TooManyIdleLines(f"stopped{where}: more than {limit} lines were blank or could not be read "
                                   "(XAT_UPLOAD_MAX_IDLE_LINES)", limit=limit)
        self.idle_lines += len(lines.idle)

    def stored(self, batch: UploadBatch, ingest: IngestResult) -> None:
        """Counts what storing the batch stored (ingest), and the ticks it read."""
        self.ingest = self.ingest.plus(ingest)
        if batch.subsystems is not None:
            ours, theirs = self.ingest.skipped, batch.subsystems
            ours.ignored_subsystems, ours.unlisted_subsystems = theirs.ignored_subsystems, theirs.unlisted_subsystems
            ours.unlisted_measurements = theirs.unlisted_measurements
        if (times := batch.times()) is not None:
            first, last = times
            self.first = first if self.first is None else min(self.first, first)
            self.last = last if self.last is None else max(self.last, last)

    def as_dict(self) -> dict:
        ingest, carried = self.ingest, self.carried
        stored_before = carried.get("ticks", 0)
        families = dict(carried.get("rows_by_family", {}))
        for family, rows in ingest.rows_by_family.items():
            families[family] = families.get(family, 0) + rows
        # Times written by iso_z have one width: as texts they sort as the times do.
        firsts = [t for t in (carried.get("first"), None if self.first is None else iso_z(self.first)) if t]
        lasts = [t for t in (carried.get("last"), None if self.last is None else iso_z(self.last)) if t]
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
