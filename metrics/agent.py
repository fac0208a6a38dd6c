"""The bundled agent: this host's /proc in pcc's exact wire format, posted to /v1/trickle.

At its start it describes the host at /api/v1/register/ (hostname, OS, kernel, processor,
vCPUs, memory: what the collector's specs show), until that is stored once. One tick reads /proc/cpuinfo, /proc/stat, /proc/meminfo, /proc/net/dev, /proc/diskstats
(each file's text exactly as read) and the statfs of every mounted disk file system, and
posts them as one envelope (shared/spec/collector-protocol.md) stamped with one integer
timestamp. Ticks fall on multiples of the interval (wall clock), so they never drift.

Unlike pcc, an error never stops it: the status and reason are logged (never the key),
the next ticks are skipped for a bounded backoff, and it carries on. No Django here: it
runs anywhere Python does (`manage.py xat_agent` is its command line).
"""

import json
import logging
import math
import os
import platform
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

# The files of a tick, in the order newer pcc builds send them.
PROC_SUBSYSTEMS = ("/proc/cpuinfo", "/proc/stat", "/proc/meminfo", "/proc/net/dev", "/proc/diskstats")
STATFS_SUBSYSTEM = "statfs[*]"
MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
TIMEOUT_SECONDS = 5  # pcc's client timeout
# After n failures in a row the agent waits min(2^(n-1), this) intervals: at 5 s, a
# server that is down is asked once a minute at most, and a recovered one within a minute.
MAX_BACKOFF_INTERVALS = 12
# Read-only images that are always full (snap packages): pcc leaves them out.
_IMAGE_FILE_SYSTEMS = {"squashfs"}
_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")
# /proc/cpuinfo's vendor_id (x86) or CPU implementer (ARM) -> register's processor_brand.
_PROCESSOR_BRANDS = {"GenuineIntel": "intel", "AuthenticAMD": "amd", "0x41": "arm", "0xc0": "ampere"}
KIB_PER_GIB = 1024 * 1024


@dataclass(frozen=True)
class Tick:
    measurements: list[dict]
    unreadable: tuple[str, ...]  # subsystems left out of this tick, with the reason


@dataclass(frozen=True)
class PostResult:
    ok: bool
    status: int | None  # None: no HTTP answer (refused, timed out)
    reason: str


def machine_id() -> str:
    """The host's machine id, as pcc sends it by default."""
    for path in MACHINE_ID_FILES:
        try:
            identifier = path.read_text().strip()
        except OSError:
            continue
        if identifier:
            return identifier
    raise FileNotFoundError("no /etc/machine-id on this host: pass --identifier")


def tick_read(*, proc_root: Path, timestamp: int, statvfs: Callable = os.statvfs) -> Tick:
    """One tick's measurements; a file that cannot be read is left out (and named)."""
    measurements, unreadable = [], []
    for subsystem in PROC_SUBSYSTEMS:
        try:
            text = (proc_root / subsystem.removeprefix("/proc/")).read_bytes().decode("utf-8", "replace")
        except OSError as error:
            unreadable.append(f"{subsystem} ({error.strerror})")
            continue
        measurements.append({"timestamp": timestamp, "subsystem": subsystem, "measurement": text})
    try:
        text = statfs_text(proc_root=proc_root, statvfs=statvfs)
    except OSError as error:
        unreadable.append(f"{STATFS_SUBSYSTEM} ({error.strerror})")
    else:
        measurements.append({"timestamp": timestamp, "subsystem": STATFS_SUBSYSTEM, "measurement": text})
    return Tick(measurements=measurements, unreadable=tuple(unreadable))


def statfs_text(*, proc_root: Path, statvfs: Callable = os.statvfs) -> str:
    """pcc's statfs[*] text: one compact JSON object per line, one per disk file system.

    Kept: mounts of a device-backed file system type (not `nodev` in /proc/filesystems:
    no proc, tmpfs, cgroup, overlay...), not an image (squashfs), each device once at its
    first mount point (bind mounts repeat it)."""
    pseudo = {
        line.split()[-1] for line in (proc_root / "filesystems").read_text().splitlines() if line.startswith("nodev")
    }
    lines, devices = [], set()
    for line in (proc_root / "mounts").read_text().splitlines():
        device, mount_point, fs_type = line.split()[:3]
        if fs_type in pseudo or fs_type in _IMAGE_FILE_SYSTEMS or device in devices:
            continue
        devices.add(device)
        mount_point = _mount_point_unescaped(mount_point)
        try:
            stat = statvfs(mount_point)
        except OSError:
            continue  # unmounted since /proc/mounts was read, or not ours to see
        # f_frsize: the unit the block counts are in.
        fields = {
            "mount_point": mount_point,
            "block_size": stat.f_frsize,
            "blocks_total": stat.f_blocks,
            "blocks_free": stat.f_bfree,
            "blocks_available": stat.f_bavail,
        }
        lines.append(json.dumps(fields, separators=(",", ":")) + "\n")
    return "".join(lines)


