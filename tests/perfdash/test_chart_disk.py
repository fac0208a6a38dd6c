"""GET /dashboard/api/collectors/{id}/disk/ (§6.3): the host total over whole disks
(partitions, loop devices and the CD-ROM left out), operations/s and MiB/s."""

import pytest

from tests.perfdash.replay import (CAPTURE, MIB, assert_chart_shape, assert_hidden_from_other_organizations,
                                   assert_no_data_without_samples, assert_rounded, oracle_rows,
                                   retention_keeps_the_captures, uploaded)  # noqa: F401
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db


def _sums(devices: set[str], column: str) -> dict[int, float]:
    sums: dict[int, float] = {}
    for row in oracle_rows(CAPTURE, "proc/diskstats"):
        if row["DEV"] in devices:
            sums[int(row["timestamp"])] = sums.get(int(row["timestamp"]), 0.0) + float(row[column])
    return sums


def test_it_answers_whole_disks_in_mib_per_second():
    team = team_make("acme")
    collector = uploaded(team).collector

    answer = api_client(team.viewer).get(f"/dashboard/api/collectors/{collector.uuid}/disk/").json()

    assert_chart_shape(answer, "disk", collector)
    written = _sums({"sda", "sdb"}, "bwrtn/s")
    with_partitions = _sums({"sda", "sda1", "sda14", "sda15", "sdb", "sdb1"}, "bwrtn/s")
    iops = _sums({"sda", "sdb"}, "wtps")
    assert len(written) == len(answer["timestamps"])
    for index, t in enumerate(sorted(written)):
        assert_rounded(answer["disk_write_mbps"][index], written[t] * 512 / MIB, t)
        assert_rounded(answer["disk_write_iops"][index], iops[t], t)
    # The load test writes: counting partitions too would count those bytes twice.
    assert any(abs(answer["disk_write_mbps"][i] - with_partitions[t] * 512 / MIB) > 0.01
               for i, t in enumerate(sorted(written)))


def test_it_hides_other_organizations_collectors():
    assert_hidden_from_other_organizations("disk")


def test_it_answers_no_data_for_a_collector_without_samples():
    assert_no_data_without_samples("disk")
