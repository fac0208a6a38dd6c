"""Live data (§7.1) and session data (§7.7) of a real capture replayed through POST
/v1/trickle, point by point against values computed here, independently, in the
contract's units (§1.9): rates and gauges from pcprocess's CSVs (the collector's own
processor), cumulative counters from the capture's raw /proc text, both summed over the
devices and interfaces XAT counts in a host's totals."""

from collections import defaultdict
from datetime import UTC, datetime

import pytest

from metrics.host_totals import disks_in_total, interface_in_total
from metrics.models import TrickleSession
from tests.dashboard.capture import FIRST_TICK, TICKS, oracle, raw_counters, replayed
from tests.personas import api_client

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def retention_keeps_the_capture(settings):
    """The capture is older than the default retention of raw samples, which would make a
    session's data read a coarser level (metrics.dashboard.resolution_choose)."""
    settings.XAT_RETENTION_DAYS = dict.fromkeys(("raw", "1m", "1h", "1d"), 0)


def _rounded(decimals: int) -> float:
    """How far a value rounded to `decimals` may lie from the exact one."""
    return 0.5 * 10 ** -decimals + 1e-9


def _expected() -> dict[int, dict[str, float]]:
    """{tick: {"group.field": value}} for the ticks pcprocess computed rates for."""
    expected: dict[int, dict[str, float]] = defaultdict(dict)
    for row in oracle("proc/stat", CPU="-1"):
        values = expected[int(row["timestamp"])]
        values["cpu.user"] = float(row["%usr"]) + float(row["%nice"])
        for field in ("system", "iowait", "idle", "steal"):
            values[f"cpu.{field}"] = float(row[f"%{field}"])
    for row in oracle("proc/meminfo"):
        values = expected[int(row["timestamp"])]
        for field, column in (("used_mb", "kbmemused"), ("available_mb", "kbavail"), ("buffers_mb", "kbbuffers"),
                              ("cached_mb", "kbcached")):
            values[f"memory.{field}"] = float(row[column]) / 1024
    by_tick = defaultdict(dict)
    for row in oracle("proc/diskstats"):
        by_tick[int(row["timestamp"])][row["DEV"]] = row
    for t, devices in by_tick.items():
        whole = [devices[name] for name in disks_in_total(devices)]
        expected[t]["disk.read_iops"] = sum(float(row["rtps"]) for row in whole)
        expected[t]["disk.write_iops"] = sum(float(row["wtps"]) for row in whole)
        expected[t]["disk.read_mbps"] = sum(float(row["bread/s"]) for row in whole) * 512 / MIB
        expected[t]["disk.write_mbps"] = sum(float(row["bwrtn/s"]) for row in whole) * 512 / MIB
    for row in oracle("proc/net/dev"):
        if interface_in_total(row["IFACE"]):
            values = expected[int(row["timestamp"])]
            for direction in ("rx", "tx"):
                values[f"network.{direction}_mbps"] = (values.get(f"network.{direction}_mbps", 0.0)
                                                       + float(row[f"{direction}kB/s"]) * 1024 * 8 / 1e6)
                values[f"network.{direction}_pps"] = (values.get(f"network.{direction}_pps", 0.0)
                                                      + float(row[f"{direction}pck/s"]))
    return expected


DECIMALS = {"cpu": 2, "memory": 2, "disk.read_iops": 2, "disk.write_iops": 2, "disk.read_mbps": 4,
            "disk.write_mbps": 4, "network.rx_mbps": 4, "network.tx_mbps": 4, "network.rx_pps": 2,
            "network.tx_pps": 2}


def _check_points(answer: dict) -> None:
    position = {datetime.fromisoformat(text).timestamp(): index for index, text in enumerate(answer["timestamps"])}
    assert all(text.endswith("+00:00") for text in answer["timestamps"])
    expected = _expected()
    assert len(expected) > 100
    for t, values in expected.items():
        for name, value in values.items():
            group, field = name.split(".")
            ours = answer[group][field][position[t]]
            decimals = DECIMALS.get(name, DECIMALS.get(group))
            assert abs(ours - value) <= _rounded(decimals), (t, name, ours, value)
            assert round(ours, decimals) == ours
    counters = raw_counters()
    assert len(counters) == len(TICKS)
    for t, values in counters.items():
        for name, value in values.items():
            group, field = name.split(".")
            ours = answer[group][field][position[t]]
            if name == "memory.total_mb":
                assert abs(ours - value) <= _rounded(2), (t, ours, value)
            else:
                assert ours == value, (t, name, ours, value)


def test_live_data_of_a_replayed_capture_matches_the_oracle_point_by_point(client):
    host = replayed(client)
    since = datetime.fromtimestamp(FIRST_TICK, UTC).isoformat()
    answer = api_client(host.team.viewer).get(
        f"/dashboard/api/collectors/{host.collector.uuid}/live/", {"since": since}).json()

    assert answer["has_live_data"] is True and answer["sample_count"] == len(TICKS) == len(answer["timestamps"])
    assert answer["timestamps"][0] == since  # inclusive
    _check_points(answer)
    # The first tick has no previous one: CPU 0 (C33), rates null, counters present.
    assert [answer["cpu"][field][0] for field in ("user", "idle")] == [0, 0]
    assert answer["disk"]["read_iops"][0] is None and answer["network"]["rx_mbps"][0] is None
    assert answer["network"]["rx_bytes"][0] > 0


def test_session_data_of_a_replayed_capture_matches_the_oracle_point_by_point(client):
    host = replayed(client)
    session = TrickleSession.objects.get(collector=host.collector)
    answer = api_client(host.team.viewer).get(f"/dashboard/api/sessions/{session.pk}/").json()

    assert answer["sample_count"] == len(TICKS) == len(answer["timestamps"])  # its first samples too
    assert answer["started_at"] == datetime.fromtimestamp(FIRST_TICK, UTC).isoformat()
    _check_points(answer)

