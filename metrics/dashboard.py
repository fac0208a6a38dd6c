"""The dashboard's charts, summary and live feed of one collector (docs/api.md, "Dashboard").

    instant_parse(text) -> datetime                    ISO 8601 or Unix seconds, UTC
    window_resolve(*, start, end, hours, latest) -> Window | None
    levels_held(*, window, now, collector=None, using="default") -> ["raw", "1m", "1h", "1d"] or fewer
    resolution_choose(*, window, points, now, collector=None, using="default") -> "raw" | "1m" | "1h" | "1d"
    chart(*, collector, family, window, points, stat, per_core=False, host_only=False, using="default") -> Chart
    summary(*, collector, window, using="default") -> Summary
    live(*, collector, since, using="default") -> Live

Each chart is one named query (sql/queries/dashboard_charts.sql, generated from the
catalogue) over the `<family>_levels` views: raw samples or exactly one aggregate level,
written into the statement with the statistic (one statement per level and statistic),
run on its cached generic plan.
Resolution: the finest of raw, 1m, 1h, 1d whose number of buckets over the window does not
exceed `points` (the coarsest, 1d, when none does), then over the span of the rows read
when they fill less of the window (chart: a short capture charts at raw whatever the
window), among the levels that hold the window (levels_held): retention drops a level's
samples XAT_RETENTION_<LEVEL>_DAYS (0: kept) after they arrived, whatever their own times,
so a capture of last year uploaded today charts at raw, while a 1-hour range of live data
from two months ago is read at 1m, not from raw samples that are gone. Bucket counts: at
1m/1h/1d the buckets whose start lies between the window's first and last bucket (both
included); at raw the nominal number of samples at the agent's 5 s interval,
(end - start) / 5 s + 1 (a host sampling faster gives more points than that).
Aggregated levels answer a full grid of bucket starts (null where a bucket has no data,
never interpolated) over the window, or over the data's span where that chose a finer
level; raw answers the sample times. A level that holds nothing of the window yet (not
refreshed since the data arrived) is computed from a finer one in the query
(_chart_rows), so that only what no level answers within `points` is refused.

Every chart is bounded: at most `points` timestamps, also at 1d (a range with more days is
refused, naming `points`, or `start` beyond POINTS_MAX days: a year-1-to-9999 network chart
once answered 466 MB), and at most CHART_VALUES_MAX values in all series (items multiply
them: 40 interfaces make 491 network series), read with a LIMIT so that a refused chart
costs no more than an answered one. Every answer is a function of the
stored rows and the parameters (the wall clock only spares the query of levels_held), so
two databases holding the same rows give the same answer.

Errors are django.core.exceptions.ValidationError({parameter: reason}) (the API answers 400).
"""

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from metrics import aggregates, catalogue
from metrics.models import Collector
from xat import sqlfiles
from xat.timestamps import iso_z

RESOLUTIONS = catalogue.RESOLUTIONS  # raw samples, then each aggregate level
NOMINAL_INTERVAL = timedelta(seconds=5)  # pcc's sampling interval: the raw "bucket"
STATS = ("avg", "min", "max")
POINTS_DEFAULT, POINTS_MAX = 1000, 10_000
CHART_VALUES_MAX = 1_000_000  # about 10 MB of JSON
HOURS_DEFAULT = 24.0
HOURS_MAX = 24 * 366 * 20
LIVE_MAX = timedelta(hours=1)
SUMMARY_RAW_MAX = timedelta(hours=24)  # longer summaries read the 1m level (p95 approximate)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# -- what each chart shows -----------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    key: str  # the series' name in the answer
    column: str  # the stored metric (the query's column)
    unit: str


def _series(family: catalogue.Family) -> tuple[Metric, ...]:
    """The family's charted metrics (those with a dashboard series name), in catalogue order."""
    return tuple(Metric(metric.dashboard, metric.column, metric.unit) for metric in family.metrics if metric.dashboard)


