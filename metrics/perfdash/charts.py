"""The perf-dashboard's charts (contract §6.1-§6.4): XAT's stored host-level series
(metrics.dashboard.chart: raw samples or one aggregate level, the resolution XAT's own
dashboard would choose) in the contract's fields and units.

    chart_window(*, collector, hours) -> Window | None
    host_series(*, collector, family, window) -> HostSeries
    chart(*, collector, family, hours) -> dict | None

Fields, from the stored metrics of each bucket (docs/perf-dashboard.md, "Charts"):
    cpu      cpu_user = user + nice, cpu_system = system + irq + softirq, cpu_iowait,
             cpu_idle, cpu_steal: percent of the interval (they sum to 100)
    memory   mem_used_percent = used / total x 100 (0 when total is 0); mem_total, mem_used,
             mem_available, mem_buffers, mem_cached in MiB (kB / 1024); available is
             MemAvailable, or MemFree + Buffers + Cached where that is missing or 0; used is
             total - available (not XAT's sysstat "used")
    disk     host total over whole disks (metrics/host_totals.py): disk_read_iops,
             disk_write_iops (ops/s), disk_read_mbps, disk_write_mbps (MiB/s: sectors/s x
             512 / 1,048,576)
    network  host total over physical interfaces: net_rx_mbps, net_tx_mbps (MiB/s: kB/s /
             1024; the contract's unit, not Mbit/s), net_rx_pps, net_tx_pps

A bucket is shown only when every field of its chart is known: the arrays stay numeric.
At most POINTS_DEFAULT of them, like every XAT chart: a range of more days than that (an
upload whose samples span decades, `hours` up to HOURS_MAX) shows its newest
POINTS_DEFAULT days, where XAT's own dashboard, which has a `points` to raise, answers 400.
XAT stores no rate for an interval whose counters went down (a reboot), so no value is
negative.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from metrics import dashboard
from metrics.dashboard import Window
from metrics.models import Collector, TrickleSession
from metrics.uploads.models import Upload
from xat.timestamps import iso_offset

MIB_PER_KB = 1 / 1024
SECTOR_BYTES = 512
MIB = 1024 * 1024


@dataclass(frozen=True)
class Conversion:
    names: tuple[str, ...]  # the contract's fields, in the contract's order
    needs: tuple[str, ...]  # the stored metrics a bucket must have (metrics.dashboard keys)
    values: Callable[[dict], tuple[float, ...]]  # stored metrics -> the fields' values


def _cpu(v: dict) -> tuple[float, ...]:
    return v["user"] + v["nice"], v["system"] + v["irq"] + v["softirq"], v["iowait"], v["idle"], v["steal"]


def _memory(v: dict) -> tuple[float, ...]:
    total = v["mem_total_kb"]
    available = v["mem_available_kb"] or v["mem_free_kb"] + v["buffers_kb"] + v["cached_kb"]
    used = total - available
    return (used / total * 100 if total else 0.0, total * MIB_PER_KB, used * MIB_PER_KB, available * MIB_PER_KB,
            v["buffers_kb"] * MIB_PER_KB, v["cached_kb"] * MIB_PER_KB)


def _disk(v: dict) -> tuple[float, ...]:
    return (v["rtps"], v["wtps"], v["read_sectors_ps"] * SECTOR_BYTES / MIB,
            v["written_sectors_ps"] * SECTOR_BYTES / MIB)


def _network(v: dict) -> tuple[float, ...]:
    return v["rx_kb_ps"] * MIB_PER_KB, v["tx_kb_ps"] * MIB_PER_KB, v["rx_packets_ps"], v["tx_packets_ps"]


CONVERSIONS = {
    "cpu": Conversion(("cpu_user", "cpu_system", "cpu_iowait", "cpu_idle", "cpu_steal"),
                      ("user", "nice", "system", "irq", "softirq", "iowait", "idle", "steal"), _cpu),
    # MemAvailable may be missing (kernels before 3.14): the fallback's parts are needed instead.
    "memory": Conversion(("mem_used_percent", "mem_total", "mem_used", "mem_available", "mem_buffers", "mem_cached"),
                         ("mem_total_kb", "mem_free_kb", "buffers_kb", "cached_kb"), _memory),
    "disk": Conversion(("disk_read_iops", "disk_write_iops", "disk_read_mbps", "disk_write_mbps"),
                       ("rtps", "wtps", "read_sectors_ps", "written_sectors_ps"), _disk),
    "network": Conversion(("net_rx_mbps", "net_tx_mbps", "net_rx_pps", "net_tx_pps"),
                          ("rx_kb_ps", "tx_kb_ps", "rx_packets_ps", "tx_packets_ps"), _network),
}


@dataclass(frozen=True)
class HostSeries:
    times: list[datetime]  # bucket starts (1m, 1h, 1d) or sample times (raw), UTC
    fields: dict[str, list[float]]  # the contract's fields, unrounded, parallel to times


def host_series(*, collector: Collector, family: str, window: Window | None, using: str = "default") -> HostSeries:
    """The family's host-level series over window (its newest POINTS_DEFAULT days at most)
    in the contract's fields: one query (metrics.dashboard.chart, items not read), the
    buckets without all of the family's values left out."""
    conversion = CONVERSIONS[family]
    stored = dashboard.chart(collector=collector, family=family, window=_newest_days(window), host_only=True,
                             using=using)
    series = stored["series"]
    times, rows = [], []
    for index, seconds in enumerate(stored["timestamps"]):
        bucket = {key: values[index] for key, values in series.items()}
        if all(bucket[key] is not None for key in conversion.needs):
            times.append(datetime.fromtimestamp(seconds, UTC))
            rows.append(conversion.values(bucket))
    columns = list(zip(*rows)) or [()] * len(conversion.names)
    return HostSeries(times, {name: list(column) for name, column in zip(conversion.names, columns)})


