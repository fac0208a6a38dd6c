"""The arithmetic of proc-metrics.md (metrics.arithmetic), unit by unit, then against
the oracle: the CSVs pcprocess produced from every capture under tests/data/pcc."""

import functools
import json
from pathlib import Path

import pytest

from metrics.arithmetic import (
    cpu_percentages,
    disk_rates,
    filesystem_gauges,
    memory_gauges,
    net_rates,
    paired,
)
from tests.oracle import (
    CAPTURES,
    CPU_COLUMNS,
    DISK_COLUMNS,
    MEMORY_COLUMNS,
    NET_COLUMNS,
    PCC_CAPTURES,
    close,
    oracle_rows,
)
from metrics.procfs import (
    ProcParseError,
    parse_diskstats,
    parse_meminfo,
    parse_net_dev,
    parse_stat,
    parse_statfs,
)


CPU_KEYS = {"user_pct", "nice_pct", "system_pct", "iowait_pct", "irq_pct", "softirq_pct", "steal_pct", "idle_pct"}

# ----------------------------------------------------------------------------- CPU
#        user nice system idle iowait irq softirq steal guest guest_nice
CPU_A = (1000, 10, 300, 5000, 40, 5, 15, 0, 0, 0)


def test_it_computes_cpu_percentages_of_the_interval():
    cur = (1060, 10, 320, 5100, 50, 6, 19, 5, 0, 0)  # Δ: 60 0 20 100 10 1 4 5 -> total 200

    pct = cpu_percentages(CPU_A, cur)

    assert pct == {
        "user_pct": 30.0,
        "nice_pct": 0.0,
        "system_pct": 10.0,
        "iowait_pct": 5.0,
        "irq_pct": 0.5,
        "softirq_pct": 2.0,
        "steal_pct": 2.5,
        "idle_pct": 50.0,
    }


def test_it_gives_no_cpu_percentages_when_a_counter_went_down():
    # A reboot between two ticks: counters start again from zero.
    assert cpu_percentages(CPU_A, (20, 0, 10, 300, 1, 0, 0, 0, 0, 0)) is None
    # One counter is enough, steal included.
    assert cpu_percentages((0, 0, 0, 0, 0, 0, 0, 9, 0, 0), (5, 0, 0, 5, 0, 0, 0, 8, 0, 0)) is None


def test_it_ignores_guest_counters_for_resets():
    # guest and guest_nice are inside user and nice: they play no part.
    pct = cpu_percentages((0, 0, 0, 0, 0, 0, 0, 0, 50, 50), (10, 0, 0, 10, 0, 0, 0, 0, 0, 0))

    assert pct["user_pct"] == 50.0 and pct["idle_pct"] == 50.0


def test_it_gives_zero_busy_and_full_idle_when_only_idle_time_passed():
    # The spec's first guard (Δbusy <= 0); pcprocess prints 0,0,0,0,0,100 here.
    pct = cpu_percentages(CPU_A, CPU_A[:3] + (CPU_A[3] + 500,) + CPU_A[4:])

    assert pct == dict.fromkeys(CPU_KEYS - {"idle_pct"}, 0.0) | {"idle_pct": 100.0}


def test_it_gives_zero_busy_and_full_idle_when_no_time_passed():
    # Two readings within the same jiffy: Δbusy = Δtotal = 0, the first guard wins.
    pct = cpu_percentages(CPU_A, CPU_A)

    assert pct["idle_pct"] == 100.0 and pct["user_pct"] == 0.0


def test_it_gives_full_busy_and_zero_idle_when_only_busy_time_passed():
    pct = cpu_percentages((0,) * 10, (7, 0, 3, 0, 0, 0, 0, 0, 0, 0))

    assert pct["user_pct"] == 70.0 and pct["system_pct"] == 30.0
    assert pct["idle_pct"] == 0.0


def test_it_accepts_cpu_lines_with_only_the_8_base_counters():
    assert cpu_percentages((0,) * 8, (1, 0, 0, 3, 0, 0, 0, 0))["idle_pct"] == 75.0


# -------------------------------------------------------------------------- memory
MEMINFO = {
    "MemTotal": 1000,
    "MemFree": 100,
    "MemAvailable": 600,
    "Buffers": 50,
    "Cached": 300,
    "Slab": 50,
    "SwapTotal": 1000,
    "SwapFree": 900,
    "Committed_AS": 500,
    "Active": 200,
    "Inactive": 250,
    "Dirty": 7,
}