# busy_pct is no stored metric: the chart queries compute it (100 - idle).
CPU = _series(catalogue.CPU) + (Metric("busy", "busy_pct", "%"),)
MEMORY = _series(catalogue.MEMORY)
DISK = _series(catalogue.DISK)
NETWORK = _series(catalogue.NETWORK_TOTAL)
NETWORK_ITEM = _series(catalogue.NETWORK)
FILESYSTEM = _series(catalogue.FILESYSTEM)


@dataclass(frozen=True)
class ChartSpec:
    """What one chart reads and shows (a chart is named after the family it mainly shows)."""
    query: str
    main: tuple[Metric, ...]  # the host-level series ("series")
    item: tuple[Metric, ...]  # each item's series ("items"), empty: no items
    item_name: Callable[[object], str] = str


CHARTS = {
    # cpu: the total line is the main series; per core (items) on request only.
    "cpu": ChartSpec("dashboard_cpu", CPU, CPU, item_name=lambda cpu: f"cpu{cpu}"),
    "memory": ChartSpec("dashboard_memory", MEMORY, ()),
    # disk / network: the host totals (whole disks, physical interfaces), and every item.
    "disk": ChartSpec("dashboard_disk", DISK, DISK),
    "network": ChartSpec("dashboard_network", NETWORK, NETWORK_ITEM),
    "filesystem": ChartSpec("dashboard_filesystem", (), FILESYSTEM),
}
LIVE_SERIES = {"cpu": CPU, "memory": MEMORY, "disk": DISK, "network": NETWORK}


# -- answers ------------------------------------------------------------------------------------

class CollectorRef(TypedDict):
    id: int
    name: str


class Item(TypedDict):
    name: str
    series: dict[str, list[float | None]]


class Chart(TypedDict, total=False):
    collector: CollectorRef
    resolution: str | None  # None: the collector never sent a sample (and no range was given)
    start: str | None  # ISO 8601, UTC
    end: str | None
    timestamps: list[int]  # Unix seconds: bucket starts (1m/1h/1d) or sample times (raw)
    series: dict[str, list[float | None]]  # parallel to timestamps
    units: dict[str, str]  # series and item series name -> unit
    items: list[Item]  # cpu with per_core, disk, network, filesystem


class Statistics(TypedDict):
    unit: str
    latest: float | None
    min: float | None
    avg: float | None
    max: float | None
    p95: float | None


class Summary(TypedDict):
    collector: CollectorRef
    resolution: str | None  # "raw" (p95 exact) or "1m" (p95 of 1-minute averages)
    start: str | None
    end: str | None
    metrics: dict[str, Statistics]


class Live(TypedDict):
    collector: CollectorRef
    resolution: str
    since: str
    timestamps: list[int]
    series: dict[str, dict[str, list[float | None]]]  # family -> series name -> values
    units: dict[str, dict[str, str]]


SUMMARY_METRICS = {"cpu_busy": "%", "memory_used": "%", "disk_read": "sectors/s", "disk_written": "sectors/s",
                   "network_rx": "kB/s", "network_tx": "kB/s"}


# -- ranges -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def instant_parse(text: str) -> datetime:
    """ISO 8601 (naive means UTC) or Unix seconds -> an aware datetime; ValueError otherwise."""
    text = str(text).strip()
    try:
        seconds = float(text)
    except ValueError:
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if not math.isfinite(seconds):
        raise ValueError("not a finite number of seconds")
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError) as error:
        raise ValueError(str(error)) from None


def window_resolve(*, start: datetime | None, end: datetime | None, hours: float | None,
                   latest: datetime | None) -> Window | None:
    """The range a chart covers: `start`..`end` when given; a missing end is the collector's
    latest sample, a missing start is `hours` (default 24) before the end. None: no end
    given and no sample ever (nothing to show)."""
    if start is not None and hours is not None:
        raise ValidationError({"hours": "give start or hours, not both"})
    if start is not None and end is not None and end <= start:
        raise ValidationError({"end": "must be after start"})
    end = end if end is not None else latest
    if end is None:
        return None
    if start is None:
        start = end - timedelta(hours=HOURS_DEFAULT if hours is None else hours)
    if end <= start:
        raise ValidationError({"start": f"must be before the collector's latest sample ({iso_z(end)})"})
    return Window(start, end)


