"""Parsers of the raw /proc text (metrics.procfs): no database, no Django."""

import json
from pathlib import Path

import pytest

from metrics.procfs import (
    CPU_FIELDS,
    DISK_FIELDS,
    ITEMS_MAX,
    NAME_MAX_BYTES,
    NET_FIELDS,
    ProcParseError,
    parse_diskstats,
    parse_meminfo,
    parse_net_dev,
    parse_stat,
    parse_statfs,
)

PCC_CAPTURES = Path(__file__).resolve().parents[1] / "data" / "pcc"  # tests.oracle's, without Django

# A 4-vCPU /proc/stat as pcc sends it (intr shortened: in real text it has hundreds of
# fields, which the parser must not split).
STAT = """\
cpu  563628 1006 47198 76948367 37131 0 1165 0 0 0
cpu0 136524 163 10906 19241236 9857 0 376 0 0 0
cpu1 148292 283 10763 19230798 9914 0 348 0 0 0
cpu2 142580 421 12751 19233898 9415 0 235 0 0 0
cpu3 136231 137 12776 19242433 7943 0 204 0 0 0
intr 33696506 0 0 0 0 2339 0 0 0 0 0 0 x y z
ctxt 60830474
btime 1767990000
processes 81839
procs_running 5
procs_blocked 0
softirq 10395286 0 2112170 1 1041539 0 0 1 3941542 0 3300033
"""

NET_DEV = """\
Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:   55954     368    0    0    0     0          0         0    55954     368    0    0    0     0       0          0
  eth0: 483262214  908111    0    0    0     0          0         0 240058383  834850    0    0    0     0       0          0
"""

DISKSTATS = """\
   7       0 loop0 11 0 28 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   8       0 sda 15931 3541 1545323 26272 303355 115316 69485580 6782307 0 313289 6985193 10723 1890 151240776 42608 9624 134004
   8       1 sda1 15372 2841 1511727 26139 303059 115293 69485304 6777208 0 369347 6845947 10720 1889 151228488 42599 0 0
"""


def test_it_names_every_counter_field():
    assert len(CPU_FIELDS) == 10
    assert len(NET_FIELDS) == 16
    assert len(DISK_FIELDS) == 17
    assert CPU_FIELDS[3] == "idle" and DISK_FIELDS[8] == "ios_in_progress"


# /proc/stat


def test_it_parses_the_cpu_total_as_minus_one_and_each_core_by_number():
    cpus = parse_stat(STAT)

    assert sorted(cpus) == [-1, 0, 1, 2, 3]
    assert cpus[-1] == (563628, 1006, 47198, 76948367, 37131, 0, 1165, 0, 0, 0)
    assert cpus[3] == (136231, 137, 12776, 19242433, 7943, 0, 204, 0, 0, 0)


def test_it_ignores_every_other_stat_line():
    # The garbage at the end of intr would raise if the line were parsed.
    cpus = parse_stat(STAT)

    assert all(len(values) == 10 for values in cpus.values())


def test_it_counts_missing_trailing_cpu_fields_as_zero():
    # A 2.6.24-era kernel: no steal, guest or guest_nice yet.
    cpus = parse_stat("cpu  10 20 30 40 50 60 70\ncpu0 10 20 30 40 50 60 70\n")

    assert cpus[-1] == (10, 20, 30, 40, 50, 60, 70, 0, 0, 0)
    assert cpus[0] == cpus[-1]


def test_it_ignores_cpu_fields_beyond_the_tenth():
    cpus = parse_stat("cpu 1 2 3 4 5 6 7 8 9 10 11 12\n")

    assert cpus[-1] == (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)


def test_it_splits_stat_on_any_whitespace():
    # One older tool collapsed runs of spaces; tabs must work too.
    cpus = parse_stat("cpu 1 2 3 4 5 6 7 8 0 0\ncpu0\t1\t2 3 4   5 6 7 8\n")

    assert cpus[0] == cpus[-1] == (1, 2, 3, 4, 5, 6, 7, 8, 0, 0)


def test_it_refuses_stat_without_a_cpu_line():
    with pytest.raises(ProcParseError, match="no 'cpu' total line"):
        parse_stat("cpu0 1 2 3 4 5 6 7 8 0 0\nintr 1 2 3\n")
    with pytest.raises(ProcParseError, match="no 'cpu' total line"):
        parse_stat("")


