"""Ingest: the agent's measurements of raw /proc text into sample rows.

The arithmetic is pcprocess's (metrics.arithmetic); what this module adds is placing each
tick between its neighbours in time, whatever order ticks arrive in:

- a tick already stored is skipped (an agent's retry after a lost answer is normal);
- a new tick's rates come from the previous tick of the same collector, in memory when
  it came in the same batch, else from the counters stored with it;
- when a late tick lands before ticks already stored, the next one's rates are computed
  again against it, so that the table ends up as if every tick had come in order.

A batch is stored in the caller's transaction, serialised per collector by its ingest
lock, TICKS_PER_WRITE ticks at a time: placed (ticks_place), its rows built
(rows_placed, or rows_after for ticks newer than every stored one), written (rows_write,
or metrics.sample_copy for a group's new ticks: metrics/ingest_groups.py); each step a
plain call returning what the next one takes.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

import orjson
from django.conf import settings
from django.db import DatabaseError, connection

from metrics import arithmetic, catalogue, procfs
from metrics.host_totals import disk_total, disks_in_total, interface_in_total, network_total
from xat import sqlfiles

# Subsystems whose text becomes samples, and the parser of each.
_PARSERS = {
    "/proc/stat": procfs.parse_stat,
    "/proc/meminfo": procfs.parse_meminfo,
    "/proc/net/dev": procfs.parse_net_dev,
    "/proc/diskstats": procfs.parse_diskstats,
    "statfs[*]": procfs.parse_statfs,
}
# Ticks placed and written per statement (ticks_place, samples_write). A statement costs
# more per tick the more ticks it takes (its JSON parameters reach hundreds of MB, and
# json_to_recordset's rows slow down from 9 to 15 us): one samples_write of 10,000 late
# ticks took 1.26 ms a tick, of 1,000 0.57 ms; in slices of 250, 0.6 to 0.7 ms at any size
# (docs/performance.md, "One request of many ticks").
TICKS_PER_WRITE = 250
# 2000-01-01: a tick before it comes from a clock that was never set.
EARLIEST_TICK = 946684800
# The unknown subsystems an answer names; beyond them, it counts the rest.
IGNORED_SUBSYSTEMS_LISTED = 20

# What each family's arithmetic yields, in the catalogue's column order.
CPU_RATES = catalogue.CPU.columns(kind="rate")
DISK_RATES = catalogue.DISK.columns(kind="rate")
NETWORK_RATES = catalogue.NETWORK.columns(kind="rate")
MEMORY_GAUGES = catalogue.MEMORY.columns(kind="gauge")
FILESYSTEM_GAUGES = catalogue.FILESYSTEM.columns(kind="gauge")


class CollectorGone(DatabaseError):
    """The collector was deleted while its ticks were on their way: the request fails like
    any database failure (the agent retries; its collector is registered again)."""


@dataclass
class Measurement:
    """One subsystem's text of one tick, as the agent sent it."""

    timestamp: int
    subsystem: str
    text: str


@dataclass
class Counters:
    """The counters of one tick: what the next tick's rates are computed from."""

    cpu: dict[int, tuple] = field(default_factory=dict)
    disk: dict[str, tuple] = field(default_factory=dict)
    network: dict[str, tuple] = field(default_factory=dict)


@dataclass
class Tick:
    timestamp: int
    counters: Counters = field(default_factory=Counters)
    memory: dict | None = None
    filesystems: dict[str, tuple] = field(default_factory=dict)


@dataclass
class Skipped:
    """What was not stored, and why: the `skipped` part of the answer."""

    duplicate_ticks: int = 0
    unparsable: list[dict] = field(default_factory=list)
    ignored_subsystems: dict[str, int] = field(default_factory=dict)  # the first IGNORED_SUBSYSTEMS_LISTED
    unlisted_subsystems: set[str] = field(default_factory=set)
    unlisted_measurements: int = 0

    def ignore(self, subsystem: str) -> None:
        """Counts a measurement of a subsystem nothing is stored for."""
        name = "container" if subsystem.startswith("container/") else subsystem[:64]
        if name in self.ignored_subsystems or len(self.ignored_subsystems) < IGNORED_SUBSYSTEMS_LISTED:
            self.ignored_subsystems[name] = self.ignored_subsystems.get(name, 0) + 1
        else:
            self.unlisted_subsystems.add(name)
            self.unlisted_measurements += 1

    def as_dict(self) -> dict:
        answer = {
            "duplicate_ticks": self.duplicate_ticks,
            "unparsable": self.unparsable,
            "ignored_subsystems": self.ignored_subsystems,
        }
        if self.unlisted_measurements:
            answer["ignored_subsystems_unlisted"] = {"subsystems": len(self.unlisted_subsystems),
                                                     "measurements": self.unlisted_measurements}
        return answer