def test_it_computes_memory_gauges():
    assert memory_gauges(MEMINFO) == {
        "mem_total_kb": 1000,
        "mem_free_kb": 100,
        "mem_available_kb": 600,
        "mem_used_kb": 500,  # 1000 - (100 + 50 + 300 + 50)
        "mem_used_pct": 50.0,
        "buffers_kb": 50,
        "cached_kb": 300,
        "commit_kb": 500,
        "commit_pct": 25.0,  # 500 / (1000 + 1000)
        "active_kb": 200,
        "inactive_kb": 250,
        "dirty_kb": 7,
        "swap_total_kb": 1000,
        "swap_free_kb": 900,
    }


def test_it_caps_memory_not_used_at_the_total():
    # Cached can exceed what MemTotal leaves over (e.g. shmem counted twice).
    gauges = memory_gauges(MEMINFO | {"Cached": 5000})

    assert gauges["mem_used_kb"] == 0 and gauges["mem_used_pct"] == 0.0


def test_it_gives_none_for_missing_optional_memory_fields():
    meminfo = {key: value for key, value in MEMINFO.items() if key not in ("MemAvailable", "Dirty", "Slab")}

    gauges = memory_gauges(meminfo)

    assert gauges["mem_available_kb"] is None and gauges["dirty_kb"] is None
    assert gauges["mem_used_kb"] is None and gauges["mem_used_pct"] is None
    assert gauges["mem_free_kb"] == 100 and gauges["commit_pct"] == 25.0


def test_it_refuses_meminfo_without_a_total():
    with pytest.raises(ProcParseError, match="MemTotal"):
        memory_gauges({key: value for key, value in MEMINFO.items() if key != "MemTotal"})
    with pytest.raises(ProcParseError, match="MemTotal"):
        memory_gauges(MEMINFO | {"MemTotal": 0})


@pytest.mark.parametrize("part, whole", [("MemFree", "MemTotal"), ("MemAvailable", "MemTotal"),
                                         ("SwapFree", "SwapTotal")])
def test_it_refuses_a_memory_part_larger_than_its_whole(part, whole):
    assert memory_gauges(MEMINFO | {part: MEMINFO[whole]})  # equal: an idle host, plausible

    with pytest.raises(ProcParseError, match=f"{part} {MEMINFO[whole] + 1} exceeds {whole}"):
        memory_gauges(MEMINFO | {part: MEMINFO[whole] + 1})


# ------------------------------------------------------------------------- network
#     rx: bytes packets errs drop fifo frame cmp mcast  tx: bytes packets errs drop fifo colls carrier cmp
NET_A = (10240, 100, 1, 2, 0, 0, 3, 4, 20480, 200, 5, 6, 0, 0, 0, 7)


def test_it_computes_network_rates():
    cur = (10240 + 5120, 110, 2, 2, 9, 9, 4, 14, 20480 + 10240, 220, 5, 8, 9, 9, 9, 17)

    rates = net_rates(NET_A, cur, 5.0)

    assert rates == {
        "rx_packets_ps": 2.0,
        "tx_packets_ps": 4.0,
        "rx_kb_ps": 1.0,
        "tx_kb_ps": 2.0,
        "rx_compressed_ps": 0.2,
        "tx_compressed_ps": 2.0,
        "rx_multicast_ps": 2.0,
        "rx_errors_ps": 0.2,
        "tx_errors_ps": 0.0,
        "rx_drops_ps": 0.0,
        "tx_drops_ps": 0.4,
        "if_util_pct": 0.0,
    }


def test_it_gives_no_network_rates_when_a_counter_went_down():
    # The interface was re-created: its counters start again.
    assert net_rates(NET_A, (0,) * 16, 5.0) is None
    assert net_rates(NET_A, NET_A[:10] + (NET_A[10] - 1,) + NET_A[11:], 5.0) is None


def test_it_gives_no_network_rates_without_elapsed_time():
    assert net_rates(NET_A, NET_A, 0) is None
    assert net_rates(NET_A, NET_A, -5.0) is None


# ---------------------------------------------------------------------------- disk
DISK_A = (100, 0, 800, 50, 200, 0, 1600, 150, 3, 1000, 2000, 10, 0, 80, 5, 0, 0)


