"""Every metric XAT stores, described once; sql/generate.py writes the SQL that follows it.

A **family** is one kind of sample, stored in one raw hypertable `<family>_sample`, one
aggregate per level `<family>_1m`, `_1h`, `_1d` (docs/storage.md), one `<family>_levels`
view for the dashboard, and the analysts' `analytics.<family>_raw`, `_1m`, `_1h`, `_1d`.
Seven of them: cpu, memory, disk, network and filesystem (one row per tick and item: CPU
line, device, interface, mount; memory has no item), and the host totals disk_total and
network_total (one row per tick; their metrics are the members' metrics that a host total
is computed for, metrics/host_totals.py).

A **metric** is one column of a family's raw table, kept by every aggregate level as
M_avg, M_min, M_max, M_last, M_sum and M_count (STATISTICS): the sums and counts make a
coarser level exact (never an average of averages), the last value is the bucket's newest.
A metric with a dashboard name is a series of the dashboard's charts and live feed.

The **levels** (LEVELS: 1m, 1h, 1d; RESOLUTIONS: raw, then each level) and the **wide
export's columns** (WIDE_EXPORT) are described here once as well.

Adding a metric: append a Metric to its family's tuple (at the end: the aggregate tables'
columns are in this order, and a new column is added after the others), name the versioned
file that adds its columns in `since`, run `.venv/bin/python -m sql.generate`, and add the
migration that applies that versioned file (docs/storage.md, "How the schema evolves").
"""

from dataclasses import dataclass, replace
from datetime import timedelta

STATISTICS = ("avg", "min", "max", "last", "sum", "count")


@dataclass(frozen=True)
class Level:
    """An aggregate level: buckets of `width` (time_bucket's, aligned on the epoch, UTC)."""
    name: str
    width: timedelta
    below: str | None  # the level it is computed from (None: raw samples)
    chunk_interval: timedelta  # of the Apache edition's aggregate tables


LEVELS = (
    Level("1m", timedelta(minutes=1), None, timedelta(days=7)),
    Level("1h", timedelta(hours=1), "1m", timedelta(days=90)),
    Level("1d", timedelta(days=1), "1h", timedelta(days=365)),
)
# What a chart, an export or a query at one level reads: raw samples, then each level.
RESOLUTIONS = ("raw", *(level.name for level in LEVELS))


@dataclass(frozen=True)
class Metric:
    column: str  # the raw table's column, the stem of the aggregates' columns
    sql_type: str  # "double precision" or "bigint" (M_min, M_max and M_last keep it)
    unit: str  # as the dashboard shows it
    kind: str  # "rate": computed from two ticks' counters (NULL without a previous tick); "gauge": read as is
    # In a host total (disk_total, network_total): "sum" of the members, "max" (the busiest
    # member), "io_weighted" (over all the members' reads and writes); None: not in the total.
    host_total: str | None = None
    dashboard: str | None = None  # the dashboard's series name, None: not charted
    pcprocess: str | None = None  # pcprocess's (sar) CSV column, None: pcprocess has none
    required: bool = False  # NOT NULL in the raw table
    since: str | None = None  # the versioned file that added its columns (None: sql/schema/0001 to 0004)

    @property
    def aggregate_type(self) -> str:
        """The SQL type of M_min, M_max and M_last."""
        return {"double precision": "float8", "bigint": "bigint"}[self.sql_type]


@dataclass(frozen=True)
class Item:
    column: str  # what one row of a tick is: a CPU line, a device, an interface, a mount
    sql_type: str
    analytics: str = ""  # the analytics views' expression of it ({alias} is the relation); "" : the column


@dataclass(frozen=True)
class Family:
    name: str
    metrics: tuple[Metric, ...]
    item: Item | None = None
    counters: bool = False  # keeps each tick's raw counters (the next tick's rates are computed from them)
    # Raw columns between the item (or the time) and the metrics, as analytics shows them:
    # (column, name in analytics.<family>_raw).
    raw_extras: tuple[tuple[str, str], ...] = ()

    @property
    def table(self) -> str:
        return f"{self.name}_sample"

    @property
    def key(self) -> tuple[str, ...]:
        """The aggregates' key columns (their unique key, in index order)."""
        return ("organization_id", "collector_id", "bucket", *((self.item.column,) if self.item else ()))

    def columns(self, **having) -> tuple[str, ...]:
        """The columns of the metrics whose fields have these values, in the family's order:
        columns(kind="rate"), columns(host_total="sum"); columns() are all of them."""
        return tuple(metric.column for metric in self.metrics
                     if all(getattr(metric, field) == value for field, value in having.items()))


def _metrics(sql_type: str, unit: str, kind: str, *columns: str, **fields) -> tuple[Metric, ...]:
    return tuple(Metric(column, sql_type, unit, kind, **fields) for column in columns)


def _rates(unit: str, *columns: str, **fields) -> tuple[Metric, ...]:
    return _metrics("double precision", unit, "rate", *columns, **fields)


