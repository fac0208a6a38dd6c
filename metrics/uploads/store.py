"""Every write of an upload: one batch of ticks per transaction, through metrics.ingest's
writers (the same statements and per-collector lock as the agent's ticks), with the job's
counts recorded inside it (result.on_batch): a read cut short keeps what it stored, and
reading the file again stores the rest, never a tick twice.

Processed ticks' counter columns hold an empty array, which metrics.ingest never pairs a
raw tick with. Their ticks are recorded in sample_tick like the agent's: of a raw and a
processed tick of the same second, the first to arrive is kept and the other is a
duplicate."""

from django.db import transaction

from metrics.host_totals import interface_in_total
from metrics.ingest import SampleRows, Tick, ingest_lock_take, rows_write, ticks_place, ticks_store
from metrics.uploads.processed import ProcessedTick
from metrics.uploads.result import UploadResult

_NO_COUNTERS = ()  # stored as an empty bigint[]: nothing for metrics.ingest to pair with


def raw_ticks_store(*, ticks: list[Tick], ids: dict, result: UploadResult) -> None:
    """Stores parsed raw ticks as the agent's are stored (metrics.ingest.ticks_store)."""
    with transaction.atomic():
        result.ingest = result.ingest.plus(ticks_store(**ids, ticks=ticks))
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