def test_it_refuses_a_non_integer_cpu_counter_and_names_it():
    with pytest.raises(ProcParseError, match=r"cpu0: '3x' is not an integer"):
        parse_stat("cpu 1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 3x 4 5 6 7 8 0 0\n")


def test_it_refuses_a_cut_cpu_line():
    with pytest.raises(ProcParseError, match="expected at least 4"):
        parse_stat("cpu 1 2 3\n")


def test_it_refuses_an_unknown_cpu_label():
    with pytest.raises(ProcParseError, match="unknown cpu line label 'cpux'"):
        parse_stat("cpu 1 2 3 4 5 6 7 8 0 0\ncpux 1 2 3 4\n")


# /proc/meminfo


def test_it_parses_meminfo_names_and_kb_values():
    fields = parse_meminfo(
        "MemTotal:       16327188 kB\nActive(anon):     221440 kB\nHugePages_Total:       0\n"
    )

    assert fields == {"MemTotal": 16327188, "Active(anon)": 221440, "HugePages_Total": 0}


def test_it_refuses_empty_meminfo():
    with pytest.raises(ProcParseError, match="empty"):
        parse_meminfo("")
    with pytest.raises(ProcParseError, match="empty"):
        parse_meminfo("\n  \n")


def test_it_refuses_a_non_integer_meminfo_value():
    with pytest.raises(ProcParseError, match="MemFree value 'lots' is not an integer"):
        parse_meminfo("MemTotal: 100 kB\nMemFree: lots kB\n")


def test_it_refuses_a_meminfo_line_without_a_value():
    with pytest.raises(ProcParseError, match="is not 'Name: value'"):
        parse_meminfo("MemTotal: 100 kB\nMemFree 50 kB\n")


# /proc/net/dev


def test_it_parses_net_dev_per_interface_after_the_two_header_lines():
    interfaces = parse_net_dev(NET_DEV)

    assert list(interfaces) == ["lo", "eth0"]
    assert interfaces["eth0"][NET_FIELDS.index("rx_bytes")] == 483262214
    assert interfaces["eth0"][NET_FIELDS.index("tx_packets")] == 834850
    assert all(len(values) == 16 for values in interfaces.values())


def test_it_parses_an_interface_name_glued_to_its_first_counter():
    # The kernel prints "%6s:" then the number with no space once the name is long.
    text = NET_DEV + "vethcbb1c2f:409633 5048 0 0 0 0 0 0 65651676 7618 0 0 0 0 0 0\neth1:123 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0\n"

    interfaces = parse_net_dev(text)

    assert interfaces["vethcbb1c2f"][:2] == (409633, 5048)
    assert interfaces["eth1"][0] == 123


def test_it_refuses_a_net_dev_line_with_too_few_counters():
    with pytest.raises(ProcParseError, match="eth9 has 3 counters, expected 16"):
        parse_net_dev(NET_DEV + "  eth9: 1 2 3\n")


def test_it_refuses_a_net_dev_line_without_an_interface():
    with pytest.raises(ProcParseError, match="no 'interface:'"):
        parse_net_dev(NET_DEV + "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n")


def test_it_refuses_a_non_integer_net_dev_counter():
    with pytest.raises(ProcParseError, match="eth0: '-' is not an integer"):
        parse_net_dev(NET_DEV.replace("908111", "-"))


# /proc/diskstats


def test_it_parses_diskstats_per_device_partitions_and_loops_included():
    devices = parse_diskstats(DISKSTATS)

    assert list(devices) == ["loop0", "sda", "sda1"]
    assert devices["sda"] == (
        15931, 3541, 1545323, 26272, 303355, 115316, 69485580, 6782307,
        0, 313289, 6985193, 10723, 1890, 151240776, 42608, 9624, 134004,
    )  # fmt: skip


def test_it_drops_diskstats_lines_shorter_than_14_fields():
    # A 2.6-era partition line: major, minor, name and 4 counters.
    devices = parse_diskstats(DISKSTATS + "   8       2 sda2 10 20 30 40\n")

    assert "sda2" not in devices
    assert len(devices) == 3


