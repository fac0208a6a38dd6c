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
"""

import re

_VIRTUAL_DISK = re.compile(r"^(loop|ram|zram|dm-|md|sr|nbd|fd)\d*")
_PARTITION_SUFFIX = re.compile(r"^p?\d+$")
_VIRTUAL_INTERFACE = re.compile(
    r"^(lo|docker\d*|veth.*|br-.*|br\d+|virbr.*|cni.*|flannel.*|cali.*|vxlan.*|tunl.*|tun\d+|tap.*"
    r"|weave.*|kube-.*|lxc.*|lxdbr.*|vnet\d+|dummy.*|ifb.*|cilium.*|genev.*|nodelocaldns|podman\d*|enP\d+s\d+)$"
)


def disks_in_total(devices) -> set[str]:
    """The names among `devices` (one tick's diskstats) that count in the host total."""
    names = set(devices)
    whole = set()
    for name in names:
        if _VIRTUAL_DISK.match(name):
            continue
        if any(name != parent and name.startswith(parent) and _PARTITION_SUFFIX.match(name[len(parent):])
               for parent in names):
            continue
        whole.add(name)
    return whole


def interface_in_total(name: str) -> bool:
    return _VIRTUAL_INTERFACE.match(name) is None
