"""Parsers for the raw /proc text that pcc agents send.

Each function takes the ``measurement`` string of one subsystem of one tick, exactly
as the agent read it, and returns plain Python integers keyed by CPU, field, interface,
device or mount point. There is no arithmetic here (see ``metrics.arithmetic``).

Rules shared by every parser:

- Lines are split on whitespace, never on column offsets: one older tool collapsed runs
  of spaces, and the kernel's own padding changes with the width of the numbers.
- Text that cannot be understood raises ``ProcParseError`` with a short reason a person
  can act on. A parser never returns half a result silently, except where the kernel
  format itself tells us to skip a line (short diskstats lines, see below).
- Counters stay Python ints (arbitrary precision): the kernel prints u64 values and a
  float would lose the low digits of a large byte counter before the subtraction.
- A value the kernel cannot print, or that no column could hold, is text we do not
  understand either (ProcParseError): every number lies in 0 .. 2^63-1 (the kernel's u64
  counters never reach 2^63 in practice: 8 EiB of bytes; the database's bigint stops
  there), a CPU number below Linux's largest NR_CPUS (8192), a name (interface, device,
  mount point) within 1 KiB of UTF-8 without NUL, far below the 2,704 bytes of an index
  row, and at most 32,767 devices or interfaces per file (the host totals count them in a
  smallint).
"""

import orjson

__all__ = [
    "CPU_FIELDS",
    "DISK_FIELDS",
    "NET_FIELDS",
    "STATFS_FIELDS",
    "ProcParseError",
    "parse_diskstats",
    "parse_meminfo",
    "parse_net_dev",
    "parse_stat",
    "parse_statfs",
]


class ProcParseError(ValueError):
    """The text of a /proc file (or statfs list) cannot be parsed."""


# /proc/stat `cpu` lines, in kernel order (jiffies). guest and guest_nice are already
# counted inside user and nice; they are kept only so the tuple mirrors the line.
CPU_FIELDS = (
    "user",
    "nice",
    "system",
    "idle",
    "iowait",
    "irq",
    "softirq",
    "steal",
    "guest",
    "guest_nice",
)

# /proc/net/dev, the 8 receive then the 8 transmit counters, in kernel order.
NET_FIELDS = (
    "rx_bytes",
    "rx_packets",
    "rx_errs",
    "rx_drop",
    "rx_fifo",
    "rx_frame",
    "rx_compressed",
    "rx_multicast",
    "tx_bytes",
    "tx_packets",
    "tx_errs",
    "tx_drop",
    "tx_fifo",
    "tx_colls",
    "tx_carrier",
    "tx_compressed",
)

# /proc/diskstats after major, minor and name (Documentation/admin-guide/iostats.rst).
# Fields 12-15 appeared in kernel 4.18, 16-17 in 5.5; older lines are padded with 0.
DISK_FIELDS = (
    "reads",
    "reads_merged",
    "sectors_read",
    "ms_reading",
    "writes",
    "writes_merged",
    "sectors_written",
    "ms_writing",
    "ios_in_progress",  # a gauge, not a counter
    "ms_doing_io",
    "weighted_ms_doing_io",
    "discards",
    "discards_merged",
    "sectors_discarded",
    "ms_discarding",
    "flushes",
    "ms_flushing",
)

# What parse_statfs keeps of each statfs[*] object (blocks_free is not useful: it
# counts blocks reserved for root, which users cannot fill).
STATFS_FIELDS = ("block_size", "blocks_total", "blocks_available")

VALUE_MAX = 2**63 - 1
CPU_NUMBER_MAX = 8191
NAME_MAX_BYTES = 1024
ITEMS_MAX = 32767

_CPU_FIELD_COUNT = len(CPU_FIELDS)
_NET_FIELD_COUNT = len(NET_FIELDS)
_DISK_FIELD_COUNT = len(DISK_FIELDS)
# major + minor + name + the 11 counters every kernel since 2.6 prints for a disk.
# pcprocess (like sysstat) drops shorter lines: 2.6-era partition lines had 4 counters.
_DISK_MIN_TOKENS = 14