def _newest_days(window: Window | None) -> Window | None:
    """window cut to its newest POINTS_DEFAULT days: POINTS_DEFAULT daily buckets at most."""
    if window is None:
        return None
    return Window(max(window.start, window.end - timedelta(days=dashboard.POINTS_DEFAULT - 1)), window.end)


def chart_window(*, collector: Collector, hours: float | None) -> Window | None:
    """The range a chart covers (None: the collector has no sample): `hours` ending at the
    newest sample when given; else the collector's newest trickle session or newest upload,
    whichever ends later; else the last 24 hours of samples."""
    latest = collector.last_seen
    if latest is None:
        return None
    if hours is None:
        newest = max(filter(None, (_newest_session_window(collector), _newest_upload_window(collector))),
                     key=lambda window: window.end, default=None)
        if newest is not None:
            return newest
    return dashboard.window_resolve(start=None, end=None, hours=hours, latest=latest)


def chart(*, collector: Collector, family: str, hours: float | None, using: str = "default") -> dict | None:
    """The contract's chart of family (None: the collector has no sample at all). Its window
    is read from the primary (sessions, uploads), its series from `using`."""
    window = chart_window(collector=collector, hours=hours)
    if window is None:
        return None
    series = host_series(collector=collector, family=family, window=window, using=using)
    return {"collector_id": str(collector.uuid), "collector_name": collector.name,
            "timestamps": [iso_offset(moment) for moment in series.times],
            **{name: [round(value, 2) for value in values] for name, values in series.fields.items()}}


def _newest_session_window(collector: Collector) -> Window | None:
    session = TrickleSession.objects.filter(collector=collector).order_by("-started_at").first()
    if session is None:
        return None
    return Window(session.started_at, session.ended_at or session.last_data_at)


def _newest_upload_window(collector: Collector) -> Window | None:
    upload = (Upload.objects.filter(collector=collector, result__has_key="first").exclude(result__first=None)
              .order_by("-created_at").first())
    return None if upload is None else upload_window(upload)


def upload_window(upload: Upload) -> Window | None:
    """The range of an upload's ticks, first to last, stored by it or held by its collector
    already (None: its file held none)."""
    first, last = upload.result.get("first"), upload.result.get("last")
    if first is None or last is None:
        return None
    return Window(dashboard.instant_parse(first), dashboard.instant_parse(last))

