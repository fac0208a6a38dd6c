"""What a reader yields, batch after batch, for the job to record and store (jobs.py): the
readers hold no job state and store nothing; the job stores each batch, records its
progress and checks its limits between them.

    UploadBatch(lines, raw=[Tick...], processed={t: ProcessedTick}, subsystems=Skipped)
        the ticks read since the batch before (raw or processed, or none: a batch of
        lines only), and the lines that stored nothing

A reader yields a batch once it holds a batch of ticks (store.RAW_BATCH_TICKS raw ones,
metrics.ingest.TICKS_PER_WRITE processed ones), and a batch of lines only at least every
REPORT_LINES lines: a file of blank or refused lines reaches the job's idle-line limit, and
a deleted upload's job stops, as it is read.
"""

from dataclasses import dataclass, field

from metrics.ingest import Skipped, Tick
from metrics.uploads.processed import ProcessedTick

# Lines read at most between two batches.
REPORT_LINES = 1000


@dataclass
class LinesRead:
    """Lines read that stored nothing, in the order read: `idle` their numbers (blank or
    refused lines: the job counts them against XAT_UPLOAD_MAX_IDLE_LINES), `skipped` the
    refused ones' reasons ({"line", "error", "file"?}: the upload's errors)."""

    idle: list[int | None] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    read: int = 0  # lines read since these were taken

    def blank(self, line: int) -> None:
        self.idle.append(line)

    def refused(self, line: int | None, reason: str, *, file: str | None = None) -> None:
        self.idle.append(line)
        self.skipped.append({"line": line, "error": reason} | ({"file": file} if file else {}))

    def due(self) -> bool:
        """Whether REPORT_LINES lines were read since these were taken."""
        return self.read >= REPORT_LINES

    def taken(self, *, skipped: bool = True) -> "LinesRead":
        """What was gathered (the skipped lines' reasons left here if not `skipped`), and
        these lines emptied of it."""
        gathered = LinesRead(self.idle, self.skipped if skipped else [], self.read)
        self.idle, self.read = [], 0
        if skipped:
            self.skipped = []
        return gathered


@dataclass
class UploadBatch:
    """What a reader read since its batch before: one transaction's ticks, raw (parsed,
    sorted by time) or processed (by time), and the lines that stored nothing. `subsystems`
    (raw ticks): the subsystems skipped so far, as the parser counts them."""

    lines: LinesRead
    raw: list[Tick] = field(default_factory=list)
    processed: dict[int, ProcessedTick] = field(default_factory=dict)
    subsystems: Skipped | None = None

    def times(self) -> tuple[int, int] | None:
        """The first and last tick read, stored or held already; None without ticks."""
        if self.raw:
            return self.raw[0].timestamp, self.raw[-1].timestamp
        if self.processed:
            return min(self.processed), max(self.processed)
        return None
