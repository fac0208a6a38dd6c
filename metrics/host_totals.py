"""Which devices and interfaces count in a host's totals (the headline disk and network
charts), so that no byte is counted twice and no virtual device is counted at all.

Disks: whole disks only. A partition is a device whose name is another device's name of
the same tick plus a partition number (sda1 of sda, nvme0n1p1 of nvme0n1, mmcblk0p2 of
mmcblk0); loop, ram, zram, device-mapper (dm-N: LVM, crypt, multipath over real disks),
md RAID (over real disks) and optical (srN) devices are left out.

Network: physical interfaces only: not the loopback, nor the software interfaces that
carry traffic already counted on a physical one (bridges, veth pairs, container and
overlay networks, tunnels, VM taps), nor Azure's accelerated-networking virtual function
(enP<n>s<n>), whose traffic the synthetic eth interface already reports (the netvsc
driver adds the VF's counters to its own).

Totals: the members' rates summed in name order (so the result does not depend on the
order rows were read in), for raw ticks (metrics.ingest) and processed files
(metrics.uploads) alike. A sum with a member lacking the value (None: a processed file
that does not carry that column) is unknown: None. A disk's %util is the busiest member's;
its await is over all the reads and writes of the interval, of the members whose await is
known (a disk with no read or write in the interval has none, and weighs nothing).
"""

import re
from functools import lru_cache

from metrics.catalogue import DISK, NETWORK

# The rates a total sums (the catalogue's host-total rule "sum").
DISK_TOTAL_SUMS = DISK.columns(host_total="sum")
NETWORK_TOTAL_SUMS = NETWORK.columns(host_total="sum")

_VIRTUAL_DISK = re.compile(r"^(loop|ram|zram|dm-|md|sr|nbd|fd)\d*")
_PARTITION_SUFFIX = re.compile(r"^p?\d+$")
_VIRTUAL_INTERFACE = re.compile(
    r"^(lo|docker\d*|veth.*|br-.*|br\d+|virbr.*|cni.*|flannel.*|cali.*|vxlan.*|tunl.*|tun\d+|tap.*"
    r"|weave.*|kube-.*|lxc.*|lxdbr.*|vnet\d+|dummy.*|ifb.*|cilium.*|genev.*|nodelocaldns|podman\d*|enP\d+s\d+)$"
)


def disks_in_total(devices) -> frozenset[str]:
    """The names among `devices` (one tick's diskstats) that count in the host total."""
    return _disks_in_total(frozenset(devices))


@lru_cache(maxsize=4096)  # a host's devices change seldom, and the test is quadratic in them
def _disks_in_total(names: frozenset[str]) -> frozenset[str]:
    whole = set()
    for name in names:
        if _VIRTUAL_DISK.match(name):
            continue
        if any(name != parent and name.startswith(parent) and _PARTITION_SUFFIX.match(name[len(parent):])
               for parent in names):
            continue
        whole.add(name)
    return frozenset(whole)


@lru_cache(maxsize=4096)
def interface_in_total(name: str) -> bool:
    return _VIRTUAL_INTERFACE.match(name) is None


def disk_total(rates_by_disk: dict[str, dict]) -> dict:
    """The host's disk figures of one tick from the rates of its disks in the total."""
    ordered = [rates_by_disk[name] for name in sorted(rates_by_disk)]
    timed = [rates for rates in ordered if rates["await_ms"] is not None]
    ios = sum(rates["rtps"] + rates["wtps"] for rates in timed)
    waited = sum(rates["await_ms"] * (rates["rtps"] + rates["wtps"]) for rates in timed)
    return {name: _sum(ordered, name) for name in DISK_TOTAL_SUMS} | {
        "util_pct": max(_known(ordered, "util_pct"), default=None),
        "await_ms": waited / ios if ios else None,
    }


def network_total(rates_by_interface: dict[str, dict]) -> dict:
    """The host's network figures of one tick from the rates of its interfaces in the total."""
    ordered = [rates_by_interface[name] for name in sorted(rates_by_interface)]
    return {name: _sum(ordered, name) for name in NETWORK_TOTAL_SUMS}


def _sum(ordered: list[dict], name: str) -> float | None:
    values = _known(ordered, name)
    return sum(values) if values else None


def _known(ordered: list[dict], name: str) -> list:
    values = [rates[name] for rates in ordered]
    return values if None not in values else []
