"""The cost of placing a tick must not grow with what its collector already holds: every
lookup of ticks_place descends an index to the rows it needs (the neighbour ticks and
their counters), under the custom plan and the generic plan that ingest forces alike.

A plan that joined the neighbours to all of a collector's rows ran correctly and only
slowed down as the day's chunk filled (5 ms per tick after 300 ticks, then worse), so
this looks at the rows each plan node actually read."""

import pytest
from django.db import connection

from metrics.ingest import Measurement, Skipped, ticks_parse
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES
from tests.personas import api_key_make, team_make
from tests.plans import explain_prepared
from xat import sqlfiles

pytestmark = pytest.mark.django_db
CAPTURE = next(path for path in CAPTURES if path.name == "azure-loadtest-3")
STORED_TICKS = 60


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _rows_read(plan: dict) -> list[tuple[str, int]]:
    """Each node that reads a table or index, with the rows it returned or discarded."""
    return [
        (node.get("Relation Name") or node.get("Index Name") or node["Node Type"],
         node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
         + node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Join Filter", 0))
        for node in _nodes(plan) if "Scan" in node["Node Type"] and "CTE" not in node["Node Type"]
    ]


@pytest.fixture
def collector_with_a_history(client):
    team = team_make("plans")
    key = api_key_make(team.organization)[1]
    ticks = capture_ticks(CAPTURE)[:STORED_TICKS + 1]
    for tick in ticks[:STORED_TICKS]:
        assert post_like_pcc(client, key, envelope("host-plans", tick)).status_code == 200
    with connection.cursor() as cursor:
        # The planner's statistics of the chunks as autovacuum would leave them: without, the
        # statistics another test's committed rows left on the same chunk decide the plan
        # (a full run once read all 60 ticks there by a scan that a fresh chunk never takes).
        cursor.execute("ANALYZE sample_tick, cpu_sample, disk_sample, network_sample")
        cursor.execute("SELECT organization_id, collector_id FROM sample_tick GROUP BY 1, 2")
        organization_id, collector_id = cursor.fetchone()
    next_tick = ticks[STORED_TICKS]
    items = ticks_parse([Measurement(m["timestamp"], m["subsystem"], m["measurement"]) for m in next_tick], Skipped())[0]
    largest_family = max(len(items.counters.cpu), len(items.counters.disk), len(items.counters.network))
    params = {"organization_id": organization_id, "collector_id": collector_id, "times": [next_tick[0]["timestamp"]]}
    return params, largest_family


@pytest.mark.parametrize("plan_cache_mode", ["force_custom_plan", "force_generic_plan"])
def test_placing_a_tick_reads_only_its_neighbours(collector_with_a_history, plan_cache_mode):
    params, largest_family = collector_with_a_history
    with connection.cursor() as cursor:
        # A test chunk holds 60 ticks: reading it whole can cost the planner less than an index
        # descent, as it may choose after other tests' chunks (a full run did, for one family),
        # where production's chunks hold a day of a fleet. The test is about the statement's
        # shape: with scans of whole tables priced out, a lookup that needs the collector's
        # history still reads it through the index and fails below.
        cursor.execute("SET LOCAL enable_seqscan = off")
    (explained,), = explain_prepared(sqlfiles.query("ticks_place"), params, options="ANALYZE, FORMAT JSON",
                                     plan_cache_mode=plan_cache_mode)
    plan = explained[0]["Plan"]

    reads = _rows_read(plan)
    assert reads, "the plan reads no table: the test looks at the wrong thing"
    # One neighbour tick: at most one family's items per lookup, never the collector's history.
    assert max(rows for _, rows in reads) <= largest_family, "\n".join(f"{name}: {rows}" for name, rows in reads)