def _ints(tokens, source: str, item: str):
    """Convert counter tokens to ints, naming the culprit (in `source`'s `item`) when one is
    not an integer or lies outside 0..VALUE_MAX. The message is built only then: formatting
    it for every line took a tenth of the parsing."""
    try:
        values = tuple(map(int, tokens))
    except ValueError:
        bad = next(t for t in tokens if not _is_int(t))
        raise ProcParseError(f"{source} {item}: {bad[:40]!r} is not an integer") from None
    if values and (min(values) < 0 or max(values) > VALUE_MAX):
        for value in values:
            _in_range(value, f"{source} {item}:")
    return values


def _in_range(value: int, what: str) -> int:
    if not 0 <= value <= VALUE_MAX:
        raise ProcParseError(f"{what} {str(value)[:40]} is outside 0..2^63-1")
    return value


def _name_checked(name: str, what: str) -> str:
    """A name as a text column and its index take it: valid UTF-8, no NUL, NAME_MAX_BYTES."""
    if name.isascii() and len(name) <= NAME_MAX_BYTES and "\x00" not in name:
        return name  # the usual name, checked without encoding it
    try:
        size = len(name.encode())
    except UnicodeEncodeError:  # a lone surrogate, which a JSON escape can carry
        raise ProcParseError(f"{what} {name[:40]!r} is not valid UTF-8") from None
    if size > NAME_MAX_BYTES or "\x00" in name:
        raise ProcParseError(f"{what} {name[:40]!r}...: at most {NAME_MAX_BYTES} bytes, without NUL")
    return name


def _items_checked(items: dict, what: str) -> dict:
    if len(items) > ITEMS_MAX:
        raise ProcParseError(f"{what}: {len(items)} items, at most {ITEMS_MAX}")
    return items


def _is_int(token):
    try:
        int(token)
    except ValueError:
        return False
    return True


def parse_stat(text: str) -> dict[int, tuple[int, ...]]:
    """Parse /proc/stat into {-1: totals of the `cpu` line, k: counters of `cpuk`}.

    Each value has the 10 fields of ``CPU_FIELDS``; kernels older than 2.6.33 print
    fewer, and the missing trailing fields count as 0. Fields beyond the tenth (a
    future kernel) are ignored. Every non-`cpu` line is skipped without being split:
    the `intr` line alone can be several kilobytes.
    """
    cpus: dict[int, tuple[int, ...]] = {}
    for line in text.splitlines():
        # Cheap prefix test first; only the handful of cpu lines get split.
        if not line.startswith("cpu"):
            continue
        tokens = line.split()
        label = tokens[0]
        if label == "cpu":
            key = -1
        else:
            suffix = label[3:]
            if not suffix.isdecimal():  # not isdigit(): '²' is a digit int() refuses
                raise ProcParseError(f"/proc/stat: unknown cpu line label {label[:40]!r}")
            # The length first: int() of thousands of digits is slow, then refused.
            if len(suffix) > len(str(CPU_NUMBER_MAX)) or int(suffix) > CPU_NUMBER_MAX:
                raise ProcParseError(f"/proc/stat: {label[:40]!r} is past the largest CPU number, {CPU_NUMBER_MAX}")
            key = int(suffix)
        counters = tokens[1 : _CPU_FIELD_COUNT + 1]
        # user, nice, system and idle have been there since Linux 2.0; fewer means the
        # line was cut.
        if len(counters) < 4:
            raise ProcParseError(f"/proc/stat: line {label!r} has {len(counters)} counters, expected at least 4")
        values = _ints(counters, "/proc/stat", label)
        if len(values) < _CPU_FIELD_COUNT:
            values += (0,) * (_CPU_FIELD_COUNT - len(values))
        cpus[key] = values
    if -1 not in cpus:
        raise ProcParseError("/proc/stat: no 'cpu' total line")
    return cpus


def parse_meminfo(text: str) -> dict[str, int]:
    """Parse /proc/meminfo into {field name: value}, e.g. {"MemTotal": 16327188}.

    Values are in kB as the kernel prints them; the few fields printed without a unit
    (HugePages_Total, HugePages_Free, ...) are page counts and are kept as they are.
    Names keep their parentheses ("Active(anon)").
    """
    fields: dict[str, int] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, rest = line.partition(":")
        tokens = rest.split()
        if not sep or not tokens:
            raise ProcParseError(f"/proc/meminfo: line {line.strip()!r} is not 'Name: value'")
        name = name.strip()
        try:
            value = int(tokens[0])
        except ValueError:
            raise ProcParseError(f"/proc/meminfo: {name[:40]} value {tokens[0][:40]!r} is not an integer") from None
        fields[name] = value if 0 <= value <= VALUE_MAX else _in_range(value, f"/proc/meminfo: {name[:40]} value")
    if not fields:
        raise ProcParseError("/proc/meminfo: empty")
    return fields