def bucket_count(window: Window, resolution: str) -> int:
    if resolution == "raw":
        return (window.end - window.start) // NOMINAL_INTERVAL + 1
    first, last = bucket_bounds(window, resolution)
    return (last - first) // aggregates.WIDTHS[resolution] + 1


def resolution_choose(*, window: Window, points: int, now: datetime, collector: Collector | None = None,
                      using: str = "default") -> str:
    """The finest level held (levels_held) whose bucket count fits points; the coarsest
    held level when none does."""
    return _level_choose(window=window, now=now, collector=collector, using=using,
                         suits=lambda level: bucket_count(window, level) <= points)[0]


def _level_choose(*, window: Window, now: datetime, collector: Collector | None, using: str,
                  suits: Callable[[str], bool], computable: bool = False) -> tuple[str, str]:
    """(level, source): the finest level held that suits, else the coarsest level held,
    read from itself (source = level); levels_held's query only when its answer can change
    the choice. The finest level that suits is the answer when retention surely kept it
    (the levels finer than it do not suit, whatever they hold), and so is the coarsest
    level when none suits and retention surely kept that one: a 30-day chart reads 1h, kept
    730 days, with no look at what raw and 1m still hold (that look, a descent of every
    level's view, took 40-83 ms for 3 hosts x 30 days).

    computable: the caller can compute a level's buckets from a finer level (the charts,
    dashboard_<chart>_from_finer). Then the finest level that suits is the answer when it
    does not hold the window but a finer level does (data that arrived after the upkeep's
    last refresh of it): source is the coarsest such finer level, the fewest rows to read."""
    suiting = [level for level in RESOLUTIONS if suits(level)]
    wanted = suiting[0] if suiting else RESOLUTIONS[-1]
    if _surely_held(window, now, wanted):
        return wanted, wanted
    held = levels_held(window=window, now=now, collector=collector, using=using)
    finer = [level for level in held if RESOLUTIONS.index(level) < RESOLUTIONS.index(wanted)]
    if computable and wanted not in held and finer:
        return wanted, finer[-1]
    level = next((level for level in held if suits(level)), held[-1])
    return level, level


def _surely_held(window: Window, now: datetime, level: str) -> bool:
    """Whether retention surely kept level's samples of the window: kept forever (0 days),
    or the window starts after the level's days (a sample of that age arrived within them)."""
    days = settings.XAT_RETENTION_DAYS[level]
    return not days or window.start >= now - timedelta(days=days)


def levels_held(*, window: Window, now: datetime, collector: Collector | None = None,
                using: str = "default") -> list[str]:
    """The levels that hold the window, finest first.

    Retention drops a chunk by when it was created (docs/storage.md, "Retention"): a sample
    newer than a level's XAT_RETENTION_<LEVEL>_DAYS (0: forever) arrived within them, so the
    level surely holds a window starting after that, and no query is needed. An older window
    may be held still (a capture uploaded lately) or not: with a collector, one query finds
    each level's first bucket in the window (dashboard_levels_first), and a level holds the
    window when that bucket lies within the first bucket of every coarser level that has one:
    a level whose older part retention dropped starts later than the coarser ones, and a
    chart there would miss it. Without a collector, or when no level has a bucket in the
    window, the levels surely held (the coarsest level when none is). The charts and the
    summary call it through _level_choose, which spares the query when it cannot change
    their choice."""
    surely = [level for level in RESOLUTIONS if _surely_held(window, now, level)]
    if collector is None or len(surely) == len(RESOLUTIONS):
        return surely or [RESOLUTIONS[-1]]
    firsts = dict(sqlfiles.fetch_rows(
        "dashboard_levels_first", using=using, organization_id=collector.organization_id, collector_id=collector.pk,
        levels=list(RESOLUTIONS), firsts=[bucket_bounds(window, level)[0] for level in RESOLUTIONS],
        last=window.end)[1])
    held = [level for index, level in enumerate(RESOLUTIONS)
            if firsts[level] is not None
            and all(firsts[coarser] is None or firsts[level] < firsts[coarser] + aggregates.WIDTHS[coarser]
                    for coarser in RESOLUTIONS[index + 1:])]
    return held or surely or [RESOLUTIONS[-1]]