@dataclass
class IngestResult:
    ticks: int = 0
    rows: int = 0
    rows_by_family: dict[str, int] = field(default_factory=dict)
    first: int | None = None
    last: int | None = None
    skipped: Skipped = field(default_factory=Skipped)

    def plus(self, stored: "IngestResult") -> "IngestResult":
        """This result and what a later write stored (its skipped: duplicates only)."""
        return IngestResult(
            ticks=self.ticks + stored.ticks, rows=self.rows + stored.rows,
            rows_by_family={family: self.rows_by_family.get(family, 0) + stored.rows_by_family.get(family, 0)
                            for family in self.rows_by_family.keys() | stored.rows_by_family.keys()},
            first=min((t for t in (self.first, stored.first) if t is not None), default=None),
            last=max((t for t in (self.last, stored.last) if t is not None), default=None),
            skipped=replace(self.skipped,
                            duplicate_ticks=self.skipped.duplicate_ticks + stored.skipped.duplicate_ticks))


def ticks_parse(measurements: list[Measurement], skipped: Skipped) -> list[Tick]:
    """Groups measurements into ticks and parses their text. A subsystem whose text cannot
    be parsed (or holds a value out of range, metrics.procfs) is recorded in `skipped` and
    left out; the rest of its tick stays. A tick before 2000 or more than
    XAT_TICK_MAX_FUTURE_SECONDS ahead of this server's clock is a broken clock's: each of
    its measurements is recorded so."""
    latest = int(time.time()) + settings.XAT_TICK_MAX_FUTURE_SECONDS
    ticks: dict[int, Tick] = {}
    for measurement in measurements:
        parse = _PARSERS.get(measurement.subsystem)
        if parse is None:
            skipped.ignore(measurement.subsystem)
            continue
        try:
            _timestamp_checked(measurement.timestamp, latest)
            tick = ticks.get(measurement.timestamp)
            if tick is None:
                tick = ticks[measurement.timestamp] = Tick(measurement.timestamp)
            _tick_fill(tick, measurement.subsystem, parse(_text_checked(measurement.text)))
        except procfs.ProcParseError as error:
            skipped.unparsable.append(
                {"timestamp": measurement.timestamp, "subsystem": measurement.subsystem, "reason": str(error)}
            )
    return sorted(ticks.values(), key=lambda tick: tick.timestamp)


def _timestamp_checked(t: int, latest: int) -> None:
    if t < EARLIEST_TICK:
        raise procfs.ProcParseError("timestamp before 2000-01-01: the agent's clock is not set")
    if t > latest:
        raise procfs.ProcParseError(f"timestamp in the future (more than {settings.XAT_TICK_MAX_FUTURE_SECONDS} s"
                                    " ahead of this server's clock): the agent's clock is wrong")


def _text_checked(text: str) -> str:
    if "\x00" in text:
        raise procfs.ProcParseError("text contains a NUL byte")
    return text


def _tick_fill(tick: Tick, subsystem: str, parsed) -> None:
    if subsystem == "/proc/stat":
        tick.counters.cpu = parsed
    elif subsystem == "/proc/meminfo":
        tick.memory = arithmetic.memory_gauges(parsed)
    elif subsystem == "/proc/net/dev":
        tick.counters.network = parsed
    elif subsystem == "/proc/diskstats":
        tick.counters.disk = parsed
    else:
        tick.filesystems = parsed