def test_it_computes_disk_rates():
    # Δ: 10 reads of 80 sectors in 20 ms, 30 writes of 240 sectors in 80 ms, 10 discards
    # of 80 sectors, 500 ms doing I/O; in-progress 3 -> 0 is a gauge.
    cur = (110, 0, 880, 70, 230, 0, 1840, 230, 0, 1500, 2100, 20, 0, 160, 9, 4, 1)

    rates = disk_rates(DISK_A, cur, 5.0)

    assert rates == {
        "tps": 10.0,  # (10 + 30 + 10) / 5
        "rtps": 2.0,
        "wtps": 6.0,
        "dtps": 2.0,
        "read_sectors_ps": 16.0,
        "written_sectors_ps": 48.0,
        "discarded_sectors_ps": 16.0,
        "util_pct": 10.0,  # 500 ms busy in 5000 ms
        "await_ms": 2.5,  # (20 + 80) ms / 40 I/Os
    }


def test_it_gives_no_await_when_no_io_completed():
    rates = disk_rates(DISK_A, DISK_A, 5.0)

    assert rates["await_ms"] is None
    assert rates["tps"] == 0.0 and rates["util_pct"] == 0.0


def test_it_gives_no_disk_rates_when_a_counter_went_down():
    assert disk_rates(DISK_A, (0,) * 17, 5.0) is None
    # weighted ms alone, a counter no rate uses, still marks the interval as reset.
    assert disk_rates(DISK_A, DISK_A[:10] + (1999,) + DISK_A[11:], 5.0) is None


def test_it_lets_ios_in_progress_go_down():
    # I/Os in progress is a gauge: 3 then 0 is no reset.
    rates = disk_rates(DISK_A, DISK_A[:8] + (0,) + DISK_A[9:], 5.0)

    assert rates is not None and rates["tps"] == 0.0


def test_it_gives_no_disk_rates_without_elapsed_time():
    assert disk_rates(DISK_A, DISK_A, 0) is None


# ---------------------------------------------------------------------- filesystem
def test_it_computes_filesystem_gauges():
    assert filesystem_gauges(4096, 1000, 250) == {
        "block_size": 4096,
        "blocks_total": 1000,
        "blocks_available": 250,
        "size_bytes": 4096000,
        "available_bytes": 1024000,
        "use_pct": 75.0,
    }


def test_it_gives_no_use_for_a_filesystem_without_blocks():
    assert filesystem_gauges(4096, 0, 0)["use_pct"] is None


# --------------------------------------------------------------- items across ticks
def test_it_keeps_the_other_devices_when_one_is_present_in_one_tick_only():
    prev = parse_diskstats("8 0 sda 1 0 8 1 1 0 8 1 0 2 2\n8 32 sdc 5 0 40 5 0 0 0 0 0 5 5\n")
    cur = parse_diskstats("8 0 sda 3 0 24 3 1 0 8 1 0 4 4\n8 16 sdb 7 0 56 7 0 0 0 0 0 7 7\n")

    rates = {name: disk_rates(p, c, 5.0) for name, p, c in paired(prev, cur)}

    # sdb appeared, sdc vanished: neither has a rate, and sda keeps its own.
    assert list(rates) == ["sda"]
    assert rates["sda"]["rtps"] == 0.4


def test_it_keeps_the_other_interfaces_when_one_was_reset():
    prev = {"eth0": NET_A, "veth1": NET_A}
    cur = {"eth0": tuple(value + 5 for value in NET_A), "veth1": (0,) * 16}

    rates = {name: net_rates(p, c, 5.0) for name, p, c in paired(prev, cur)}

    assert rates["veth1"] is None
    assert rates["eth0"]["rx_packets_ps"] == 1.0


# ---------------------------------------------------------------------------- oracle
@functools.cache
def _replay(capture: Path):
    """Parse every tick of a capture: [(timestamp, {subsystem: parsed}), ...] in time
    order (the lines of one tick share their timestamp)."""
    parsers = {
        "/proc/stat": parse_stat,
        "/proc/meminfo": parse_meminfo,
        "/proc/net/dev": parse_net_dev,
        "/proc/diskstats": parse_diskstats,
        "statfs[*]": parse_statfs,
    }
    ticks: dict[int, dict] = {}
    with (capture / "collection.ndjson").open() as lines:
        for line in lines:
            item = json.loads(line)
            parser = parsers.get(item["subsystem"])
            if parser is not None:
                ticks.setdefault(item["timestamp"], {})[item["subsystem"]] = parser(item["measurement"])
    return sorted(ticks.items())


