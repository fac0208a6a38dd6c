"""The arithmetic of proc-metrics.md (shared/spec): parsed /proc counters to metrics.

These functions must give what pcprocess (the collector's own processor) gives, to
1e-9 relative or 1e-6 absolute, so each one follows the formula of the spec literally:
integer deltas first (exact, whatever the size of the counter), then the float
operations in the order the spec writes them (``Δf / Δtotal * 100``, not
``Δf * 100 / Δtotal``), since a different order changes the last bits.

Returned dicts use the database column names as keys, always all of them, with None
where one value does not exist; a rate function returns None instead of a dict when the
interval has no rates at all.

Counter resets: a counter that goes down (reboot, interface re-created, device
re-attached) gives no rate for that interval: the rate function returns None rather
than a negative or a wrapped value. pcprocess has no such handling; it never happens in
the reference captures, so the oracle cannot tell the difference.

Plain Python on purpose: these run once per CPU, interface and device per tick on a
tuple of 10 to 17 ints, where numpy's per-call overhead (microseconds) exceeds the
whole computation.
"""

from collections.abc import Iterator

from metrics.procfs import ProcParseError

__all__ = [
    "paired",
    "cpu_percentages",
    "disk_rates",
    "filesystem_gauges",
    "memory_gauges",
    "net_rates",
]


def paired(prev: dict, cur: dict) -> Iterator[tuple]:
    """Yield (name, prev value, cur value) for each CPU, interface, device or mount
    present in both ticks, in the order of ``cur``.

    An item that appears or disappears between two ticks (a USB disk, a container's
    veth) has no rate for that interval, and must not stop the others from getting
    theirs.
    """
    for name, cur_value in cur.items():
        prev_value = prev.get(name)
        if prev_value is not None:
            yield name, prev_value, cur_value


def _clamp_pct(value: float) -> float:
    return 0.0 if value < 0.0 else 100.0 if value > 100.0 else value


def cpu_percentages(prev: tuple, cur: tuple) -> dict | None:
    """Percentages of CPU time between two `cpu` lines of /proc/stat (see CPU_FIELDS).

    None if one of the 8 base counters (user .. steal) went down. guest and guest_nice
    are ignored: they are already inside user and nice.
    """
    d_user = cur[0] - prev[0]
    d_nice = cur[1] - prev[1]
    d_system = cur[2] - prev[2]
    d_idle = cur[3] - prev[3]
    d_iowait = cur[4] - prev[4]
    d_irq = cur[5] - prev[5]
    d_softirq = cur[6] - prev[6]
    d_steal = cur[7] - prev[7]
    if min(d_user, d_nice, d_system, d_idle, d_iowait, d_irq, d_softirq, d_steal) < 0:
        return None

    d_busy = d_user + d_nice + d_system + d_iowait + d_irq + d_softirq + d_steal
    d_total = d_busy + d_idle
    if d_busy <= 0:
        # Nothing but idle time (or no time at all): pcprocess prints 0 everywhere and
        # %idle = 100 - 0.
        return {
            "user_pct": 0.0,
            "nice_pct": 0.0,
            "system_pct": 0.0,
            "iowait_pct": 0.0,
            "irq_pct": 0.0,
            "softirq_pct": 0.0,
            "steal_pct": 0.0,
            "idle_pct": 100.0,
        }
    # d_total > 0 here: d_busy > 0 and d_idle >= 0, so the spec's `100 if Δtotal <= 0`
    # guard cannot apply once the reset check has passed.
    return {
        "user_pct": _clamp_pct(d_user / d_total * 100),
        "nice_pct": _clamp_pct(d_nice / d_total * 100),
        "system_pct": _clamp_pct(d_system / d_total * 100),
        "iowait_pct": _clamp_pct(d_iowait / d_total * 100),
        "irq_pct": _clamp_pct(d_irq / d_total * 100),
        "softirq_pct": _clamp_pct(d_softirq / d_total * 100),
        "steal_pct": _clamp_pct(d_steal / d_total * 100),
        "idle_pct": 100 - _clamp_pct(d_busy / d_total * 100),
    }


def memory_gauges(meminfo: dict) -> dict:
    """Memory gauges of one /proc/meminfo (a dict from parse_meminfo), in kB and %.

    MemTotal is required (ProcParseError if absent or 0: every percentage divides by
    it). Any other absent field gives None, and so does a value derived from it
    (MemAvailable appeared in 3.14; a container's fake meminfo may lack Dirty or Slab).
    A part larger than its whole (MemFree or MemAvailable above MemTotal, SwapFree above
    SwapTotal) is no kernel's arithmetic: ProcParseError, like text we cannot read.
    """
    mem_total = meminfo.get("MemTotal")
    if not mem_total:
        raise ProcParseError("/proc/meminfo: no MemTotal (or MemTotal is 0)")
    get = meminfo.get
    for part, whole in (("MemFree", "MemTotal"), ("MemAvailable", "MemTotal"), ("SwapFree", "SwapTotal")):
        if get(part) is not None and get(whole) is not None and get(part) > get(whole):
            raise ProcParseError(f"/proc/meminfo: {part} {get(part)} exceeds {whole} {get(whole)}")
    mem_free = get("MemFree")
    buffers = get("Buffers")
    cached = get("Cached")
    slab = get("Slab")
    swap_total = get("SwapTotal")
    committed = get("Committed_AS")

    # sysstat's "used": what is neither free nor reclaimable cache (buffers, page
    # cache, slab), capped so it cannot go negative when the kernel over-reports.
    if None in (mem_free, buffers, cached, slab):
        mem_used = mem_used_pct = None
    else:
        not_used = min(mem_total, mem_free + buffers + cached + slab)
        mem_used = mem_total - not_used
        mem_used_pct = mem_used / mem_total * 100

    if committed is None or swap_total is None:
        commit_pct = None
    else:
        commit_pct = committed / (mem_total + swap_total) * 100

    return {
        "mem_total_kb": mem_total,
        "mem_free_kb": mem_free,
        "mem_available_kb": get("MemAvailable"),
        "mem_used_kb": mem_used,
        "mem_used_pct": mem_used_pct,
        "buffers_kb": buffers,
        "cached_kb": cached,
        "commit_kb": committed,
        "commit_pct": commit_pct,
        "active_kb": get("Active"),
        "inactive_kb": get("Inactive"),
        "dirty_kb": get("Dirty"),
        "swap_total_kb": swap_total,
        "swap_free_kb": get("SwapFree"),
    }