def ticks_store(*, organization_id: int, collector_id: int, ticks: list[Tick],
                lock: "IngestLock | None" = None) -> IngestResult:
    """Stores the raw ticks of one collector (sorted by time, as ticks_parse returns them),
    each paired with its previous tick, stored or in the batch, TICKS_PER_WRITE ticks at a
    time, in the caller's transaction; what was stored (`skipped`: the duplicates only).
    `lock`: the collector's ingest lock when the caller took it, else taken here; its tick
    state follows what is stored, so that each slice's first tick pairs with the previous
    slice's last without looking in the hypertables."""
    result = IngestResult()
    if not ticks:
        return result
    lock = lock or ingest_lock_take(organization_id=organization_id, collector_id=collector_id)
    by_time = {tick.timestamp: tick for tick in ticks}
    times = list(by_time)
    for start in range(0, len(times), TICKS_PER_WRITE):
        placement = ticks_place(organization_id=organization_id, collector_id=collector_id,
                                times=times[start:start + TICKS_PER_WRITE], lock=lock)
        rows = rows_placed([by_time[t] for t in placement.new_times], placement)
        result = result.plus(rows_write(organization_id=organization_id, collector_id=collector_id,
                                        placement=placement, rows=rows, lock=lock))
    return result


@dataclass
class IngestLock:
    """A collector's ingest lock, held for the transaction, and what it read: the
    collector's identifier and its tick state (newest stored tick, its counters as JSON)."""

    collector_id: int
    collector_identifier: str
    newest_stored: int | None
    newest_counters: str | None


def collector_ingest_lock(*, organization_id: int, collector_id: int | None = None,
                          identifier: str | None = None) -> IngestLock | None:
    """Takes the ingest lock of the organization's collector `collector_id`, or when that is
    None of its collector with `identifier`; None when there is no such collector."""
    row = sqlfiles.fetch_one("collector_ingest_lock", organization_id=organization_id, collector_id=collector_id,
                             identifier=identifier)
    return IngestLock(*row) if row else None


def ingest_lock_take(*, organization_id: int, collector_id: int) -> IngestLock:
    """The collector's ingest lock, taken in the caller's transaction; CollectorGone when
    the collector was deleted."""
    if not connection.in_atomic_block:
        raise RuntimeError("ingest runs inside a transaction: wrap the call in transaction.atomic()")
    lock = collector_ingest_lock(organization_id=organization_id, collector_id=collector_id)
    if lock is None:
        raise CollectorGone(f"collector {collector_id} no longer exists")
    return lock


@dataclass
class Placement:
    """Where a slice of ticks falls among its collector's stored ticks."""

    offered: int  # the slice's ticks, duplicates included
    new_times: list[int]  # the ticks not stored yet, sorted
    neighbours: dict[int, tuple]  # each tick's closest stored (previous, next) tick
    stored: dict[int, Counters]  # those neighbours' counters
    recorded: bool  # ticks_place recorded the new ticks in sample_tick already


def ticks_place(*, organization_id: int, collector_id: int, times: list[int], lock: IngestLock) -> Placement:
    """Places a slice (at most TICKS_PER_WRITE ticks) of the collector whose ingest lock is
    held: from the lock's tick state when every tick is newer than the collector's newest
    (no statement), else from the hypertables (ticks_place, which records them too)."""
    if lock.newest_stored is not None and min(times) > lock.newest_stored:
        new_times = sorted(set(times))
        return Placement(len(times), new_times, dict.fromkeys(new_times, (lock.newest_stored, None)),
                         {lock.newest_stored: counters_from_json(lock.newest_counters)}, recorded=False)
    new_times, neighbours, stored = _ticks_place({"organization_id": organization_id, "collector_id": collector_id},
                                                 times)
    return Placement(len(times), new_times, neighbours, stored, recorded=True)