def bucket_bounds(window: Window, resolution: str) -> tuple[datetime, datetime]:
    """First and last bucket starts (inclusive) the window touches; at raw, its ends."""
    if resolution == "raw":
        return window.start, window.end
    width = aggregates.WIDTHS[resolution]
    return aggregates.bucket_start(window.start, width), aggregates.bucket_start(window.end, width)


# -- charts -------------------------------------------------------------------------------------

def chart(*, collector: Collector, family: str, window: Window | None, points: int = POINTS_DEFAULT,
          stat: str = "avg", per_core: bool = False, host_only: bool = False, using: str = "default") -> Chart:
    """One chart of collector: one query (none when there is nothing to show). host_only:
    without items, whatever the family (the items are not read)."""
    spec = CHARTS[family]
    with_items = bool(spec.item) and not host_only and (family != "cpu" or per_core)
    units = {metric.key: metric.unit for metric in spec.main + (spec.item if with_items else ())}
    answer: Chart = {"collector": _collector_ref(collector), "resolution": None, "start": None, "end": None,
                     "timestamps": [], "series": {metric.key: [] for metric in spec.main}, "units": units}
    if with_items:
        answer["items"] = []
    if window is None:
        return answer
    now = timezone.now()
    resolution, source = _level_choose(window=window, now=now, collector=collector, using=using, computable=True,
                                       suits=lambda level: bucket_count(window, level) <= points)
    _refuse_beyond_points(window, resolution, points)
    # Each row fills one timestamp of its item's (or the host's) series, at least this many
    # values: a row more than rows_max cannot fit, and the count below refuses it.
    rows_max = CHART_VALUES_MAX // min(len(metrics) for metrics in (spec.main, spec.item) if metrics)
    read = functools.partial(_chart_rows, spec=spec, collector=collector, stat=stat, items=with_items,
                             rows_max=rows_max + 1, using=using)
    shown = window  # what the chart's grid covers
    columns, rows = read(window=shown, level=resolution, source=source)
    # The level follows the data inside the window, not the window's length: where the
    # rows read span less of it, the finest level that suits that span is read there (a
    # 10-minute capture charts at raw with hours=720), its grid covering the data's span.
    # The rows read first bound the span at no further cost: a window the data fill (a
    # 30-day chart) runs one chart query.
    while (span := _rows_span(shown, resolution, rows, rows_max)) is not None:
        finer, finer_source = _level_choose(window=span, now=now, collector=collector, using=using, computable=True,
                                            suits=lambda level: bucket_count(span, level) <= points)
        if RESOLUTIONS.index(finer) >= RESOLUTIONS.index(resolution):
            shown = span if shown is not window else shown
            break
        shown, resolution = span, finer
        columns, rows = read(window=shown, level=resolution, source=finer_source)
    first, last = bucket_bounds(shown, resolution)
    # Rows are (bucket, item, metrics...); the main series' item is NULL, or -1 (cpu's total line).
    by_item: dict[object, list[tuple]] = {}
    for row in rows:
        by_item.setdefault(row[1], []).append(row)
    main = by_item.pop(None, []) + by_item.pop(-1, [])
    if resolution == "raw":
        grid = sorted({row[0] for row in rows})
        timestamps = [_seconds(moment) for moment in grid]
    else:
        width = aggregates.WIDTHS[resolution]
        count = (last - first) // width + 1
        # Added up, not multiplied: a tenth of the time (0.02 against 0.17 ms for 721 buckets).
        grid = list(itertools.accumulate(itertools.repeat(width, count - 1), initial=first))
        # A regular grid of whole seconds: counted, not converted from each bucket's datetime.
        step, origin = int(width.total_seconds()), _seconds(first)
        timestamps = list(range(origin, origin + count * step, step))
    if len(grid) * (len(spec.main) + len(by_item) * len(spec.item)) > CHART_VALUES_MAX:
        raise ValidationError({"points": f"the answer would hold more than {CHART_VALUES_MAX} values (every"
                                         " series, items included, at every timestamp): give fewer points or a"
                                         " shorter range"})
    placing = _Placing(grid, {name: index for index, name in enumerate(columns)})
    answer.update(resolution=resolution, start=iso_z(window.start), end=iso_z(window.end),
                  timestamps=timestamps, series=placing.series(main, spec.main))
    if with_items:
        answer["items"] = [{"name": spec.item_name(item), "series": placing.series(by_item[item], spec.item)}
                           for item in sorted(by_item)]
    return answer