def _in_total(metrics: tuple[Metric, ...]) -> tuple[Metric, ...]:
    return tuple(metric for metric in metrics if metric.host_total)


CPU = Family(
    "cpu",
    (
        Metric("user_pct", "double precision", "%", "rate", dashboard="user", pcprocess="%usr"),
        Metric("nice_pct", "double precision", "%", "rate", dashboard="nice", pcprocess="%nice"),
        Metric("system_pct", "double precision", "%", "rate", dashboard="system", pcprocess="%system"),
        Metric("iowait_pct", "double precision", "%", "rate", dashboard="iowait", pcprocess="%iowait"),
        Metric("irq_pct", "double precision", "%", "rate", dashboard="irq"),
        Metric("softirq_pct", "double precision", "%", "rate", dashboard="softirq"),
        Metric("steal_pct", "double precision", "%", "rate", dashboard="steal", pcprocess="%steal"),
        Metric("idle_pct", "double precision", "%", "rate", dashboard="idle", pcprocess="%idle"),
    ),
    item=Item("cpu", "smallint", "CASE WHEN {alias}.cpu < 0 THEN 'total' ELSE 'cpu' || {alias}.cpu END AS cpu"),
    counters=True,
)
MEMORY = Family(
    "memory",
    (
        Metric("mem_total_kb", "bigint", "kB", "gauge", dashboard="mem_total_kb", required=True),
        Metric("mem_free_kb", "bigint", "kB", "gauge", dashboard="mem_free_kb", pcprocess="kbmemfree"),
        Metric("mem_available_kb", "bigint", "kB", "gauge", dashboard="mem_available_kb", pcprocess="kbavail"),
        Metric("mem_used_kb", "bigint", "kB", "gauge", dashboard="mem_used_kb", pcprocess="kbmemused"),
        Metric("mem_used_pct", "double precision", "%", "gauge", dashboard="mem_used_pct", pcprocess="%memused"),
        Metric("buffers_kb", "bigint", "kB", "gauge", dashboard="buffers_kb", pcprocess="kbbuffers"),
        Metric("cached_kb", "bigint", "kB", "gauge", dashboard="cached_kb", pcprocess="kbcached"),
        Metric("commit_kb", "bigint", "kB", "gauge", dashboard="commit_kb", pcprocess="kbcommit"),
        Metric("commit_pct", "double precision", "%", "gauge", dashboard="commit_pct", pcprocess="%commit"),
        Metric("active_kb", "bigint", "kB", "gauge", dashboard="active_kb", pcprocess="kbactive"),
        Metric("inactive_kb", "bigint", "kB", "gauge", dashboard="inactive_kb", pcprocess="kbinact"),
        Metric("dirty_kb", "bigint", "kB", "gauge", dashboard="dirty_kb", pcprocess="kbdirty"),
        Metric("swap_total_kb", "bigint", "kB", "gauge", dashboard="swap_total_kb"),
        Metric("swap_free_kb", "bigint", "kB", "gauge", dashboard="swap_free_kb"),
    ),
)
DISK = Family(
    "disk",
    (
        *(Metric(column, "double precision", "ops/s", "rate", host_total="sum", dashboard=column, pcprocess=column)
          for column in ("tps", "rtps", "wtps", "dtps")),
        Metric("read_sectors_ps", "double precision", "sectors/s", "rate", host_total="sum",
               dashboard="read_sectors_ps", pcprocess="bread/s"),
        Metric("written_sectors_ps", "double precision", "sectors/s", "rate", host_total="sum",
               dashboard="written_sectors_ps", pcprocess="bwrtn/s"),
        Metric("discarded_sectors_ps", "double precision", "sectors/s", "rate", host_total="sum",
               dashboard="discarded_sectors_ps", pcprocess="bdscd/s"),
        Metric("util_pct", "double precision", "%", "rate", host_total="max", dashboard="util_pct"),
        Metric("await_ms", "double precision", "ms", "rate", host_total="io_weighted", dashboard="await_ms"),
    ),
    item=Item("device", "text"),
    counters=True,
    raw_extras=(("in_total", "whole_disk"),),
)
NETWORK = Family(
    "network",
    (
        Metric("rx_packets_ps", "double precision", "packets/s", "rate", "sum", "rx_packets_ps", "rxpck/s"),
        Metric("tx_packets_ps", "double precision", "packets/s", "rate", "sum", "tx_packets_ps", "txpck/s"),
        Metric("rx_kb_ps", "double precision", "kB/s", "rate", "sum", "rx_kb_ps", "rxkB/s"),
        Metric("tx_kb_ps", "double precision", "kB/s", "rate", "sum", "tx_kb_ps", "txkB/s"),
        Metric("rx_compressed_ps", "double precision", "packets/s", "rate", "sum", "rx_compressed_ps", "rxcmp/s"),
        Metric("tx_compressed_ps", "double precision", "packets/s", "rate", "sum", "tx_compressed_ps", "txcmp/s"),
        Metric("rx_multicast_ps", "double precision", "packets/s", "rate", "sum", "rx_multicast_ps", "rxmcst/s"),
        Metric("rx_errors_ps", "double precision", "packets/s", "rate", "sum", "rx_errors_ps"),
        Metric("tx_errors_ps", "double precision", "packets/s", "rate", "sum", "tx_errors_ps"),
        Metric("rx_drops_ps", "double precision", "packets/s", "rate", "sum", "rx_drops_ps"),
        Metric("tx_drops_ps", "double precision", "packets/s", "rate", "sum", "tx_drops_ps"),
        # A link's speed is its own: no host total.
        Metric("if_util_pct", "double precision", "%", "rate", None, "if_util_pct", "%ifutil"),
    ),
    item=Item("interface", "text"),
    counters=True,
    raw_extras=(("in_total", "physical"),),
)
FILESYSTEM = Family(
    "filesystem",
    (
        Metric("block_size", "bigint", "bytes", "gauge", pcprocess="blocksize", required=True),
        Metric("blocks_total", "bigint", "blocks", "gauge", pcprocess="blockstotal", required=True),
        Metric("blocks_available", "bigint", "blocks", "gauge", pcprocess="blocksavail", required=True),
        Metric("size_bytes", "bigint", "bytes", "gauge", dashboard="size_bytes", required=True),
        Metric("available_bytes", "bigint", "bytes", "gauge", dashboard="available_bytes", required=True),
        # pcprocess's `use` is this percentage rounded to an integer.
        Metric("use_pct", "double precision", "%", "gauge", dashboard="use_pct", pcprocess="use"),
    ),
    item=Item("mount", "text"),
)
DISK_TOTAL = Family("disk_total", _in_total(DISK.metrics), raw_extras=(("disks", "disks"),))
NETWORK_TOTAL = Family("network_total", _in_total(NETWORK.metrics), raw_extras=(("interfaces", "interfaces"),))

