"""GET /api/dashboard/collectors/{id}/network/: the host total over physical interfaces and
every interface, against pcprocess's rows of the same capture."""

import pytest

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