def test_it_pads_pre_4_18_diskstats_lines_to_17_counters():
    devices = parse_diskstats("   8 0 sdc 1 2 3 4 5 6 7 8 9 10 11\n   8 16 sdd 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n")

    assert devices["sdc"] == (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 0, 0, 0, 0, 0)
    assert devices["sdd"] == (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0)


def test_it_refuses_a_non_integer_diskstats_counter():
    with pytest.raises(ProcParseError, match="sda: '1.5' is not an integer"):
        parse_diskstats("   8 0 sda 1 2 3 4 5 6 7 8 9 10 1.5\n")


def test_it_accepts_empty_diskstats():
    # A container or a diskless VM: no device is not an error.
    assert parse_diskstats("") == {}


# statfs[*]


def test_it_parses_statfs_lines_by_mount_point():
    text = (
        '{"mount_point":"/","block_size":4096,"blocks_total":7344928,"blocks_free":6439676,"blocks_available":6435580}\n'
        '{"mount_point":"/boot/efi","block_size":512,"blocks_total":213663,"blocks_free":201164,"blocks_available":201164}\n'
    )

    assert parse_statfs(text) == {"/": (4096, 7344928, 6435580), "/boot/efi": (512, 213663, 201164)}


def test_it_refuses_statfs_that_is_not_json():
    with pytest.raises(ProcParseError, match="is not JSON"):
        parse_statfs('{"mount_point": "/", \n')


def test_it_refuses_statfs_without_a_mount_point_or_a_count():
    with pytest.raises(ProcParseError, match="without a 'mount_point'"):
        parse_statfs('{"block_size": 4096, "blocks_total": 1, "blocks_available": 1}\n')
    with pytest.raises(ProcParseError, match="blocks_available None is not a non-negative integer"):
        parse_statfs('{"mount_point": "/", "block_size": 4096, "blocks_total": 1}\n')
    with pytest.raises(ProcParseError, match="block_size True"):
        parse_statfs('{"mount_point": "/", "block_size": true, "blocks_total": 1, "blocks_available": 1}\n')


# Values a column cannot hold: refused like text that cannot be read


@pytest.mark.parametrize("parse, text", [
    (parse_stat, "cpu 1 2 3 4 5 6 7 8 0 0\ncpu0 1 -2 3 4 5 6 7 8 0 0\n"),
    (parse_stat, f"cpu 1 2 3 {2**63} 5 6 7 8 0 0\n"),
    (parse_net_dev, NET_DEV.replace("908111", str(2**64))),
    (parse_net_dev, NET_DEV.replace("908111", "-1")),
    (parse_diskstats, DISKSTATS.replace("303355", str(2**63))),
], ids=["negative cpu", "cpu 2^63", "net 2^64", "negative net", "disk 2^63"])
def test_it_refuses_a_counter_outside_0_to_2_63_minus_1(parse, text):
    with pytest.raises(ProcParseError, match=r"-?\d+ is outside 0..2\^63-1"):
        parse(text)


def test_it_keeps_a_counter_of_2_63_minus_1():
    assert parse_stat(f"cpu 1 2 3 {2**63 - 1} 5 6 7 8 0 0\n")[-1][3] == 2**63 - 1


@pytest.mark.parametrize("label", ["cpu8192", "cpu40000", "cpu" + "9" * 5000], ids=["cpu8192", "cpu40000", "5000 digits"])
def test_it_refuses_a_cpu_number_past_linuxs_largest(label):
    with pytest.raises(ProcParseError, match="past the largest CPU number, 8191"):
        parse_stat(f"cpu 1 2 3 4 5 6 7 8 0 0\n{label} 1 2 3 4 5 6 7 8 0 0\n")


def test_it_takes_the_largest_cpu_number():
    assert 8191 in parse_stat("cpu 1 2 3 4 5 6 7 8 0 0\ncpu8191 1 2 3 4 5 6 7 8 0 0\n")


@pytest.mark.parametrize("value", [str(2**63), "-1", "9" * 5000])
def test_it_refuses_a_meminfo_value_outside_0_to_2_63_minus_1(value):
    with pytest.raises(ProcParseError, match="MemFree value"):
        parse_meminfo(f"MemTotal: 100 kB\nMemFree: {value} kB\n")