def _compare_rates(capture, csv_name, key_column, subsystem, compute, columns):
    """Compare our rates with each pcprocess row after its first timestamp (the first
    row pairs the 3rd tick with the 1st; every later row pairs consecutive ticks).
    Returns the number of rows compared; every such CSV row must have been matched."""
    ticks = _replay(capture)
    rows = oracle_rows(capture, csv_name)
    first = min(int(row["timestamp"]) for row in rows)
    later = [row for row in rows if int(row["timestamp"]) > first]
    by_time = {timestamp: index for index, (timestamp, _) in enumerate(ticks)}
    mismatches = []
    for row in later:
        index = by_time[int(row["timestamp"])]
        (prev_time, prev), (time, cur) = ticks[index - 1], ticks[index]
        item = row[key_column]
        key = int(item) if key_column == "CPU" else item
        ours = compute(prev[subsystem][key], cur[subsystem][key], time - prev_time)
        for column, our_key in columns.items():
            if not close(ours and ours[our_key], row[column]):
                mismatches.append((row["timestamp"], item, column, row[column], ours and ours[our_key]))

    assert not mismatches, f"{len(mismatches)} differences, first: {mismatches[:5]}"
    # Not vacuous: one row per item for every tick from the 4th on.
    assert {int(row["timestamp"]) for row in later} == {time for time, _ in ticks[3:]}
    assert len(later) >= 100
    return len(later)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_matches_pcprocess_cpu(capture):
    compared = _compare_rates(
        capture, "proc/stat", "CPU", "/proc/stat", lambda prev, cur, dt: cpu_percentages(prev, cur), CPU_COLUMNS
    )
    # The total and every core, every tick.
    cpus = len(_replay(capture)[0][1]["/proc/stat"])
    assert compared == cpus * (len(_replay(capture)) - 3)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_matches_pcprocess_network(capture):
    compared = _compare_rates(capture, "proc/net/dev", "IFACE", "/proc/net/dev", net_rates, NET_COLUMNS)

    interfaces = len(_replay(capture)[0][1]["/proc/net/dev"])
    assert compared == interfaces * (len(_replay(capture)) - 3)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_matches_pcprocess_disks(capture):
    compared = _compare_rates(capture, "proc/diskstats", "DEV", "/proc/diskstats", disk_rates, DISK_COLUMNS)

    # pcprocess (like sysstat) leaves out devices that never completed a read, write,
    # discard or flush (the unused loop devices); we compute them all. Check that these
    # are the only ones it leaves out, so the count above covers everything else.
    last = _replay(capture)[-1][1]["/proc/diskstats"]
    used = [name for name, values in last.items() if values[0] or values[4] or values[11] or values[15]]
    listed = {row["DEV"] for row in oracle_rows(capture, "proc/diskstats")}
    assert listed == set(used)
    assert compared == len(used) * (len(_replay(capture)) - 3)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_matches_pcprocess_memory(capture):
    # Gauges of the row's own tick: every row compares, the first one included.
    ticks = dict(_replay(capture))
    rows = oracle_rows(capture, "proc/meminfo")
    mismatches = []
    for row in rows:
        ours = memory_gauges(ticks[int(row["timestamp"])]["/proc/meminfo"])
        for column, our_key in MEMORY_COLUMNS.items():
            if not close(ours[our_key], row[column]):
                mismatches.append((row["timestamp"], column, row[column], ours[our_key]))

    assert not mismatches, f"{len(mismatches)} differences, first: {mismatches[:5]}"
    assert len(rows) == len(ticks) - 2  # the 3rd tick to the last


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_matches_pcprocess_filesystems(capture):
    ticks = dict(_replay(capture))
    rows = oracle_rows(capture, "statfs_ALL")
    mismatches = []
    for row in rows:
        ours = filesystem_gauges(*ticks[int(row["timestamp"])]["statfs[*]"][row["mount"]])
        exact = (ours["block_size"], ours["blocks_total"], ours["blocks_available"])
        if exact != (int(row["blocksize"]), int(row["blockstotal"]), int(row["blocksavail"])):
            mismatches.append((row["timestamp"], row["mount"], "blocks", exact))
        # pcprocess prints use as an integer (rounded to the nearest, see
        # filesystem_gauges); we keep the float.
        if not abs(ours["use_pct"] - int(row["use"])) <= 1:
            mismatches.append((row["timestamp"], row["mount"], "use", row["use"], ours["use_pct"]))

    assert not mismatches, f"{len(mismatches)} differences, first: {mismatches[:5]}"
    mounts = len(_replay(capture)[0][1]["statfs[*]"])
    assert len(rows) == mounts * (len(ticks) - 2)


def test_it_has_captures_to_compare_with():
    # The parametrized oracle tests above would silently vanish without data.
    assert len(CAPTURES) >= 2, f"no pcc captures under {PCC_CAPTURES}"