def parse_net_dev(text: str) -> dict[str, tuple[int, ...]]:
    """Parse /proc/net/dev into {interface: the 16 counters of ``NET_FIELDS``}.

    The kernel prints two header lines (recognised by their '|'), then one line per
    interface, "%6s:" name then the counters; a long name runs into the first counter
    ("veth1234abcd:123 ..."), which is why we cut at ':' instead of splitting first.
    Interface names cannot contain ':' (the kernel forbids it), so the first ':' ends
    the name.
    """
    interfaces: dict[str, tuple[int, ...]] = {}
    for number, line in enumerate(text.splitlines()):
        if number < 2 and "|" in line:
            continue  # "Inter-|   Receive ..." and " face |bytes ..."
        if not line.strip():
            continue
        name, sep, rest = line.partition(":")
        name = name.strip()
        if not sep or not name:
            raise ProcParseError(f"/proc/net/dev: line {line.strip()[:40]!r} has no 'interface:'")
        _name_checked(name, "/proc/net/dev: interface name")
        tokens = rest.split()
        if len(tokens) < _NET_FIELD_COUNT:
            raise ProcParseError(
                f"/proc/net/dev: {name} has {len(tokens)} counters, expected {_NET_FIELD_COUNT}"
            )
        interfaces[name] = _ints(tokens[:_NET_FIELD_COUNT], "/proc/net/dev", name)
    return _items_checked(interfaces, "/proc/net/dev")


def parse_diskstats(text: str) -> dict[str, tuple[int, ...]]:
    """Parse /proc/diskstats into {device: the 17 counters of ``DISK_FIELDS``}.

    Every device is kept, partitions and loop devices included (pcprocess reports them
    too; choosing which ones make a host total is the caller's business). Lines with
    fewer than 14 tokens are dropped, as pcprocess does; lines from kernels before 4.18
    (14 tokens) or 5.5 (18 tokens) are padded with zeros to 17 counters.
    """
    devices: dict[str, tuple[int, ...]] = {}
    for line in text.splitlines():
        tokens = line.split()
        if len(tokens) < _DISK_MIN_TOKENS:
            continue
        name = _name_checked(tokens[2], "/proc/diskstats: device name")
        values = _ints(tokens[3 : 3 + _DISK_FIELD_COUNT], "/proc/diskstats", name)
        if len(values) < _DISK_FIELD_COUNT:
            values += (0,) * (_DISK_FIELD_COUNT - len(values))
        devices[name] = values
    return _items_checked(devices, "/proc/diskstats")


def parse_statfs(text: str) -> dict[str, tuple[int, int, int]]:
    """Parse pcc's ``statfs[*]`` text into {mount point: (block_size, blocks_total,
    blocks_available)}.

    The text is one JSON object per line, one line per mounted file system.
    """
    mounts: dict[str, tuple[int, int, int]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            # orjson, not json: a line nested past its depth bound is refused with that reason
            # (xat/parsers.py), where json's recursion raised RecursionError out of the upload.
            item = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise ProcParseError(f"statfs: line {line.strip()[:40]!r} is not JSON ({error})") from None
        if not isinstance(item, dict):
            raise ProcParseError("statfs: line is not a JSON object")
        mount_point = item.get("mount_point")
        if not isinstance(mount_point, str) or not mount_point:
            raise ProcParseError("statfs: object without a 'mount_point'")
        _name_checked(mount_point, "statfs: mount point")
        values = []
        for field in STATFS_FIELDS:
            value = item.get(field)
            # bool is an int subclass; true/false here would be a broken agent.
            if type(value) is not int or value < 0:
                raise ProcParseError(f"statfs {mount_point}: {field} {value!r} is not a non-negative integer")
            values.append(_in_range(value, f"statfs {mount_point}: {field}"))
        block_size, blocks_total, blocks_available = values
        if blocks_available > blocks_total:
            raise ProcParseError(f"statfs {mount_point}: blocks_available {blocks_available} exceeds blocks_total")
        if block_size * blocks_total > VALUE_MAX:
            raise ProcParseError(f"statfs {mount_point}: size in bytes (block_size x blocks_total) is past 2^63-1")
        mounts[mount_point] = block_size, blocks_total, blocks_available
    return mounts
