"""pcprocess's CSV tree: the files the collector's own processor (sar-compatible) writes
for one capture, their exact header lines, and which of our columns each column is.

Read by the pcprocess-zip upload (metrics/uploads/pcprocess_zip.py) and written by the
`sar` export (metrics/exports.py), so both agree on one map. Header lines are copied from the trees
under shared/data/pcc/*/pcprocess/. Every file is CSV with a `#`-prefixed header, Unix
seconds in `timestamp`, and one row per tick (meminfo) or per item of a tick.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TreeFile:
    path: str               # inside the tree
    header: str             # the exact first line
    item: str | None        # the column naming the CPU, interface, device or mount
    columns: dict           # pcprocess column -> our column (metrics.ingest / DB names)
    required: bool = True

    @property
    def names(self) -> list[str]:
        return self.header.lstrip("#").split(",")


STAT = TreeFile(
    "proc/stat",
    "#timestamp,CPU,%usr,%nice,%system,%iowait,%steal,%idle",
    "CPU",
    {"%usr": "user_pct", "%nice": "nice_pct", "%system": "system_pct", "%iowait": "iowait_pct",
     "%steal": "steal_pct", "%idle": "idle_pct"},
)
MEMINFO = TreeFile(
    "proc/meminfo",
    "#timestamp,kbmemfree,kbavail,kbmemused,%memused,kbbuffers,kbcached,kbcommit,%commit,kbactive,kbinact,kbdirty",
    None,
    {"kbmemfree": "mem_free_kb", "kbavail": "mem_available_kb", "kbmemused": "mem_used_kb",
     "%memused": "mem_used_pct", "kbbuffers": "buffers_kb", "kbcached": "cached_kb", "kbcommit": "commit_kb",
     "%commit": "commit_pct", "kbactive": "active_kb", "kbinact": "inactive_kb", "kbdirty": "dirty_kb"},
)
NET_DEV = TreeFile(
    "proc/net/dev",
    "#timestamp,IFACE,rxpck/s,txpck/s,rxkB/s,txkB/s,rxcmp/s,txcmp/s,rxmcst/s,%ifutil",
    "IFACE",
    {"rxpck/s": "rx_packets_ps", "txpck/s": "tx_packets_ps", "rxkB/s": "rx_kb_ps", "txkB/s": "tx_kb_ps",
     "rxcmp/s": "rx_compressed_ps", "txcmp/s": "tx_compressed_ps", "rxmcst/s": "rx_multicast_ps",
     "%ifutil": "if_util_pct"},
)
DISKSTATS = TreeFile(
    "proc/diskstats",
    "#timestamp,DEV,tps,rtps,wtps,dtps,bread/s,bwrtn/s,bdscd/s",
    "DEV",
    {"tps": "tps", "rtps": "rtps", "wtps": "wtps", "dtps": "dtps", "bread/s": "read_sectors_ps",
     "bwrtn/s": "written_sectors_ps", "bdscd/s": "discarded_sectors_ps"},
)
# `use` is pcprocess's percentage rounded to an integer (metrics.arithmetic.filesystem_gauges).
STATFS = TreeFile(
    "statfs_ALL",
    "#timestamp,mount,blocksize,blockstotal,blocksavail,use",
    "mount",
    {"blocksize": "block_size", "blockstotal": "blocks_total", "blocksavail": "blocks_available", "use": "use_pct"},
    required=False,
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
