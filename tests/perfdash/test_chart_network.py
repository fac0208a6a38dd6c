"""GET /dashboard/api/collectors/{id}/network/ (§6.4): the host total over physical
interfaces, net_*_mbps in MiB/s (the contract's unit despite the name, §1.9), packets/s."""

import pytest

from tests.perfdash.replay import (CAPTURE, assert_chart_shape, assert_hidden_from_other_organizations,
                                   assert_no_data_without_samples, assert_rounded, oracle_rows,
                                   retention_keeps_the_captures, uploaded)  # noqa: F401
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db


def test_it_answers_physical_interfaces_in_mib_per_second():
    team = team_make("acme")
    collector = uploaded(team).collector

    answer = api_client(team.viewer).get(f"/dashboard/api/collectors/{collector.uuid}/network/").json()

    assert_chart_shape(answer, "network", collector)
    eth0 = {int(row["timestamp"]): row for row in oracle_rows(CAPTURE, "proc/net/dev") if row["IFACE"] == "eth0"}
    interfaces = {row["IFACE"] for row in oracle_rows(CAPTURE, "proc/net/dev")}
    assert "lo" in interfaces and any(name.startswith("veth") for name in interfaces)
    assert len(eth0) == len(answer["timestamps"])
    for index, t in enumerate(sorted(eth0)):
        # eth0 is the only physical interface: lo and the containers' veth pairs are left out.
        assert_rounded(answer["net_rx_mbps"][index], float(eth0[t]["rxkB/s"]) / 1024, t)
        assert_rounded(answer["net_tx_pps"][index], float(eth0[t]["txpck/s"]), t)
    # MiB/s, not Mbit/s: in Mbit/s the busiest interval would read about 8.39 times more.
    busiest = max(range(len(eth0)), key=answer["net_rx_mbps"].__getitem__)
    in_mbit = float(eth0[sorted(eth0)[busiest]]["rxkB/s"]) * 1024 * 8 / 1e6
    assert abs(answer["net_rx_mbps"][busiest] - in_mbit) > 0.02


def test_it_hides_other_organizations_collectors():
    assert_hidden_from_other_organizations("network")


def test_it_answers_no_data_for_a_collector_without_samples():
    assert_no_data_without_samples("network")