def test_it_refuses_a_name_no_index_row_can_hold():
    long_name = "n" * (NAME_MAX_BYTES + 1)
    with pytest.raises(ProcParseError, match="interface name"):
        parse_net_dev(NET_DEV.replace("eth0:", f"{long_name}:"))
    with pytest.raises(ProcParseError, match="device name"):
        parse_diskstats(DISKSTATS.replace(" sda ", f" {long_name} "))
    with pytest.raises(ProcParseError, match="mount point"):
        parse_statfs(json.dumps({"mount_point": "/" + long_name, "block_size": 4096, "blocks_total": 1,
                                 "blocks_available": 1}))
    # Multi-byte characters count as their UTF-8 bytes, the index's measure.
    assert parse_net_dev(NET_DEV.replace("eth0:", "é" * (NAME_MAX_BYTES // 2) + ":"))
    with pytest.raises(ProcParseError, match="interface name"):
        parse_net_dev(NET_DEV.replace("eth0:", "é" * (NAME_MAX_BYTES // 2 + 1) + ":"))


@pytest.mark.parametrize("mount_point, reason", [(r"/\u0000x", "without NUL"), (r"/\ud800", "no low surrogate")])
def test_it_refuses_a_mount_point_no_text_column_can_hold(mount_point, reason):
    line = '{"mount_point": "%s", "block_size": 4096, "blocks_total": 1, "blocks_available": 1}' % mount_point
    with pytest.raises(ProcParseError, match=reason):
        parse_statfs(line)


def test_it_refuses_more_devices_than_a_host_total_can_count():
    line = "   7 {n} loop{n} 1 0 2 0 0 0 0 0 0 0 0\n"
    assert len(parse_diskstats("".join(line.format(n=n) for n in range(ITEMS_MAX)))) == ITEMS_MAX
    with pytest.raises(ProcParseError, match=f"{ITEMS_MAX + 1} items, at most {ITEMS_MAX}"):
        parse_diskstats("".join(line.format(n=n) for n in range(ITEMS_MAX + 1)))


def _statfs_line(**fields) -> str:
    return json.dumps({"mount_point": "/", "block_size": 4096, "blocks_total": 100, "blocks_available": 50} | fields)


@pytest.mark.parametrize("fields, reason", [
    ({"blocks_total": 2**63}, "blocks_total 9223372036854775808 is outside"),
    ({"block_size": 4096, "blocks_total": 2**52, "blocks_available": 0}, "size in bytes"),
    ({"blocks_available": 101}, "blocks_available 101 exceeds blocks_total"),
], ids=["count 2^63", "size 2^64 bytes", "more available than total"])
def test_it_refuses_statfs_numbers_out_of_range_or_implausible(fields, reason):
    with pytest.raises(ProcParseError, match=reason):
        parse_statfs(_statfs_line(**fields))


def test_it_takes_statfs_of_2_63_minus_1_bytes_all_available():
    blocks = (2**63 - 1) // 4096
    assert parse_statfs(_statfs_line(blocks_total=blocks, blocks_available=blocks)) == {"/": (4096, blocks, blocks)}


# Real captures


def _captures():
    captures = sorted(path for path in PCC_CAPTURES.glob("*/collection.ndjson"))
    assert len(captures) >= 2, f"no pcc captures under {PCC_CAPTURES}"  # else no test below would run
    return captures


@pytest.mark.parametrize("collection", _captures(), ids=lambda path: path.parent.name)
def test_it_parses_every_tick_of_every_capture(collection):
    parsers = {
        "/proc/stat": parse_stat,
        "/proc/meminfo": parse_meminfo,
        "/proc/net/dev": parse_net_dev,
        "/proc/diskstats": parse_diskstats,
        "statfs[*]": parse_statfs,
    }
    parsed = 0
    with collection.open() as lines:
        for line in lines:
            item = json.loads(line)
            parser = parsers.get(item["subsystem"])
            if parser is not None:
                assert parser(item["measurement"]), item["subsystem"]
                parsed += 1

    assert parsed >= 5 * 100  # five subsystems, at least 100 ticks
