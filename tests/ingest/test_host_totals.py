"""Host totals: whole disks and physical interfaces only, checked against pcprocess."""

from collections import defaultdict

import pytest
from django.db import connection

from metrics.host_totals import disks_in_total, interface_in_total
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES, close, oracle_rows


def test_it_counts_whole_disks_only():
    devices = ["loop0", "sda", "sda1", "sda14", "sdb", "sdb1", "sr0", "nvme0n1", "nvme0n1p1", "dm-0", "md0",
               "mmcblk0", "mmcblk0p2", "xvda1", "ram0", "zram0"]
    assert disks_in_total(devices) == {"sda", "sdb", "nvme0n1", "mmcblk0", "xvda1"}


def test_it_counts_physical_interfaces_only():
    names = ["lo", "eth0", "docker0", "veth5046f66", "ens5", "enp0s3", "br-1a2b", "virbr0", "cni0", "flannel.1",
             "cali123", "enP30832s1", "wlan0", "tun0"]
    assert [name for name in names if interface_in_total(name)] == ["eth0", "ens5", "enp0s3", "wlan0"]


@pytest.mark.django_db
@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_stores_totals_equal_to_the_sum_of_pcprocess_rows(client, capture):
    _, key = organization_with_ingest_key("totals")
    for tick in capture_ticks(capture):
        assert post_like_pcc(client, key, envelope("host", tick)).status_code == 200

    expected_disk = defaultdict(float)
    rows = oracle_rows(capture, "proc/diskstats")
    first = min(int(row["timestamp"]) for row in rows)
    whole = disks_in_total({row["DEV"] for row in rows})
    assert whole == {"sda", "sdb"}
    for row in rows:
        if int(row["timestamp"]) > first and row["DEV"] in whole:
            expected_disk[int(row["timestamp"])] += float(row["bread/s"])
    expected_rx = {int(row["timestamp"]): float(row["rxkB/s"]) for row in oracle_rows(capture, "proc/net/dev")
                   if row["IFACE"] == "eth0" and int(row["timestamp"]) > first}

    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM time)::bigint, read_sectors_ps, disks FROM disk_total_sample")
        disk = {t: (value, disks) for t, value, disks in cursor.fetchall()}
        cursor.execute("SELECT extract(epoch FROM time)::bigint, rx_kb_ps, interfaces FROM network_total_sample")
        network = {t: (value, interfaces) for t, value, interfaces in cursor.fetchall()}

    assert len(expected_disk) > 100
    for t, value in expected_disk.items():
        assert close(disk[t][0], str(value)) and disk[t][1] == 2, t
    for t, value in expected_rx.items():
        assert close(network[t][0], str(value)) and network[t][1] == 1, t
