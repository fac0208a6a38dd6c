"""GET/POST /api/v1/loadtests/compare/ (contract §9.1): the newest completed load test of
each requested collector, its colour, ratios and price-performance, computed here again
independently (fractions, rounded half-up to 2 decimals)."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from metrics.loadtests.models import LoadTest
from tests.loadtests.expected import two_decimals
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/loadtests/compare/"
PALETTE = ["#3b82f6", "#ef4444", "#22c55e", "#f59e0b", "#8b5cf6", "#ec4899", "#06b6d4", "#f97316"]


def _tested(organization, collector, top: int, **fields) -> LoadTest:
    """A completed load test whose levels grow to `top` at 100 %."""
    units = {f"units_{level}pct": top * level // 100 for level in range(10, 101, 10)}
    return LoadTest.objects.create(organization=organization, collector=collector, **{**units, **fields})


@pytest.fixture
def acme():
    return team_make("acme")


def test_it_compares_servers_by_max_units_and_price_performance(acme):
    small = collector_make(acme.organization, name="small", vm_brand="aws", hourly_cost=Decimal("0.0960"))
    large = collector_make(acme.organization, name="large", vm_brand="azure", hourly_cost=Decimal("0.4160"))
    _tested(acme.organization, small, 12000)
    _tested(acme.organization, large, 45001)
    body = api_client(acme.viewer).get(URL, {"collector_ids": f"{small.uuid},{large.uuid}"}).json()
    first, second = body["servers"]
    assert [first["serverId"], second["serverId"]] == [str(small.uuid), str(large.uuid)]
    assert (first["serverName"], first["provider"], first["color"]) == ("small", "AWS", PALETTE[0])
    assert (second["provider"], second["color"]) == ("Azure", PALETTE[1])
    assert (first["hourlyCost"], second["hourlyCost"]) == (0.096, 0.416)
    assert (first["maxUnits"], second["maxUnits"]) == (12000, 45001)
    assert first["data"][0] == {"busyPct": 10, "workUnits": 1200} and len(first["data"]) == 10
    assert first["pricePerformance"] == two_decimals(Fraction(12000) / Fraction("0.0960")) == 125000.0
    assert second["pricePerformance"] == two_decimals(Fraction(45001) / Fraction("0.4160"))  # 108175.48
    assert body["ratios"] == {str(large.uuid): two_decimals(Fraction(45001, 12000))}  # 3.75


def test_it_rounds_half_up_exactly(acme):
    """Quotients whose third decimal is an exact 5: 9 / 0.32 = 28.125 and 9 / 8 = 1.125
    round up (Python's round() of those floats gives 28.12 and 1.12)."""
    a = collector_make(acme.organization, name="a", hourly_cost=Decimal("0.32"))
    b = collector_make(acme.organization, name="b", hourly_cost=Decimal("0.32"))
    _tested(acme.organization, a, 8)
    _tested(acme.organization, b, 9)
    body = api_client(acme.admin).post(URL, {"collector_ids": [str(a.uuid), str(b.uuid)]}, format="json").json()
    assert body["servers"][0]["pricePerformance"] == two_decimals(Fraction(8) / Fraction("0.32")) == 25.0
    assert body["servers"][1]["pricePerformance"] == two_decimals(Fraction(9) / Fraction("0.32")) == 28.13
    assert body["ratios"][str(b.uuid)] == two_decimals(Fraction(9, 8)) == 1.13


def test_it_gives_no_price_performance_without_a_positive_cost_or_units(acme):
    priced = collector_make(acme.organization, name="priced", hourly_cost=Decimal("0.5"))
    unpriced = collector_make(acme.organization, name="unpriced")
    free = collector_make(acme.organization, name="free", hourly_cost=Decimal("0"))
    idle = collector_make(acme.organization, name="idle", hourly_cost=Decimal("1"))
    for collector, top in ((priced, 1000), (unpriced, 2000), (free, 500), (idle, 0)):
        _tested(acme.organization, collector, top)
    ids = [priced.uuid, unpriced.uuid, free.uuid, idle.uuid]
    body = api_client(acme.admin).get(URL, {"collector_ids": json.dumps([str(i) for i in ids])}).json()
    assert [(s["hourlyCost"], s["pricePerformance"]) for s in body["servers"]] == [
        (0.5, 2000.0), (None, None), (0.0, None), (1.0, None)]
    assert body["ratios"] == {str(unpriced.uuid): 2.0, str(free.uuid): 0.5, str(idle.uuid): 0.0}


def test_it_gives_null_ratios_when_the_first_server_did_no_work(acme):
    idle, busy = collector_make(acme.organization, name="idle"), collector_make(acme.organization, name="busy")
    _tested(acme.organization, idle, 0)
    _tested(acme.organization, busy, 100)
    body = api_client(acme.admin).get(URL, {"collector_ids": f"{idle.uuid},{busy.uuid}"}).json()
    assert body["ratios"] == {str(busy.uuid): None}


def test_it_uses_each_collectors_newest_completed_load_test(acme):
    web, db = collector_make(acme.organization, name="web"), collector_make(acme.organization, name="db")
    _tested(acme.organization, web, 100)
    _tested(acme.organization, web, 300)  # newest completed
    _tested(acme.organization, web, 999, status="failed")
    _tested(acme.organization, web, 0, status="queued")
    _tested(acme.organization, db, 600)
    body = api_client(acme.admin).get(URL, {"collector_ids": f"{web.uuid},{db.uuid}"}).json()
    assert [server["maxUnits"] for server in body["servers"]] == [300, 600]
    assert body["ratios"] == {str(db.uuid): 2.0}


def test_it_skips_collectors_it_cannot_compare_but_keeps_their_colour_slot(acme):
    globex = team_make("globex")
    theirs = collector_make(globex.organization, name="globex-web")
    _tested(globex.organization, theirs, 5000)
    untested = collector_make(acme.organization, name="untested")
    ours = collector_make(acme.organization, name="ours")
    _tested(acme.organization, ours, 100)
    ids = f"{theirs.uuid},{untested.uuid},00000000-0000-4000-8000-000000000000,{ours.uuid}"
    body = api_client(acme.admin).get(URL, {"collector_ids": ids}).json()
    assert [(s["serverName"], s["color"]) for s in body["servers"]] == [("ours", PALETTE[3])]
    assert body["ratios"] == {} and "globex" not in json.dumps(body)


def test_it_answers_the_same_through_the_alias(acme):
    a, b = collector_make(acme.organization, name="a"), collector_make(acme.organization, name="b")
    _tested(acme.organization, a, 10)
    _tested(acme.organization, b, 20)
    client = api_client(acme.viewer)
    query = {"collector_ids": f"{a.uuid},{b.uuid}"}
    assert client.get(URL, query).json() == client.get("/api/v1/loadtest/compare/", query).json()
    assert client.post("/api/v1/loadtest/compare/", {"collector_ids": [str(a.uuid), str(b.uuid)]},
                       format="json").json() == client.get(URL, query).json()


@pytest.mark.parametrize("query, error", [
    ({}, "collector_ids parameter required"),
    ({"collector_ids": ""}, "collector_ids parameter required"),
    ({"collector_ids": "web-1"}, "collector_ids: Must be a valid UUID."),
    ({"collector_ids": "[1, 2"}, "collector_ids: UUIDs, comma-separated or as a JSON array"),
    ({"collector_ids": "{}"}, "collector_ids: Must be a valid UUID."),
    ({"collector_ids": ",".join(["00000000-0000-4000-8000-000000000000"] * 11)},
     "collector_ids: Ensure this field has no more than 10 elements."),
])
def test_it_answers_400_to_a_bad_query(acme, query, error):
    response = api_client(acme.viewer).get(URL, query)
    assert (response.status_code, response.json()) == (400, {"error": error})


@pytest.mark.parametrize("body, errors", [
    ({}, {"collector_ids": ["This field is required."]}),
    ({"collector_ids": ["00000000-0000-4000-8000-000000000000"]},
     {"collector_ids": ["Ensure this field has at least 2 elements."]}),
    ({"collector_ids": ["00000000-0000-4000-8000-000000000000"] * 11},
     {"collector_ids": ["Ensure this field has no more than 10 elements."]}),
    ({"collector_ids": ["00000000-0000-4000-8000-000000000000", "x"]}, {"collector_ids": {"1": ["Must be a valid UUID."]}}),
])
def test_it_answers_field_errors_to_a_bad_body(acme, body, errors):
    response = api_client(acme.viewer).post(URL, body, format="json")
    assert (response.status_code, response.json()) == (400, errors)