def rows_placed(new_ticks: list[Tick], placement: Placement) -> "SampleRows":
    """The rows of the placed new ticks (sorted), each tick's rates against the closer of
    its stored previous tick and the new tick before it, and the rates of a stored tick
    that a late new tick now precedes."""
    rows = SampleRows()
    stored = placement.stored
    for index, tick in enumerate(new_ticks):
        stored_previous, stored_next = placement.neighbours[tick.timestamp]
        earlier_new = new_ticks[index - 1] if index else None
        later_new = new_ticks[index + 1] if index + 1 < len(new_ticks) else None
        if earlier_new is not None and (stored_previous is None or earlier_new.timestamp > stored_previous):
            rows.extend(tick_rows(earlier_new, tick))
        else:
            previous = stored.get(stored_previous)
            rows.extend(tick_rows(None if previous is None else Tick(stored_previous, previous), tick))
        if stored_next is not None and (later_new is None or later_new.timestamp > stored_next):
            # A stored tick whose previous tick is this late one: its rates change (its
            # counters alone: its gauges do not depend on the tick before it).
            rows.extend(tick_rows(tick, Tick(stored_next, stored.get(stored_next, Counters()))))
    return rows


def rows_write(*, organization_id: int, collector_id: int, placement: Placement, rows: "SampleRows",
               lock: IngestLock) -> IngestResult:
    """Writes a placed slice's rows (samples_write, generated in sql/queries/samples_write.sql:
    one statement for every table, rows upserted) and moves the lock's tick state on when the
    slice holds the collector's newest tick; what was stored (`skipped`: the duplicates only)."""
    new_times = placement.new_times
    duplicates = Skipped(duplicate_ticks=placement.offered - len(new_times))
    if not new_times:
        return IngestResult(skipped=duplicates)
    newest = new_times[-1]
    newest_overall = placement.neighbours[newest][1] is None
    state_counters = rows.counters_json(newest) if newest_overall else None
    changed = [row["t"] for family_rows in rows.rows.values() for row in family_rows] or new_times
    counts = sqlfiles.fetch_one("samples_write", organization_id=organization_id, collector_id=collector_id,
                                **rows.as_json(), ticks=[] if placement.recorded else new_times,
                                state_time=newest if newest_overall else None, state_counters=state_counters,
                                last=newest, changed_from=min(changed), changed_to=max(changed))
    if newest_overall:
        lock.newest_stored, lock.newest_counters = newest, state_counters
    rows_by_family = {family: count for family, count in zip(SampleRows.FAMILIES, counts) if count}
    return IngestResult(ticks=len(new_times), rows=sum(rows_by_family.values()), rows_by_family=rows_by_family,
                        first=new_times[0], last=newest, skipped=duplicates)


def _ticks_place(ids: dict, times: list[int]) -> tuple[list[int], dict[int, tuple], dict[int, Counters]]:
    """Records the ticks and finds each one's stored neighbours in the hypertables: the new
    ticks (sorted), each tick's (previous, next) stored tick, and those ticks' counters."""
    placed: dict[int, tuple] = {}
    new_times = []
    stored: dict[int, Counters] = defaultdict(Counters)
    for kind, t, previous, following, new, item, counters in sqlfiles.fetch_all("ticks_place", **ids, times=times):
        if kind == "tick":
            placed[t] = (previous, following)
            if new:
                new_times.append(t)
        elif counters:  # empty: a row of a processed upload (metrics.uploads), no state to pair with
            getattr(stored[t], kind)[int(item) if kind == "cpu" else item] = tuple(counters)
    return sorted(new_times), placed, stored


def counters_from_json(text: str) -> Counters:
    """A tick's counters as collector_tick_state keeps them (SampleRows.counters_json)."""
    families = orjson.loads(text)
    return Counters(
        cpu={int(cpu): tuple(values) for cpu, values in families.get("cpu", {}).items()},
        disk={device: tuple(values) for device, values in families.get("disk", {}).items()},
        network={interface: tuple(values) for interface, values in families.get("network", {}).items()},
    )


def rows_after(ticks: list[Tick], *, previous: Tick | None) -> "SampleRows":
    """The rows of ticks (sorted by time) newer than every stored tick of their collector,
    each tick's rates from the one before it: `previous` (the collector's newest stored
    tick, its counters only; None without one) for the first."""
    rows = SampleRows()
    for tick in ticks:
        rows.extend(tick_rows(previous, tick))
        previous = tick
    return rows