def net_rates(prev: tuple, cur: tuple, dt: float) -> dict | None:
    """Per-second rates of one interface between two /proc/net/dev readings (NET_FIELDS).

    None if dt <= 0 or one of the counters used went down. %ifutil is always 0.0: pcc
    sends no link speed, and pcprocess prints 0 too.
    """
    if dt <= 0:
        return None
    d_rx_bytes = cur[0] - prev[0]
    d_rx_packets = cur[1] - prev[1]
    d_rx_errs = cur[2] - prev[2]
    d_rx_drop = cur[3] - prev[3]
    d_rx_compressed = cur[6] - prev[6]
    d_rx_multicast = cur[7] - prev[7]
    d_tx_bytes = cur[8] - prev[8]
    d_tx_packets = cur[9] - prev[9]
    d_tx_errs = cur[10] - prev[10]
    d_tx_drop = cur[11] - prev[11]
    d_tx_compressed = cur[15] - prev[15]
    if (
        min(
            d_rx_bytes,
            d_rx_packets,
            d_rx_errs,
            d_rx_drop,
            d_rx_compressed,
            d_rx_multicast,
            d_tx_bytes,
            d_tx_packets,
            d_tx_errs,
            d_tx_drop,
            d_tx_compressed,
        )
        < 0
    ):
        return None
    return {
        "rx_packets_ps": d_rx_packets / dt,
        "tx_packets_ps": d_tx_packets / dt,
        "rx_kb_ps": d_rx_bytes / dt / 1024,
        "tx_kb_ps": d_tx_bytes / dt / 1024,
        "rx_compressed_ps": d_rx_compressed / dt,
        "tx_compressed_ps": d_tx_compressed / dt,
        "rx_multicast_ps": d_rx_multicast / dt,
        "rx_errors_ps": d_rx_errs / dt,
        "tx_errors_ps": d_tx_errs / dt,
        "rx_drops_ps": d_rx_drop / dt,
        "tx_drops_ps": d_tx_drop / dt,
        "if_util_pct": 0.0,
    }


# Index of "I/Os currently in progress" in DISK_FIELDS: a gauge, free to go down.
_DISK_IN_PROGRESS = 8


def disk_rates(prev: tuple, cur: tuple, dt: float) -> dict | None:
    """Per-second rates of one block device between two /proc/diskstats readings.

    Sectors are the kernel's 512-byte units, whatever the device's block size. None if
    dt <= 0 or any counter went down (all 16 counters are checked, not only the ones
    used: a device re-attached under the same name restarts them all, and a partial
    check could let a half-reset interval through). await_ms is None when no read or
    write completed (nothing to average). util_pct is not clamped, as in the spec: with
    whole-second timestamps it can exceed 100 slightly, which is the truth of the
    arithmetic rather than something to hide.
    """
    if dt <= 0:
        return None
    deltas = [c - p for c, p in zip(cur, prev)]
    deltas[_DISK_IN_PROGRESS] = 0
    if min(deltas) < 0:
        return None
    d_reads = deltas[0]
    d_writes = deltas[4]
    d_discards = deltas[11]
    d_reads_writes = d_reads + d_writes
    return {
        "tps": (d_reads_writes + d_discards) / dt,
        "rtps": d_reads / dt,
        "wtps": d_writes / dt,
        "dtps": d_discards / dt,
        "read_sectors_ps": deltas[2] / dt,
        "written_sectors_ps": deltas[6] / dt,
        "discarded_sectors_ps": deltas[13] / dt,
        "util_pct": deltas[9] / (dt * 1000) * 100,
        "await_ms": (deltas[3] + deltas[7]) / d_reads_writes if d_reads_writes else None,
    }


def filesystem_gauges(block_size: int, blocks_total: int, blocks_available: int) -> dict:
    """Size and use of one mounted file system from its statfs numbers.

    use_pct is the unrounded percentage of blocks not available to users (so blocks
    reserved for root count as used, as in pcprocess). pcprocess prints it as an
    integer ROUNDED TO THE NEAREST, neither truncated nor rounded up as df does: in the
    reference captures / at 12.38 % prints 12, /boot/efi at 5.85 % and 5.59 % prints 6,
    / at 11.53 % prints 12, and all 887 rows agree with round(). No value there lies
    near x.5, so how pcprocess breaks ties is unknown. Store the float; round when
    displaying if a pcprocess-like integer is wanted.
    use_pct is None for a file system of 0 blocks (pseudo file systems), where the
    percentage does not exist.
    """
    return {
        "block_size": block_size,
        "blocks_total": blocks_total,
        "blocks_available": blocks_available,
        "size_bytes": block_size * blocks_total,
        "available_bytes": block_size * blocks_available,
        "use_pct": (blocks_total - blocks_available) / blocks_total * 100 if blocks_total else None,
    }
