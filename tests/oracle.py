"""The independent oracle: what pcprocess (the collector's own processor) computed from
each real capture under shared/data/pcc/, and how its CSV columns map to ours."""

import csv
import math
from pathlib import Path

PCC_CAPTURES = Path(__file__).resolve().parents[2] / "shared" / "data" / "pcc"
CAPTURES = sorted(path.parent for path in PCC_CAPTURES.glob("*/collection.ndjson"))

# pcprocess columns -> our keys, per CSV file.
CPU_COLUMNS = {
    "%usr": "user_pct",
    "%nice": "nice_pct",
    "%system": "system_pct",
    "%iowait": "iowait_pct",
    "%steal": "steal_pct",
    "%idle": "idle_pct",
}
MEMORY_COLUMNS = {
    "kbmemfree": "mem_free_kb",
    "kbavail": "mem_available_kb",
    "kbmemused": "mem_used_kb",
    "%memused": "mem_used_pct",
    "kbbuffers": "buffers_kb",
    "kbcached": "cached_kb",
    "kbcommit": "commit_kb",
    "%commit": "commit_pct",
    "kbactive": "active_kb",
    "kbinact": "inactive_kb",
    "kbdirty": "dirty_kb",
}
NET_COLUMNS = {
    "rxpck/s": "rx_packets_ps",
    "txpck/s": "tx_packets_ps",
    "rxkB/s": "rx_kb_ps",
    "txkB/s": "tx_kb_ps",
    "rxcmp/s": "rx_compressed_ps",
    "txcmp/s": "tx_compressed_ps",
    "rxmcst/s": "rx_multicast_ps",
    "%ifutil": "if_util_pct",
}
DISK_COLUMNS = {
    "tps": "tps",
    "rtps": "rtps",
    "wtps": "wtps",
    "dtps": "dtps",
    "bread/s": "read_sectors_ps",
    "bwrtn/s": "written_sectors_ps",
    "bdscd/s": "discarded_sectors_ps",
}


def oracle_rows(capture: Path, name: str) -> list[dict]:
    with (capture / "pcprocess" / name).open(newline="") as lines:
        reader = csv.reader(lines)
        header = next(reader)
        assert header[0].startswith("#"), header
        header[0] = header[0].lstrip("#")
        return [dict(zip(header, row, strict=True)) for row in reader]


def close(ours, theirs: str) -> bool:
    return ours is not None and math.isclose(ours, float(theirs), rel_tol=1e-9, abs_tol=1e-6)