# In this order in every generated file (and in the aggregates' bookkeeping).
FAMILIES = {family.name: family for family in (CPU, MEMORY, DISK, NETWORK, FILESYSTEM, DISK_TOTAL, NETWORK_TOTAL)}


@dataclass(frozen=True)
class WideColumn:
    """A column of the wide export (csv and json, docs/api.md "Export"): a host-level metric
    (cpu's total line, memory, and the disk and network host totals), its average at an
    aggregate level."""
    name: str
    family: str
    metric: str  # the family's metric (its column)
    unit: str  # the export's
    scale: int = 1  # the stored value times this: sectors and kB to bytes


# In the export's order (its csv header and json keys).
WIDE_EXPORT = (
    *(WideColumn(f"cpu_{column}", "cpu", column, "%") for column in CPU.columns()),
    WideColumn("mem_total_kb", "memory", "mem_total_kb", "kB"),
    WideColumn("mem_used_kb", "memory", "mem_used_kb", "kB"),
    WideColumn("mem_used_pct", "memory", "mem_used_pct", "%"),
    WideColumn("mem_free_kb", "memory", "mem_free_kb", "kB"),
    WideColumn("mem_available_kb", "memory", "mem_available_kb", "kB"),
    WideColumn("mem_buffers_kb", "memory", "buffers_kb", "kB"),
    WideColumn("mem_cached_kb", "memory", "cached_kb", "kB"),
    WideColumn("swap_total_kb", "memory", "swap_total_kb", "kB"),
    WideColumn("swap_free_kb", "memory", "swap_free_kb", "kB"),
    WideColumn("disk_tps", "disk_total", "tps", "1/s"),
    WideColumn("disk_read_bytes_ps", "disk_total", "read_sectors_ps", "B/s", 512),
    WideColumn("disk_write_bytes_ps", "disk_total", "written_sectors_ps", "B/s", 512),
    WideColumn("disk_util_pct", "disk_total", "util_pct", "%"),
    WideColumn("disk_await_ms", "disk_total", "await_ms", "ms"),
    WideColumn("net_rx_packets_ps", "network_total", "rx_packets_ps", "1/s"),
    WideColumn("net_tx_packets_ps", "network_total", "tx_packets_ps", "1/s"),
    WideColumn("net_rx_bytes_ps", "network_total", "rx_kb_ps", "B/s", 1024),
    WideColumn("net_tx_bytes_ps", "network_total", "tx_kb_ps", "B/s", 1024),
)


def with_metric(families: dict[str, Family], family: str, metric: Metric) -> dict[str, Family]:
    """families with metric appended to family (and to its host total, when the metric
    has a host-total rule): what adding a catalogue entry does, for the generator's tests."""
    added = {family: replace(families[family], metrics=families[family].metrics + (metric,))}
    total = f"{family}_total"
    if metric.host_total and total in families:
        added[total] = replace(families[total], metrics=families[total].metrics + (metric,))
    return families | added