def tick_rows(previous: Tick | None, current: Tick) -> dict[str, list[dict]]:
    """Every family's rows of the tick `current`: its rates against the counters of
    `previous`, the tick before it of the same collector (None: there is none, and the rates
    are empty), pcprocess's arithmetic (metrics.arithmetic); its host totals; its gauges."""
    t, counters = current.timestamp, current.counters
    earlier = previous.counters if previous is not None else Counters()
    dt = t - previous.timestamp if previous is not None else 0
    rows: dict[str, list[dict]] = {}
    if counters.cpu:
        rows["cpu"] = []
        for cpu, values in counters.cpu.items():
            earlier_values = earlier.cpu.get(cpu)
            rates = arithmetic.cpu_percentages(earlier_values, values) if earlier_values else None
            rows["cpu"].append(_row(t, cpu, rates or _NO_CPU_RATES, counters=values))
    if counters.disk:
        whole_disks = disks_in_total(counters.disk)
        rows["disk"], in_total = [], {}
        for device, values in counters.disk.items():
            earlier_values = earlier.disk.get(device)
            rates = arithmetic.disk_rates(earlier_values, values, dt) if earlier_values else None
            rows["disk"].append(_row(t, device, rates or _NO_DISK_RATES, in_total=device in whole_disks,
                                     counters=values))
            if rates and device in whole_disks:
                in_total[device] = rates
        rows["disk_total"] = [_row(t, None, disk_total(in_total), disks=len(in_total))]
    if counters.network:
        rows["network"], in_total = [], {}
        for interface, values in counters.network.items():
            earlier_values = earlier.network.get(interface)
            rates = arithmetic.net_rates(earlier_values, values, dt) if earlier_values else None
            counted = interface_in_total(interface)
            rows["network"].append(_row(t, interface, rates or _NO_NETWORK_RATES, in_total=counted,
                                        counters=values))
            if rates and counted:
                in_total[interface] = rates
        rows["network_total"] = [_row(t, None, network_total(in_total), interfaces=len(in_total))]
    if current.memory is not None:
        rows["memory"] = [_row(t, None, current.memory)]
    if current.filesystems:
        rows["filesystem"] = [_row(t, mount, arithmetic.filesystem_gauges(*numbers))
                              for mount, numbers in current.filesystems.items()]
    return rows


def _row(t: int, item, values: dict, **extra) -> dict:
    """A row as SampleRows holds it: its time, its item (none for memory and the totals)."""
    row = {"t": t, **extra, **values}
    if item is not None:
        row["item"] = item
    return row


class SampleRows:
    """The rows of each family of a batch, written by samples_write (one JSON array per
    family) or by a binary COPY (metrics.sample_copy): tick_rows' rows (`extend`), or one
    row of a processed capture's values (`add`: a row's time, item (None for memory and
    totals) and values)."""

    FAMILIES = tuple(catalogue.FAMILIES)  # samples_write's order (generated), and the COPYs'
    # The column a row's item goes to, in the family's table (<family>_sample).
    ITEM_COLUMNS = {name: family.item.column for name, family in catalogue.FAMILIES.items()
                    if family.item}

    def __init__(self):
        self.rows: dict[str, list[dict]] = {family: [] for family in self.FAMILIES}

    def add(self, family: str, t: int, item, values: dict, **extra) -> None:
        self.rows[family].append(_row(t, item, values, **extra))

    def extend(self, rows: dict[str, list[dict]]) -> None:
        """Adds tick_rows' rows."""
        for family, family_rows in rows.items():
            self.rows[family] += family_rows

    def as_json(self) -> dict[str, str]:
        # orjson: a tenth of json.dumps's time here; floats in the shortest form that reads
        # back to the same double, as json.dumps writes them.
        return {family: orjson.dumps(rows).decode() for family, rows in self.rows.items()}

    def counters_json(self, t: int) -> str:
        """The counters written at time t, as collector_tick_state keeps them (the rows of
        a processed upload have none: then an empty family, and the next tick no rates)."""
        return orjson.dumps(
            {family: {str(row["item"]): row["counters"] for row in self.rows[family] if row["t"] == t and row["counters"]}
             for family in ("cpu", "disk", "network")}).decode()


_NO_CPU_RATES = dict.fromkeys(CPU_RATES)
_NO_DISK_RATES = dict.fromkeys(DISK_RATES)
_NO_NETWORK_RATES = dict.fromkeys(NETWORK_RATES)
