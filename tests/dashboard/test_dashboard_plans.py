"""The chart queries on their cached generic plans read one level's relations only.

A chart runs on the generic plan of its statement (metrics/dashboard.py), made once per
connection. With the level bound as a parameter that plan kept the four UNION ALL branches
of `<family>_levels` and started every one of them at each run (the 1-hour network chart
took 24 ms instead of 11); the loader writes the level into the text instead
(xat/sqlfiles.py, at_level), so the planner prunes the other levels. The statistic is
written too (with_stat): bound, it made every row carry the three columns of each metric
through the plan."""

import re
from datetime import UTC, datetime

import pytest

from metrics.aggregates import aggregates_refresh
from tests.dashboard.capture import FIRST_TICK, LAST_TICK, replayed
from tests.plans import explain_prepared
from xat import sqlfiles

pytestmark = pytest.mark.django_db
AGGREGATES = ("1m", "1h", "1d")


def _generic_plan(sql: str, params: dict) -> str:
    """EXPLAIN of the generic plan PostgreSQL caches for sql (%(name)s placeholders)."""
    return "\n".join(line for (line,) in explain_prepared(sql, params, options="COSTS OFF"))


def _levels_read(plan: str) -> set[str]:
    """The aggregate levels whose stored memory buckets the plan reads (Apache edition:
    aggregate_store.memory_<level>, named on its ChunkAppend and its chunks' indexes)."""
    return {level for level in AGGREGATES if re.search(rf"\bmemory_{level}\b|_memory_{level}_", plan)}


@pytest.fixture
def memory_chart_params(client):
    host = replayed(client)
    aggregates_refresh(now=datetime(2100, 1, 1, tzinfo=UTC))  # every level stored: the plans name them all
    return {"organization_id": host.collector.organization_id, "collector_id": host.collector.pk,
            "rows_max": 100_000}


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_it_plans_a_raw_chart_without_the_aggregates(memory_chart_params):
    params = {**memory_chart_params, "first": _instant(FIRST_TICK), "last": _instant(LAST_TICK)}
    bound = sqlfiles.query("dashboard_memory", at_level="raw", with_stat="avg").replace("'raw'::text", "%(level)s::text")

    # The level bound as a parameter: every level stays in the plan (what this guards against).
    assert _levels_read(_generic_plan(bound, {**params, "level": "raw"})) == set(AGGREGATES)
    plan = _generic_plan(sqlfiles.query("dashboard_memory", at_level="raw", with_stat="avg"), params)
    assert "memory_sample" in plan and _levels_read(plan) == set()


@pytest.mark.parametrize("level", AGGREGATES)
def test_it_plans_an_aggregate_chart_down_to_its_level_only(memory_chart_params, level):
    params = {**memory_chart_params, "first": _instant(FIRST_TICK // 60 * 60), "last": _instant(LAST_TICK // 60 * 60)}
    plan = _generic_plan(sqlfiles.query("dashboard_memory", at_level=level, with_stat="avg"), params)

    # A level's real-time part (Apache edition) reads the finer levels, never a coarser one.
    assert level in _levels_read(plan)
    assert _levels_read(plan) <= set(AGGREGATES[:AGGREGATES.index(level) + 1]), plan


# Which levels exist is the catalogue's (metrics/catalogue.py, RESOLUTIONS, which the callers
# take their levels from); the loader, below it, refuses what is no level's name.
@pytest.mark.parametrize("at_level", [None, "", "raw' OR true --"])
def test_the_loader_refuses_a_level_query_without_a_levels_name(at_level):
    with pytest.raises(ValueError):
        sqlfiles.query("dashboard_memory", at_level=at_level, with_stat="avg")


def test_the_loader_refuses_a_level_for_a_query_without_one():
    with pytest.raises(ValueError):
        sqlfiles.query("dashboard_live", at_level="raw")


def _statistics_carried(sql: str, params: dict) -> set[str]:
    """The statistics whose memory columns the generic plan's nodes carry (EXPLAIN VERBOSE
    names each node's output columns)."""
    plan = "\n".join(line for (line,) in explain_prepared(sql, params, options="VERBOSE, COSTS OFF"))
    return set(re.findall(r"\bmem_used_kb_(avg|min|max)\b", plan))


@pytest.mark.parametrize("stat", ["avg", "min", "max"])
def test_it_plans_a_chart_carrying_only_its_statistics_columns(memory_chart_params, stat):
    params = {**memory_chart_params, "first": _instant(FIRST_TICK // 3600 * 3600), "last": _instant(LAST_TICK // 3600 * 3600)}
    written = sqlfiles.query("dashboard_memory", at_level="1h", with_stat=stat)

    # The statistic bound as a parameter: all three columns go through the plan (what this guards against).
    assert _statistics_carried(written.replace(f"'{stat}'::text", "%(stat)s::text"), {**params, "stat": stat}) == {
        "avg", "min", "max"}
    assert _statistics_carried(written, params) == {stat}


@pytest.mark.parametrize("with_stat", [None, "", "avg' OR true --"])
def test_the_loader_refuses_a_chart_query_without_a_statistics_name(with_stat):
    with pytest.raises(ValueError):
        sqlfiles.query("dashboard_memory", at_level="1h", with_stat=with_stat)


def test_the_loader_refuses_a_statistic_for_a_query_without_one():
    with pytest.raises(ValueError):
        sqlfiles.query("dashboard_summary", at_level="1h", with_stat="avg")