def _chart_rows(*, spec: ChartSpec, collector: Collector, window: Window, level: str, source: str, stat: str,
                items: bool, rows_max: int, using: str) -> tuple[list[str], list[tuple]]:
    """The chart's rows at level over window, read from source: level itself, or a finer
    level whose rows the query groups into level's buckets. A level that holds nothing of
    the window is computed from the next finer one, down to raw: retention's rule says a
    level holds what arrived within its days, but not whether the upkeep has refreshed it
    yet (late data below its watermark waits for the next run)."""
    first, last = bucket_bounds(window, level)
    while True:
        if source == level:
            columns, rows = fetch_at_level(sqlfiles.fetch_rows, spec.query, using=using, at_level=level, with_stat=stat,
                                           organization_id=collector.organization_id, collector_id=collector.pk,
                                           first=first, last=last, items=items, rows_max=rows_max)
        else:
            columns, rows = fetch_at_level(sqlfiles.fetch_rows, f"{spec.query}_from_finer", using=using,
                                           at_level=source, with_stat=stat, width=aggregates.WIDTHS[level],
                                           organization_id=collector.organization_id, collector_id=collector.pk,
                                           first=first, last=last, items=items, rows_max=rows_max)
        if rows or source == RESOLUTIONS[0]:
            return columns, rows
        source = RESOLUTIONS[RESOLUTIONS.index(source) - 1]


def _rows_span(window: Window, level: str, rows: list[tuple], rows_max: int) -> Window | None:
    """The part of window that the rows read at an aggregate level cover, from their first
    bucket's start to their last bucket's end; None at raw (its grid is the samples), without
    rows, or with more rows than the chart may hold (it is refused)."""
    if level == RESOLUTIONS[0] or not rows or len(rows) > rows_max:
        return None
    buckets = [row[0] for row in rows]
    end = max(buckets) + aggregates.WIDTHS[level] - timedelta(microseconds=1)  # bucket_bounds: end inclusive
    return Window(max(window.start, min(buckets)), min(window.end, end))


def _refuse_beyond_points(window: Window, resolution: str, points: int) -> None:
    """400 when even the resolution chosen (the coarsest, then) has more buckets than points."""
    buckets = bucket_count(window, resolution)
    if buckets <= points:
        return
    if buckets <= POINTS_MAX:
        raise ValidationError({"points": f"the range holds {buckets} buckets at {resolution}, the coarsest"
                                         f" resolution: give points={buckets} or more, or a shorter range"})
    raise ValidationError({"start": f"the range holds {buckets} buckets at {resolution}, the coarsest resolution,"
                                    f" more than {POINTS_MAX} points: give a shorter range"})


class _Placing:
    """Puts an item's rows on the chart's grid, one list per metric, None where a bucket has
    no row. Column by column (zip(*rows)): 0.8 ms for a 1-hour network chart (2,163 rows),
    where dicts of the rows looked up bucket by bucket took 3.0 ms."""

    def __init__(self, grid: list[datetime], column_index: dict[str, int]):
        self.grid, self.column_index = grid, column_index
        self.position = {moment: index for index, moment in enumerate(grid)}

    def series(self, rows: list[tuple], metrics: tuple[Metric, ...]) -> dict[str, list]:
        size = len(self.grid)
        if not rows:
            return {metric.key: [None] * size for metric in metrics}
        columns = list(zip(*rows))
        positions = [self.position[moment] for moment in columns[0]]
        if positions == list(range(size)):  # the usual case: a row for every bucket, in order
            return {metric.key: list(columns[self.column_index[metric.column]]) for metric in metrics}
        answer = {}
        for metric in metrics:
            values = [None] * size
            for position, value in zip(positions, columns[self.column_index[metric.column]]):
                values[position] = value
            answer[metric.key] = values
        return answer


