"""Issue 14's proof: two collectors whose pcd daemons differ in speed and whose servers
differ in cost, set up through the API, load-tested by the worker, then compared: the
ratios and price-performance are the ones computed here from what the daemons answered."""

from fractions import Fraction

import pytest

from tests.loadtests.pcd_fake import pcd_serving
from tests.loadtests.expected import two_decimals
from tests.personas import api_client, team_make
from tests.uploads.files import uploads_work as queued_jobs_work

pytestmark = pytest.mark.django_db(transaction=True)
SERVERS = (("arm-small", 14_317, "0.0416", "ampere"), ("x86-large", 52_009, "0.3840", "intel"))


def test_it_compares_two_load_tested_servers_by_work_and_price(pcd_admitted):
    acme = team_make("acme")
    admin = api_client(acme.admin)
    with pcd_serving(units_at_100=SERVERS[0][1]) as slow, pcd_serving(units_at_100=SERVERS[1][1]) as fast:
        ids = []
        for (name, _, cost, brand), pcd in zip(SERVERS, (slow, fast)):
            created = admin.post("/api/v1/collectors/", {"name": name}, format="json").json()
            response = admin.patch(f"/api/v1/collectors/{created['id']}/", {
                "pcd_address": pcd.address, "pcd_apikey": pcd.key, "hourly_cost": cost, "processor_brand": brand,
                "vm_brand": "oracle_cloud"}, format="json")
            assert response.status_code == 200 and response.json()["has_pcd_config"] is True, response.content
            assert pcd.key not in response.content.decode()
            run = admin.post(f"/api/v1/loadtests/run/{created['id']}/", {}, format="json")
            assert run.status_code == 201 and run.json()["status"] == "queued"
            ids.append(created["id"])
        queued_jobs_work()
        compared = api_client(acme.viewer).get("/api/v1/loadtests/compare/", {"collector_ids": ",".join(ids)}).json()

    top = [units for _, units, _, _ in SERVERS]  # the 100 % level of pcd_results
    small, large = compared["servers"]
    assert [small["serverName"], large["serverName"]] == ["arm-small", "x86-large"]
    assert [small["maxUnits"], large["maxUnits"]] == top
    assert [point["workUnits"] for point in small["data"]] == [SERVERS[0][1] * level // 100 for level in range(10, 101, 10)]
    assert [small["hourlyCost"], large["hourlyCost"]] == [0.0416, 0.384]
    assert small["pricePerformance"] == two_decimals(Fraction(top[0]) / Fraction(SERVERS[0][2])) == 344158.65
    assert large["pricePerformance"] == two_decimals(Fraction(top[1]) / Fraction(SERVERS[1][2])) == 135440.1
    assert compared["ratios"] == {ids[1]: two_decimals(Fraction(top[1], top[0]))} == {ids[1]: 3.63}
    assert len(slow.requests) == len(fast.requests) == 1
