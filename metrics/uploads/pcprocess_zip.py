"""A zip of pcprocess's CSV tree (metrics/pcprocess.py), at the root or in one folder,
stored as the columns it carries (docs/api.md, "Uploads"): cpu_sample per CPU,
memory_sample (mem_total_kb derived as kbmemused / %memused), network_sample per interface,
disk_sample per device, filesystem_sample per mount, and the host totals summed from them
as metrics.host_totals sums them.

The tree's CSVs are read side by side, merged by timestamp (heapq.merge over one stream
per file), so at most one batch of ticks is held at a time. A line that adds nothing to a
tick (blank, refused) goes by as an empty group of the latest timestamp of its file, which
keeps each stream in time order and lets the reader see every line go by."""

import heapq
import itertools
import zipfile
from collections.abc import Iterator
from operator import itemgetter

from metrics import arithmetic, pcprocess
from metrics.host_totals import disk_total, disks_in_total, interface_in_total, network_total
from metrics.ingest import CPU_RATES, DISK_RATES, MEMORY_GAUGES, NETWORK_RATES, TICKS_PER_WRITE
from metrics.uploads.archive import archive_open
from metrics.uploads.batch import LinesRead, UploadBatch
from metrics.uploads.errors import UnknownFormat, UploadRejected
from metrics.uploads.lines import STREAM_ERRORS, csv_header, csv_header_row, csv_rows, first_line, numbered_lines
from metrics.uploads.processed import ProcessedTick, number, tick_time


def tree_inspect(file) -> None:
    """UploadRejected if the archive is unsafe (metrics.uploads.archive), holds no single
    tree with the required files, or a file of the tree lacks a required column."""
    archive, root = _tree_open(file)
    with archive:
        for tree_file, member in _tree_members(archive, root):
            try:
                first = first_line(archive.open(member)) or b""
            except STREAM_ERRORS as error:
                raise UploadRejected(f"{tree_file.path} cannot be read ({error})") from None
            _tree_columns_check(csv_header(first), tree_file)


def tree_batches(file) -> Iterator[UploadBatch]:
    archive, root = _tree_open(file)
    lines = LinesRead()
    with archive:
        streams = [_tree_groups(archive, member, f, lines) for f, member in _tree_members(archive, root)]
        ticks: dict[int, ProcessedTick] = {}
        for t, groups in itertools.groupby(heapq.merge(*streams, key=itemgetter(0)), key=itemgetter(0)):
            tick = None
            for _, path, rows in groups:
                for line, row in rows:
                    tick = tick or ProcessedTick()
                    try:
                        _tree_row_add(tick, path, row)
                    except (ValueError, KeyError) as error:
                        lines.refused(line, f"{error}", file=path)
                if lines.due():
                    yield UploadBatch(lines=lines.taken())
            if tick is None:  # lines that added nothing
                continue
            _tree_totals(tick)
            ticks[t] = tick
            if len(ticks) >= TICKS_PER_WRITE:
                yield UploadBatch(lines=lines.taken(), processed=ticks)
                ticks = {}
        yield UploadBatch(lines=lines.taken(), processed=ticks)


def _tree_open(file) -> tuple[zipfile.ZipFile, str]:
    """The archive and the folder its tree is in."""
    archive = archive_open(file)
    entries = archive.infolist()
    roots = {entry.filename[: -len(pcprocess.STAT.path)] for entry in entries
             if entry.filename == pcprocess.STAT.path or entry.filename.endswith("/" + pcprocess.STAT.path)}
    if len(roots) != 1:
        names = [entry.filename for entry in entries[:10]]
        raise UnknownFormat(
            f"recognised a zip archive, but not one pcprocess tree (proc/stat, proc/meminfo, proc/net/dev, "
            f"proc/diskstats): it holds {names}",
            recognised="zip",
        )
    root = roots.pop()
    present = {entry.filename for entry in entries}
    missing = [f.path for f in pcprocess.TREE if f.required and root + f.path not in present]
    if missing:
        raise UploadRejected("the pcprocess tree lacks required files", missing_files=missing)
    return archive, root


def _tree_members(archive: zipfile.ZipFile, root: str):
    """(tree file, member name) of each file of the tree the archive holds."""
    present = set(archive.namelist())
    return [(f, root + f.path) for f in pcprocess.TREE if root + f.path in present]