# -- summary ------------------------------------------------------------------------------------

def summary(*, collector: Collector, window: Window | None, using: str = "default") -> Summary:
    """Latest value and min/avg/max/p95 over the window of the headline metrics; raw
    samples up to 24 hours (p95 exact), the 1m level beyond (min, avg, max exact over the
    minutes the window touches; p95 of the 1-minute averages), or the finest coarser level
    that holds the window (levels_held)."""
    empty = dict.fromkeys(("latest", "min", "avg", "max", "p95"))
    answer: Summary = {"collector": _collector_ref(collector), "resolution": None, "start": None, "end": None,
                       "metrics": {name: {"unit": unit, **empty} for name, unit in SUMMARY_METRICS.items()}}
    if window is None:
        return answer
    levels = RESOLUTIONS if window.end - window.start <= SUMMARY_RAW_MAX else RESOLUTIONS[1:]
    resolution, _ = _level_choose(window=window, now=timezone.now(), collector=collector, using=using,
                                  suits=lambda level: level in levels)
    first, last = bucket_bounds(window, resolution)
    (row,) = fetch_at_level(sqlfiles.fetch_dicts, "dashboard_summary", using=using, at_level=resolution,
                            organization_id=collector.organization_id, collector_id=collector.pk,
                            first=first, last=last, start=window.start, end=window.end)
    answer.update(resolution=resolution, start=iso_z(window.start), end=iso_z(window.end))
    for name, unit in SUMMARY_METRICS.items():
        answer["metrics"][name] = {"unit": unit, **{stat: row[f"{name}_{stat}"] for stat in empty}}
    return answer


# -- live ---------------------------------------------------------------------------------------

def live(*, collector: Collector, since: datetime, using: str = "default") -> Live:
    """The raw host-level series of every tick after `since`, which must lie within an
    hour of the collector's latest sample."""
    latest = collector.last_seen
    if latest is not None and since < latest - LIVE_MAX:
        raise ValidationError({"since": f"at most 1 hour before the collector's latest sample ({iso_z(latest)});"
                                        " load the chart again"})
    rows = [] if latest is None or since >= latest else sqlfiles.fetch_dicts(
        "dashboard_live", using=using, organization_id=collector.organization_id, collector_id=collector.pk,
        since=since)
    return {
        "collector": _collector_ref(collector),
        "resolution": "raw",
        "since": iso_z(since),
        "timestamps": [_seconds(row["bucket"]) for row in rows],
        "series": {family: {metric.key: [row[f"{family}__{metric.column}"] for row in rows] for metric in metrics}
                   for family, metrics in LIVE_SERIES.items()},
        "units": {family: {metric.key: metric.unit for metric in metrics} for family, metrics in LIVE_SERIES.items()},
    }


# -- helpers ------------------------------------------------------------------------------------

def fetch_at_level(fetch, name: str, *, using: str, at_level: str, **params):
    """fetch (sqlfiles.fetch_rows or fetch_dicts) of a level query on its generic plan
    (sql/queries/dashboard.sql, dashboard_plans_generic), prepared at its first run on the
    connection. Each server thread has a connection of its own, and at the 5th run per
    connection (PGPREPARE_THRESHOLD) half the charts of a warmed-up server were still planned
    from scratch: 4-7 ms for a disk or network chart, more than running it. The setting lasts
    until the end of the transaction: the request's own one, or the caller's (no savepoint:
    nothing here is to be rolled back alone)."""
    with transaction.atomic(using=using, savepoint=False):
        sqlfiles.fetch_rows("dashboard_plans_generic", using=using)
        return fetch(name, using=using, at_level=at_level, prepare=True, **params)


def _collector_ref(collector: Collector) -> CollectorRef:
    return {"id": collector.pk, "name": collector.name}


def _seconds(moment: datetime) -> int | float:
    seconds = (moment - _EPOCH).total_seconds()
    return int(seconds) if seconds.is_integer() else seconds
