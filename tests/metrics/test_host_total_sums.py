"""Host totals (metrics.host_totals): one summing rule for raw ticks and processed files,
checked against sums written out by hand."""

from metrics.host_totals import DISK_TOTAL_SUMS, NETWORK_TOTAL_SUMS, disk_total, network_total
from metrics.ingest import DISK_RATES, NETWORK_RATES


def _disk(**values) -> dict:
    return dict.fromkeys(DISK_RATES, 0.0) | values


def test_it_sums_disks_with_the_busiest_util_and_the_await_of_all_ios():
    total = disk_total({
        "sdb": _disk(rtps=1.0, wtps=3.0, read_sectors_ps=8.0, util_pct=40.0, await_ms=2.0),
        "sda": _disk(rtps=2.0, wtps=0.0, read_sectors_ps=16.0, util_pct=70.0, await_ms=5.0),
        "sdc": _disk(util_pct=1.0, await_ms=None),  # no read or write: no await, no weight
    })
    assert total["read_sectors_ps"] == 24.0
    assert total["rtps"] == 3.0 and total["wtps"] == 3.0
    assert total["util_pct"] == 70.0
    assert total["await_ms"] == (2.0 * 4 + 5.0 * 2) / 6


def test_it_leaves_unknown_what_a_processed_file_does_not_carry():
    carried = {"tps": 4.0, "rtps": 1.0, "wtps": 3.0, "dtps": 0.0, "read_sectors_ps": 8.0, "written_sectors_ps": 2.0,
               "discarded_sectors_ps": 0.0}
    total = disk_total({"sda": dict.fromkeys(DISK_RATES) | carried, "sdb": dict.fromkeys(DISK_RATES) | carried})
    assert total == {name: 2 * carried[name] for name in DISK_TOTAL_SUMS} | {"util_pct": None, "await_ms": None}

    interface = dict.fromkeys(NETWORK_RATES) | {"rx_kb_ps": 1.5, "tx_kb_ps": 0.5}
    network = network_total({"eth0": interface, "eth1": interface | {"rx_kb_ps": 2.0}})
    assert network["rx_kb_ps"] == 3.5 and network["tx_kb_ps"] == 1.0
    assert network["rx_errors_ps"] is None  # pcprocess's tree has no error counts


def test_it_leaves_every_column_unknown_without_members():
    assert disk_total({}) == dict.fromkeys((*DISK_TOTAL_SUMS, "util_pct", "await_ms"))
    assert network_total({}) == dict.fromkeys(NETWORK_TOTAL_SUMS)


def test_it_sums_in_name_order_whatever_order_the_rows_came_in():
    # 0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 differ in the last bit: the total must not.
    values = {"eth0": 0.1, "eth1": 0.2, "eth2": 0.3}
    forward = {name: dict.fromkeys(NETWORK_RATES, 0.0) | {"rx_kb_ps": value} for name, value in values.items()}
    backward = dict(reversed(forward.items()))
    assert network_total(forward)["rx_kb_ps"] == network_total(backward)["rx_kb_ps"] == (0.1 + 0.2) + 0.3
