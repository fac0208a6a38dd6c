"""GET /api/dashboard/collectors/{id}/network/: the host total over physical interfaces and
every interface, against pcprocess's rows of the same capture."""

import gc
import tracemalloc

import pytest

from accounts import tenancy
from metrics.host_totals import interface_in_total
from tests.dashboard.capture import (FIRST_TICK, LAST_TICK, assert_series, by_minute, close, full_minutes, host_totals, oracle,
                                     replayed)
from tests.oracle import NET_COLUMNS

pytestmark = pytest.mark.django_db


def _physical_sums(column: str) -> dict[int, float]:
    return host_totals("proc/net/dev", "IFACE", interface_in_total, column)


def test_it_gives_the_sum_of_physical_interfaces_as_the_host_series(client):
    host = replayed(client)
    answer = host.get("network", hours=1).json()

    assert answer["units"]["rx_kb_ps"] == "kB/s" and answer["units"]["rx_packets_ps"] == "packets/s"
    assert "if_util_pct" not in answer["series"] and answer["units"]["if_util_pct"] == "%"
    for theirs, ours in (("rxkB/s", "rx_kb_ps"), ("txpck/s", "tx_packets_ps")):
        assert_series(answer, answer["series"][ours], _physical_sums(theirs))


def test_it_gives_every_interface_as_an_item(client):
    host = replayed(client)
    answer = host.get("network", hours=1).json()

    names = [item["name"] for item in answer["items"]]
    assert names == sorted({row["IFACE"] for row in oracle("proc/net/dev")})
    position = {t: index for index, t in enumerate(answer["timestamps"])}
    for item in answer["items"]:
        for row in oracle("proc/net/dev", IFACE=item["name"]):
            for theirs, ours in NET_COLUMNS.items():
                assert close(item["series"][ours][position[int(row["timestamp"])]], float(row[theirs])), row


def test_it_gives_minute_maxima_of_the_host_total(client):
    host = replayed(client)
    answer = host.get("network", start=FIRST_TICK, end=LAST_TICK, points=50, stat="max").json()

    sums = _physical_sums("rxkB/s")
    rows = [{"timestamp": str(t), "value": value} for t, value in sums.items()]
    minutes = by_minute(rows, lambda row: row["value"])
    for minute in full_minutes(rows):
        assert close(answer["series"]["rx_kb_ps"][answer["timestamps"].index(minute)], max(minutes[minute]))



def test_it_lets_go_of_an_answers_data_once_rendered(client, monkeypatch):
    """DRF's response, view and request refer to each other in cycles: the data of every
    answer stayed in memory until the cyclic collector's next full pass, which then paused a
    request for 70-100 ms (accounts/tenancy.py, _data_released). With that collector off,
    what ten charts leave behind, with their data let go and with it kept."""
    host = replayed(client)
    assert host.get("network", hours=1).status_code == 200  # the first request fills the caches

    released = _left_behind(host)
    monkeypatch.setattr(tenancy, "_data_released", lambda response: None)
    kept = _left_behind(host)

    assert released < kept / 2, (released, kept)


def _left_behind(host, charts: int = 10) -> int:
    """Bytes still allocated after `charts` network charts, the cyclic collector off."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        for _ in range(charts):
            assert host.get("network", hours=1).status_code == 200
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        gc.enable()
        gc.collect()
