"""Every write of an upload: one batch of ticks (batch.py) in the caller's transaction, the
job's (jobs.py), which records its counts in the same transaction: a read cut short keeps
what it stored, and reading the file again stores the rest, never a tick twice. Both kinds
of ticks go through the agent's write path, under the collector's ingest lock (the same
lock and tick state as the agent's ticks).

Raw ticks are stored as a group of agent requests stores them
(metrics.ingest_groups.collector_ticks_store): the ticks newer than the collector's newest
stored tick, nearly all of a capture, by COPY; the others (late ticks, and the ticks of a
file read again) placed against the hypertables, so a late tick lands between its
neighbours and a tick already stored is a duplicate.

Processed ticks are placed (metrics.ingest.ticks_place) and their rows written
(rows_write) as an agent request's slice is. Their counter columns hold an empty array,
which metrics.ingest never pairs a raw tick with. Their ticks are recorded in sample_tick
like the agent's: of a raw and a processed tick of the same second, the first to arrive is
kept and the other is a duplicate."""

from metrics.host_totals import interface_in_total
from metrics.ingest import IngestResult, SampleRows, ingest_lock_take, rows_write, ticks_place
from metrics.ingest_groups import collector_ticks_store
from metrics.uploads.batch import UploadBatch
from metrics.uploads.processed import ProcessedTick

# Raw ticks a batch (a transaction) takes. A batch pays a fixed cost (the lock, a COPY per
# table, the tick state, the job's counts, the commit); with the next batch parsed while
# one is stored (metrics.uploads.pcc_raw), 250, 500 and 1,000 took the same time within
# the noise (100 MB capture, 2 cores shared with other work), and three batches of 250 are
# held in memory at most (about 11 kB a tick of a 4-vCPU capture).
RAW_BATCH_TICKS = 250
_NO_COUNTERS = ()  # stored as an empty bigint[]: nothing for metrics.ingest to pair with


def batch_store(*, batch: UploadBatch, organization_id: int, collector_id: int) -> IngestResult:
    """Stores the batch's ticks not stored yet, in the caller's transaction; what was stored
    (`skipped`: the duplicates only)."""
    if batch.raw:
        return collector_ticks_store(organization_id=organization_id, collector_id=collector_id, ticks=batch.raw)
    if batch.processed:
        return _processed_store(batch.processed, organization_id=organization_id, collector_id=collector_id)
    return IngestResult()


def _processed_store(ticks: dict[int, ProcessedTick], *, organization_id: int, collector_id: int) -> IngestResult:
    ids = {"organization_id": organization_id, "collector_id": collector_id}
    lock = ingest_lock_take(**ids)
    placement = ticks_place(**ids, times=sorted(ticks), lock=lock)
    rows = SampleRows()
    for t in placement.new_times:
        _processed_rows(rows, t, ticks[t])
    return rows_write(**ids, placement=placement, rows=rows, lock=lock)


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
