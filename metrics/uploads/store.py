"""Every write of an upload: one batch of ticks per transaction, under the collector's
ingest lock (the same lock and tick state as the agent's ticks), with the job's counts
recorded inside it (result.on_batch): a read cut short keeps what it stored, and reading
the file again stores the rest, never a tick twice.

Raw ticks are stored as a group of agent requests stores them
(metrics.ingest_groups.collector_ticks_store): the ticks newer than the collector's newest
stored tick, nearly all of a capture, by COPY; the others (late ticks, and the ticks of a
file read again) placed against the hypertables, so a late tick lands between its
neighbours and a tick already stored is a duplicate.

Processed ticks' counter columns hold an empty array, which metrics.ingest never pairs a
raw tick with. Their ticks are recorded in sample_tick like the agent's: of a raw and a
processed tick of the same second, the first to arrive is kept and the other is a
duplicate."""

from django.db import transaction

from metrics.host_totals import interface_in_total
from metrics.ingest import SampleRows, Tick, ingest_lock_take, rows_write, ticks_place
from metrics.ingest_groups import collector_ticks_store
from metrics.uploads.processed import ProcessedTick
from metrics.uploads.result import UploadResult

# Raw ticks a batch (a transaction) takes. A batch pays a fixed cost (the lock, a COPY per
# table, the tick state, the job's counts, the commit); with the next batch parsed while
# one is stored (metrics.uploads.pcc_raw), 250, 500 and 1,000 took the same time within
# the noise (100 MB capture, 2 cores shared with other work), and three batches of 250 are
# held in memory at most (about 11 kB a tick of a 4-vCPU capture).
RAW_BATCH_TICKS = 250
_NO_COUNTERS = ()  # stored as an empty bigint[]: nothing for metrics.ingest to pair with


def raw_ticks_store(*, ticks: list[Tick], ids: dict, result: UploadResult) -> None:
    """Stores parsed raw ticks (sorted by time, as ticks_parse returns them) as the agent's
    are stored: the new ones copied, the others placed (module docstring)."""
    with transaction.atomic():
        if ticks:
            result.ingest = result.ingest.plus(collector_ticks_store(**ids, ticks=ticks))
            result.ticks_read(ticks[0].timestamp, ticks[-1].timestamp)
        result.on_batch()


def processed_ticks_store(*, ticks: dict[int, ProcessedTick], ids: dict, result: UploadResult) -> None:
    """Stores the processed ticks not stored yet, placed and written as the agent's are."""
    if not ticks:
        return
    with transaction.atomic():
        lock = ingest_lock_take(**ids)
        placement = ticks_place(**ids, times=sorted(ticks), lock=lock)
        rows = SampleRows()
        for t in placement.new_times:
            _processed_rows(rows, t, ticks[t])
        result.ingest = result.ingest.plus(rows_write(**ids, placement=placement, rows=rows, lock=lock))
        result.ticks_read(min(ticks), max(ticks))
        result.on_batch()


def _processed_rows(rows: SampleRows, t: int, tick: ProcessedTick) -> None:
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
