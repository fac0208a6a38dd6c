"""GET /api/dashboard/collectors/{id}/disk/: the host total over whole disks and every
device, against pcprocess's rows of the same capture."""

import pytest

from metrics.host_totals import disks_in_total
from tests.dashboard.capture import (FIRST_TICK, LAST_TICK, assert_series, by_minute, close, full_minutes, host_totals, oracle,
                                     replayed)
from tests.oracle import DISK_COLUMNS

pytestmark = pytest.mark.django_db


def _whole_disk_sums(column: str) -> dict[int, float]:
    whole = disks_in_total({row["DEV"] for row in oracle("proc/diskstats")})
    assert whole == {"sda", "sdb"}
    return host_totals("proc/diskstats", "DEV", whole.__contains__, column)


def test_it_gives_the_sum_of_whole_disks_as_the_host_series(client):
    host = replayed(client)
    answer = host.get("disk", hours=1).json()

    assert answer["resolution"] == "raw"
    assert answer["units"] == {"tps": "ops/s", "rtps": "ops/s", "wtps": "ops/s", "dtps": "ops/s",
                               "read_sectors_ps": "sectors/s", "written_sectors_ps": "sectors/s",
                               "discarded_sectors_ps": "sectors/s", "util_pct": "%", "await_ms": "ms"}
    for theirs, ours in (("bwrtn/s", "written_sectors_ps"), ("tps", "tps"), ("bread/s", "read_sectors_ps")):
        assert_series(answer, answer["series"][ours], _whole_disk_sums(theirs))


def test_it_gives_every_device_as_an_item(client):
    host = replayed(client)
    answer = host.get("disk", hours=1).json()

    names = [item["name"] for item in answer["items"]]
    assert names == sorted(names)
    # Every device pcprocess prints (it leaves out loop devices that never did any I/O).
    assert {row["DEV"] for row in oracle("proc/diskstats")} <= set(names)
    position = {t: index for index, t in enumerate(answer["timestamps"])}
    compared = 0
    for item in answer["items"]:
        for row in oracle("proc/diskstats", DEV=item["name"]):
            compared += 1
            for theirs, ours in DISK_COLUMNS.items():
                assert close(item["series"][ours][position[int(row["timestamp"])]], float(row[theirs])), row
    assert compared > 800


def test_it_gives_minute_averages_of_the_host_total(client):
    host = replayed(client)
    answer = host.get("disk", start=FIRST_TICK, end=LAST_TICK, points=50).json()

    assert answer["resolution"] == "1m"
    sums = _whole_disk_sums("bwrtn/s")
    rows = [{"timestamp": str(t), "value": value} for t, value in sums.items()]
    minutes = by_minute(rows, lambda row: row["value"])
    for minute in full_minutes(rows):
        ours = answer["series"]["written_sectors_ps"][answer["timestamps"].index(minute)]
        assert close(ours, sum(minutes[minute]) / len(minutes[minute])), minute
    sda = next(item for item in answer["items"] if item["name"] == "sda")
    assert len(sda["series"]["tps"]) == len(answer["timestamps"])
