"""The bundled agent reading a /proc made of a real capture's ticks: it sends what pcc
sent, byte for byte, and what it sends is stored as pcprocess computed it."""

import json
import os
from pathlib import Path

import pytest

from metrics.agent import PROC_SUBSYSTEMS, STATFS_SUBSYSTEM, envelope_body, tick_read
from tests.ingest.agent import capture_ticks, organization_with_ingest_key, post_like_pcc
from tests.oracle import assert_stored_matches_oracle, collector_id_of
from tests.oracle import CAPTURES

# What a real host's /proc/mounts has beside its disks, all of which pcc leaves out:
# pseudo file systems, a snap image, and a disk bind-mounted a second time.
_OTHER_MOUNTS = [
    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
    "tmpfs /run tmpfs rw,nosuid,nodev,size=174632k,mode=755 0 0",
    "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime 0 0",
    "/dev/loop0 /snap/core20/2318 squashfs ro,nodev,relatime 0 0",
    "/dev/disk0 /var/lib/bound ext4 rw,relatime 0 0",
]
_FILESYSTEMS = "nodev\tproc\nnodev\ttmpfs\nnodev\tcgroup2\n\text4\n\tvfat\n\tsquashfs\n"


def _fake_proc(root: Path, tick: list[dict]):
    """Writes the tick's /proc texts under root, and mounts for its statfs lines (a device
    each, listed among _OTHER_MOUNTS); returns the statvfs that answers the capture's figures."""
    texts = {item["subsystem"]: item["measurement"] for item in tick}
    for subsystem in PROC_SUBSYSTEMS:
        path = root / subsystem.removeprefix("/proc/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        if subsystem in texts:
            path.write_bytes(texts[subsystem].encode())
    filesystems = [json.loads(line) for line in texts[STATFS_SUBSYSTEM].splitlines()]
    disks = [f"/dev/disk{n} {fs['mount_point']} ext4 rw,relatime 0 0" for n, fs in enumerate(filesystems)]
    (root / "mounts").write_text("\n".join(_OTHER_MOUNTS[:3] + disks + _OTHER_MOUNTS[3:]) + "\n")
    (root / "filesystems").write_text(_FILESYSTEMS)
    by_mount = {fs["mount_point"]: fs for fs in filesystems}

    def statvfs(mount_point: str) -> os.statvfs_result:
        fs = by_mount[mount_point]  # KeyError: the agent asked about a mount pcc leaves out
        size = fs["block_size"]
        return os.statvfs_result((size, size, fs["blocks_total"], fs["blocks_free"], fs["blocks_available"],
                                  0, 0, 0, 0, 255))

    return statvfs


def _agent_ticks(root: Path, capture: Path):
    """(capture's tick, the agent's tick) for every tick of the capture."""
    for tick in capture_ticks(capture):
        statvfs = _fake_proc(root, tick)
        yield tick, tick_read(proc_root=root, timestamp=tick[0]["timestamp"], statvfs=statvfs)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_sends_what_pcc_sent_byte_for_byte(tmp_path, capture):
    compared = 0
    for tick, ours in _agent_ticks(tmp_path, capture):
        assert ours.measurements == tick
        # Older pcc builds sent no /proc/cpuinfo: here it is missing, and named as such.
        sent = {item["subsystem"] for item in tick}
        assert [reason.split()[0] for reason in ours.unreadable] == [s for s in PROC_SUBSYSTEMS if s not in sent]
        compared += 1
    assert compared > 100


def test_it_finds_a_mount_point_with_a_space(tmp_path):
    (tmp_path / "mounts").write_text("/dev/sdb1 /mnt/my\\040data ext4 rw 0 0\n")
    (tmp_path / "filesystems").write_text("\text4\n")
    asked = []

    def statvfs(mount_point):
        asked.append(mount_point)
        return os.statvfs_result((4096, 4096, 10, 5, 4, 0, 0, 0, 0, 255))

    tick = tick_read(proc_root=tmp_path, timestamp=1767813011, statvfs=statvfs)
    assert asked == ["/mnt/my data"]
    assert json.loads(tick.measurements[-1]["measurement"])["mount_point"] == "/mnt/my data"


@pytest.mark.django_db
@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_posts_ticks_that_are_stored_as_pcprocess_computed(client, tmp_path, capture):
    _, key = organization_with_ingest_key("agent")
    for _, ours in _agent_ticks(tmp_path, capture):
        response = post_like_pcc(client, key, envelope_body(identifier="agent-host", measurements=ours.measurements))
        assert response.status_code == 200, response.content

    assert assert_stored_matches_oracle(capture, collector_id_of("agent-host")) > 1000
