"""The portal's CSV (collector-protocol.md), one tick per row, stored as the columns it
carries (docs/api.md, "Uploads"): cpu_sample (cpu -1: user, system, idle, iowait, steal %),
memory_sample (total, used, free, cached kB as the portal computed them), disk_total_sample
(read/written sectors/s = bytes/s / 512, disks = 1), network_total_sample (rx/tx kB/s =
bytes/s / 1024, interfaces = 1)."""

from collections.abc import Iterator

from metrics.host_totals import NETWORK_TOTAL_SUMS
from metrics.ingest import CPU_RATES, DISK_RATES, MEMORY_GAUGES, TICKS_PER_WRITE
from metrics.uploads.batch import LinesRead, UploadBatch
from metrics.uploads.errors import UploadRejected
from metrics.uploads.lines import content, csv_header, csv_header_row, csv_rows, numbered_lines
from metrics.uploads.processed import ProcessedTick, kb, number, tick_time

PORTAL_COLUMNS = ("timestamp", "cpu_user", "cpu_system", "cpu_idle", "cpu_iowait", "cpu_steal", "mem_total_kb",
                  "mem_used_kb", "mem_free_kb", "mem_cached_kb", "disk_read_bytes", "disk_write_bytes",
                  "net_rx_bytes", "net_tx_bytes")


def portal_inspect(first_line: bytes) -> None:
    """UploadRejected if the header (the first non-blank line) lacks a required column."""
    portal_columns(csv_header(first_line))


def portal_batches(file, compressed: bool) -> Iterator[UploadBatch]:
    lines = LinesRead()
    rows = csv_rows(numbered_lines(content(file, compressed), lines), lines)
    header = csv_header_row(rows)
    at = portal_columns(header)
    ticks: dict[int, ProcessedTick] = {}
    for line, cells in rows:
        if cells:
            try:
                if len(cells) < len(header):
                    raise ValueError(f"{len(cells)} cells, the header has {len(header)}")
                value = {name: cells[index] for name, index in at.items()}
                t = tick_time(value["timestamp"])
                ticks[t] = _portal_tick(value)
            except ValueError as error:
                lines.refused(line, str(error))
        if len(ticks) >= TICKS_PER_WRITE:
            yield UploadBatch(lines=lines.taken(), processed=ticks)
            ticks = {}
        elif lines.due():
            yield UploadBatch(lines=lines.taken())
    yield UploadBatch(lines=lines.taken(), processed=ticks)


def portal_columns(header: list[str]) -> dict[str, int]:
    """The index of each of PORTAL_COLUMNS in a portal CSV's header; UploadRejected listing
    those it lacks."""
    names = [name.strip().lower() for name in header]
    missing = [name for name in PORTAL_COLUMNS if name not in names]
    if missing:
        raise UploadRejected("the CSV lacks required columns", missing_columns=missing)
    return {name: names.index(name) for name in PORTAL_COLUMNS}


def _portal_tick(value: dict) -> ProcessedTick:
    pct = {name: number(value[column]) for name, column in
           (("user_pct", "cpu_user"), ("system_pct", "cpu_system"), ("idle_pct", "cpu_idle"),
            ("iowait_pct", "cpu_iowait"), ("steal_pct", "cpu_steal"))}
    memory = dict.fromkeys(MEMORY_GAUGES) | {
        "mem_total_kb": kb(value["mem_total_kb"]), "mem_used_kb": kb(value["mem_used_kb"]),
        "mem_free_kb": kb(value["mem_free_kb"]), "cached_kb": kb(value["mem_cached_kb"]),
    }
    if memory["mem_total_kb"] <= 0:
        raise ValueError("mem_total_kb must be positive")
    tick = ProcessedTick(cpu={-1: dict.fromkeys(CPU_RATES) | pct}, memory=memory)
    tick.disk_total = dict.fromkeys(DISK_RATES) | {
        "disks": 1,
        "read_sectors_ps": number(value["disk_read_bytes"]) / 512,
        "written_sectors_ps": number(value["disk_write_bytes"]) / 512,
    }
    tick.network_total = dict.fromkeys(NETWORK_TOTAL_SUMS) | {
        "interfaces": 1,
        "rx_kb_ps": number(value["net_rx_bytes"]) / 1024,
        "tx_kb_ps": number(value["net_tx_bytes"]) / 1024,
    }
    return tick
