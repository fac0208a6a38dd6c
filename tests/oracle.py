"""The independent oracle: what pcprocess (the collector's own processor) computed from
each real capture under tests/data/pcc/, and how its CSV columns map to ours."""

import csv
import math
from pathlib import Path

from django.db import connection

from metrics.catalogue import FAMILIES

PCC_CAPTURES = Path(__file__).resolve().parent / "data" / "pcc"
CAPTURES = sorted(path.parent for path in PCC_CAPTURES.glob("*/collection.ndjson"))
# Every raw table a tick writes: its sample_tick row and each family's hypertable.
SAMPLE_TABLES = ("sample_tick", *(family.table for family in FAMILIES.values()))

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


# -- what a collector stored, against the oracle -------------------------------------------

FAMILIES = {
    # table: (item column, oracle CSV, its item column, column map)
    "cpu_sample": ("cpu", "proc/stat", "CPU", CPU_COLUMNS),
    "network_sample": ("interface", "proc/net/dev", "IFACE", NET_COLUMNS),
    "disk_sample": ("device", "proc/diskstats", "DEV", DISK_COLUMNS),
}


def _stored_rows(table: str, item_column: str | None, columns, collector_id: int) -> dict:
    item = f"{item_column}::text" if item_column else "''"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT extract(epoch FROM time)::bigint, {item}, {', '.join(columns)} FROM {table} "
            "WHERE collector_id = %s",
            [collector_id],
        )
        return {(t, name): dict(zip(columns, values)) for t, name, *values in cursor.fetchall()}


def stored_samples(identifier: str) -> dict[str, list]:
    """Every row of the agent's collector in each sample table, sorted, without its ids and
    the server's time of arrival: two collectors fed the same ticks, however they arrived,
    store equal values."""
    stored = {}
    with connection.cursor() as cursor:
        for table in SAMPLE_TABLES:
            cursor.execute(f"SELECT (to_jsonb(s) - 'organization_id' - 'collector_id' - 'received_at')::text"
                           f" FROM {table} s WHERE collector_id = %s ORDER BY 1", [collector_id_of(identifier)])
            stored[table] = [row for (row,) in cursor.fetchall()]
    return stored


def collector_id_of(identifier: str) -> int:
    """The id of the collector registered for an agent's identifier."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM metrics_collector WHERE identifier = %s", [identifier])
        return cursor.fetchone()[0]


def assert_stored_matches_oracle(capture: Path, collector_id: int) -> int:
    """Every row pcprocess computed from capture equals what collector_id stored (rates of
    cpu, disk and network items, memory, file systems); the number of rows compared."""
    return assert_rows_match_oracle(
        capture, lambda table, item_column, columns: _stored_rows(table, item_column, columns, collector_id))


def assert_rows_match_oracle(capture: Path, rows_of) -> int:
    """assert_stored_matches_oracle of the rows `rows_of(table, item column, columns)` gives,
    as {(unix time, item as text ('' for none)): {column: value}}."""
    compared = 0
    for table, (item_column, csv_name, csv_item, columns) in FAMILIES.items():
        stored = rows_of(table, item_column, list(columns.values()))
        rows = oracle_rows(capture, csv_name)
        first = min(int(row["timestamp"]) for row in rows)
        mismatches = []
        for row in rows:
            if int(row["timestamp"]) == first:
                continue  # pcprocess's first row pairs the 3rd tick with the 1st
            ours = stored.get((int(row["timestamp"]), row[csv_item]))
            for column, our_column in columns.items():
                if ours is None or not close(ours[our_column], row[column]):
                    mismatches.append((table, row["timestamp"], row[csv_item], column, row[column], ours))
            compared += 1
        assert not mismatches, f"{len(mismatches)} differences, first: {mismatches[:3]}"

    memory = rows_of("memory_sample", None, list(MEMORY_COLUMNS.values()))
    for row in oracle_rows(capture, "proc/meminfo"):
        ours = memory[(int(row["timestamp"]), "")]
        assert all(close(ours[our], row[theirs]) for theirs, our in MEMORY_COLUMNS.items()), row
        compared += 1
    filesystems = rows_of("filesystem_sample", "mount", ["block_size", "blocks_total", "blocks_available", "use_pct"])
    for row in oracle_rows(capture, "statfs_ALL"):
        ours = filesystems[(int(row["timestamp"]), row["mount"])]
        assert (ours["block_size"], ours["blocks_total"], ours["blocks_available"]) == (
            int(row["blocksize"]), int(row["blockstotal"]), int(row["blocksavail"]))
        assert abs(ours["use_pct"] - int(row["use"])) <= 1
        compared += 1
    return compared