def _mount_point_unescaped(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040)."""
    return _OCTAL_ESCAPE.sub(lambda match: chr(int(match[1], 8)), field)


def host_description(*, proc_root: Path, identifier: str, os_release: Path = Path("/etc/os-release")) -> dict:
    """The body of /api/v1/register/ for this host (fields it cannot read are left out)."""
    description = {"identifier": identifier, "hostname": socket.gethostname(), "kernel_version": platform.release()}
    try:
        release = dict(line.split("=", 1) for line in os_release.read_text().splitlines() if "=" in line)
    except OSError:
        release = {}
    if "NAME" in release:
        description["os_name"] = release["NAME"].strip('"')
    if "VERSION_ID" in release:
        description["os_version"] = release["VERSION_ID"].strip('"')
    cpuinfo = _read_or_empty(proc_root / "cpuinfo")
    fields = [line.split(":", 1) for line in cpuinfo.splitlines() if ":" in line]
    values = {}
    for name, value in fields:
        values.setdefault(name.strip(), value.strip())
    processors = sum(1 for name, _ in fields if name.strip() == "processor")
    if processors:
        description["vcpus"] = processors
    if "model name" in values:
        description["processor_model"] = values["model name"]
    brand = values.get("vendor_id") or values.get("CPU implementer")
    if brand:
        description["processor_brand"] = _PROCESSOR_BRANDS.get(brand, "other")
    memory = re.search(r"^MemTotal:\s+(\d+) kB", _read_or_empty(proc_root / "meminfo"), re.MULTILINE)
    if memory:
        description["memory_gib"] = round(int(memory[1]) / KIB_PER_GIB, 2)
    return description


def _read_or_empty(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def envelope_body(*, identifier: str, measurements: list[dict]) -> bytes:
    return json.dumps({"identifier": identifier, "measurements": measurements}, separators=(",", ":")).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 200, an error as pcc sees it: not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def trickle_post(*, url: str, key: str, body: bytes, path: str = "/v1/trickle") -> PostResult:
    """POST one envelope to <url>/v1/trickle the way pcc does (or a body to another agent
    path); success is 200 exactly."""
    request = urllib.request.Request(
        f"{url.rstrip('/')}{path}", data=body, method="POST",
        headers={"apikey": key, "Content-Type": "application/json"},
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status, answer = response.status, response.read(2000)
    except urllib.error.HTTPError as error:
        status, answer = error.code, error.read(2000)
    except (urllib.error.URLError, OSError) as error:
        return PostResult(ok=False, status=None, reason=str(getattr(error, "reason", error)))
    return PostResult(ok=status == 200, status=status, reason=_error_of(answer))


def _error_of(answer: bytes) -> str:
    """The `error` of XAT's JSON answers, else the start of the body on one line."""
    try:
        return str(json.loads(answer)["error"])
    except (ValueError, TypeError, KeyError):
        return " ".join(answer.decode("utf-8", "replace").split())[:200]


def agent_run(
    *, url: str, key: str, identifier: str, interval: int, proc_root: Path, stop: threading.Event,
    once: bool = False, statvfs: Callable = os.statvfs,
) -> PostResult | None:
    """Post a tick on every multiple of `interval` seconds until `stop` is set (or once).

    Returns the last post's result (None if stopped before the first)."""
    failures, result, unreadable, registered = 0, None, (), False
    due = math.ceil(time.time() / interval) * interval
    while not stop.wait(max(0.0, due - time.time())):
        if not registered:
            description = host_description(proc_root=proc_root, identifier=identifier)
            registration = trickle_post(url=url, key=key, path="/api/v1/register/",
                                        body=json.dumps(description).encode())
            registered = registration.ok
            if not registered:
                logger.warning("host not registered yet: %s %s", registration.status or "no answer",
                               registration.reason)
        tick = tick_read(proc_root=proc_root, timestamp=due, statvfs=statvfs)
        if tick.unreadable != unreadable:
            unreadable = tick.unreadable
            if unreadable:
                logger.warning("left out of every tick until readable: %s", ", ".join(unreadable))
        body = envelope_body(identifier=identifier, measurements=tick.measurements)
        result = trickle_post(url=url, key=key, body=body)
        if not result.ok:
            failures += 1
            logger.warning("tick %s not stored: %s %s", due, result.status or "no answer", result.reason)
        elif failures:
            logger.info("tick %s stored, after %s failed", due, failures)
            failures = 0
        if once:
            break
        due += min(2 ** (failures - 1), MAX_BACKOFF_INTERVALS) * interval if failures else interval
        # The host slept, or a post outlasted ticks: the next tick is the next one to come.
        if due <= time.time():
            due = math.ceil(time.time() / interval) * interval
    return result
