"""pcprocess's CSV tree: the files the collector's own processor (sar-compatible) writes
for one capture, their exact header lines, and which of our columns each column is (the
catalogue's `pcprocess` names, metrics/catalogue.py).

Read by the pcprocess-zip upload (metrics/uploads/pcprocess_zip.py) and written by the
`sar` export (metrics/exports.py), so both agree on one map. Header lines are copied from the trees
under tests/data/pcc/*/pcprocess/. Every file is CSV with a `#`-prefixed header, Unix
seconds in `timestamp`, and one row per tick (meminfo) or per item of a tick.
"""

from dataclasses import dataclass

from metrics.catalogue import CPU, DISK, FILESYSTEM, MEMORY, NETWORK, Family


@dataclass(frozen=True)
class TreeFile:
    path: str               # inside the tree
    header: str             # the exact first line
    item: str | None        # the column naming the CPU, interface, device or mount
    columns: dict           # pcprocess column -> our column (the catalogue's `pcprocess`)
    required: bool = True

    @property
    def names(self) -> list[str]:
        return self.header.lstrip("#").split(",")


def _columns_of(family: Family) -> dict[str, str]:
    """pcprocess column -> our column, for the family's metrics that pcprocess has."""
    return {metric.pcprocess: metric.column for metric in family.metrics if metric.pcprocess}


STAT = TreeFile("proc/stat", "#timestamp,CPU,%usr,%nice,%system,%iowait,%steal,%idle", "CPU", _columns_of(CPU))
MEMINFO = TreeFile(
    "proc/meminfo",
    "#timestamp,kbmemfree,kbavail,kbmemused,%memused,kbbuffers,kbcached,kbcommit,%commit,kbactive,kbinact,kbdirty",
    None,
    _columns_of(MEMORY),
)
NET_DEV = TreeFile(
    "proc/net/dev",
    "#timestamp,IFACE,rxpck/s,txpck/s,rxkB/s,txkB/s,rxcmp/s,txcmp/s,rxmcst/s,%ifutil",
    "IFACE",
    _columns_of(NETWORK),
)
DISKSTATS = TreeFile("proc/diskstats", "#timestamp,DEV,tps,rtps,wtps,dtps,bread/s,bwrtn/s,bdscd/s", "DEV", _columns_of(DISK))
# `use` is pcprocess's percentage rounded to an integer (metrics.arithmetic.filesystem_gauges).
STATFS = TreeFile(
    "statfs_ALL", "#timestamp,mount,blocksize,blockstotal,blocksavail,use", "mount", _columns_of(FILESYSTEM), required=False
)
TREE = (STAT, MEMINFO, NET_DEV, DISKSTATS, STATFS)


def number_text(value) -> str:
    """A number as pcprocess (Go) prints it: integral values without a decimal point,
    others in the shortest form that reads back to the same float; None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)