def _tree_groups(archive, member: str, tree_file, lines: LinesRead) -> Iterator[tuple[int, str, list]]:
    """(timestamp, tree file, [(line, row dict)]) per timestamp of one CSV of the tree, in
    time order; a row whose timestamp goes back in time is refused. Each line that adds
    nothing (blank, refused) is an empty group of the latest timestamp (0 before any)."""
    path = tree_file.path
    rows = csv_rows(numbered_lines(archive.open(member), lines, file=path), lines, file=path)
    header = _tree_columns_check(csv_header_row(rows), tree_file)
    latest, current, group = None, None, []
    for line, cells in rows:
        if cells:
            row = dict(zip(header, cells))
            try:
                t = tick_time(row.get("timestamp", ""))
            except ValueError as error:
                lines.refused(line, str(error), file=path)
            else:
                if group and t != current:
                    yield current, path, group
                    latest, group = current, []
                if latest is None or t > latest:
                    current = t
                    group.append((line, row))
                    continue
                lines.refused(line, f"timestamp {t} is not after {latest}: skipped", file=path)
        yield latest or 0, path, []
    if group:
        yield current, path, group


def _tree_columns_check(header: list[str], tree_file) -> list[str]:
    """The header of a CSV of the tree (without pcprocess's leading '#'); UploadRejected
    listing the columns it lacks."""
    names = [name.strip() for name in header]
    if names:
        names[0] = names[0].lstrip("#")
    missing = [name for name in tree_file.names if name not in names]
    if missing:
        raise UploadRejected(f"{tree_file.path} lacks required columns", missing_columns=missing)
    return names


def _mapped(row: dict, tree_file) -> dict:
    return {ours: number(row[theirs]) for theirs, ours in tree_file.columns.items()}


def _tree_row_add(tick: ProcessedTick, path: str, row: dict) -> None:
    if path == pcprocess.STAT.path:
        tick.cpu[int(row["CPU"])] = dict.fromkeys(CPU_RATES) | _mapped(row, pcprocess.STAT)
    elif path == pcprocess.MEMINFO.path:
        values = _mapped(row, pcprocess.MEMINFO)
        if not values["mem_used_pct"] or values["mem_used_pct"] <= 0:
            raise ValueError("%memused must be positive to derive MemTotal (kbmemused / %memused)")
        memory = dict.fromkeys(MEMORY_GAUGES) | values
        for name in ("mem_free_kb", "mem_available_kb", "mem_used_kb", "buffers_kb", "cached_kb", "commit_kb",
                     "active_kb", "inactive_kb", "dirty_kb"):
            memory[name] = round(memory[name])
        memory["mem_total_kb"] = round(values["mem_used_kb"] / (values["mem_used_pct"] / 100))
        tick.memory = memory
    elif path == pcprocess.NET_DEV.path:
        tick.network[row["IFACE"]] = dict.fromkeys(NETWORK_RATES) | _mapped(row, pcprocess.NET_DEV)
    elif path == pcprocess.DISKSTATS.path:
        tick.disk[row["DEV"]] = dict.fromkeys(DISK_RATES) | _mapped(row, pcprocess.DISKSTATS)
    else:
        block_size, blocks_total, blocks_available = (int(row[name]) for name in ("blocksize", "blockstotal",
                                                                                    "blocksavail"))
        if min(block_size, blocks_total, blocks_available) < 0:
            raise ValueError("statfs numbers must not be negative")
        tick.filesystems[row["mount"]] = arithmetic.filesystem_gauges(block_size, blocks_total, blocks_available)


def _tree_totals(tick: ProcessedTick) -> None:
    """Host totals as metrics.host_totals sums them; the columns pcprocess does not carry
    stay NULL."""
    tick.disk_in_total = disks_in_total(tick.disk)
    if tick.disk:
        whole = {name: tick.disk[name] for name in tick.disk_in_total}
        tick.disk_total = disk_total(whole) | {"disks": len(whole)}
    if tick.network:
        physical = {name: rates for name, rates in tick.network.items() if interface_in_total(name)}
        tick.network_total = network_total(physical) | {"interfaces": len(physical)}
