"""Every named query of sql/queries/ plans on a database with data, and none whose note says
it relies on an index or key reads a hypertable, or a chunk of one, without an index
condition to narrow the read.

What is checked
- Every query is EXPLAINed (VERBOSE, FORMAT JSON), a `level = {level}` query at every level
  of metrics.catalogue.RESOLUTIONS: a query that no longer plans (a renamed column, a type
  its parameter no longer takes) fails here before a user meets it. Statements EXPLAIN
  cannot take are listed in NOT_EXPLAINABLE with the reason.
- Queries are planned as the application runs them: those it runs on their cached generic
  plan (GENERIC_PLAN) are prepared with the types psycopg sends and EXPLAIN EXECUTEd under
  force_generic_plan (tests/plans.py); the others are EXPLAINed with their parameters bound.
- The rule for "relies on an index" (RELIES): a query's note is the comment block after its
  `-- name:` line or, when it has none, the header of its file (the generated
  dashboard_charts.sql documents its queries there). The note relies on an index when it
  names one ("index", "indexes", "unique index", "index-only range"), a key that is one
  ("primary key", "unique key", "aggregate key", "the (organization_id, collector_id,
  bucket) key", "its aggregate's key") or a probe of one ("probed on", "probe of"). Other
  keys (an API key, FOR NO KEY UPDATE) do not count.
- Such a query's plan holds no full read of a hypertable or chunk: no `Seq Scan`, and no
  index scan whose Index Cond leaves the index's first column free (a walk of the whole
  index). Hypertables: timescaledb_information.hypertables (the raw samples, the Apache
  edition's aggregate_store.<family>_<level>) and the materialisation hypertables of
  timescaledb_information.continuous_aggregates (the Community edition's levels); their
  chunks from show_chunks(). This runs under the Apache edition, the local build's: a
  Community-edition variant on the PGlite engine was tried and dropped, its plans changed
  with what earlier tests had left in the shared engine (the levels there have one index
  per grouping column, and which of them the planner takes followed the statistics).

Why the planner is told to ignore size (SIZE_BLIND): the test database holds two
10-minute captures, a few hundred rows a chunk, where a sequential scan, a hash or merge
join or a materialised inner side costs less than index descents, and the planner rightly
takes them whether an index could serve or not. With them disabled, the planner takes any
index that can narrow the read however small the table, so a full read left in the plan
is one no index condition could replace (a column wrapped in an expression, a missing
leading column): the answer is the same for this database as for a large one. Where an
index has the right later columns but not the leading one, enable_seqscan = off makes a
Seq Scan into a walk of that whole index: hence the second kind of full read. Two
organizations with a collector each, not one: with a single collector the statistics say
that a condition on the collector narrows nothing, and the planner rightly ignores the
indexes that start with it.

The parameters: one mapping (_params) from each parameter's name to a value of its type,
taken from the loaded data (its organization, collector, times, key); lists for the array
parameters. A few names mean another type in another query (`start` is Unix seconds in the
exports and a timestamptz in the dashboard summary): PARAMS_OF_QUERY gives those queries
their own value.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test import Client

from metrics.aggregates import WIDTHS, aggregates_refresh
from metrics.catalogue import RESOLUTIONS
from metrics.models import Collector
from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES
from tests.dashboard.capture import FAR_FUTURE, FIRST_TICK, LAST_TICK, replayed
from tests.plans import explain_prepared
from xat import sqlfiles

pytestmark = pytest.mark.django_db

# A note's words for an index the query relies on (module docstring).
RELIES = re.compile(r"\bindex(es)?\b|\b(primary|unique|aggregate)\s+keys?\b|\)\s+key\b|'s\s+key\b"
                    r"|\bprob(e|ed|es)\s+(on|of)\b", re.IGNORECASE)
_PARAMETER = re.compile(r"%\((\w+)\)s")

NOT_EXPLAINABLE = {
    "samples_copy": "COPY ... FROM STDIN: EXPLAIN takes no COPY (and its table is composed in by the caller)",
    "continuous_aggregate_refresh": "CALL of a procedure: EXPLAIN takes no CALL",
    "retention_job_procedure": "CREATE PROCEDURE: DDL, which EXPLAIN does not take",
}
# The planner's choices that only a small table makes its cheapest (module docstring).
SIZE_BLIND = "; ".join(f"SET LOCAL enable_{method} = off"
                       for method in ("seqscan", "hashjoin", "mergejoin", "material"))
# Statements the application runs first, in the same transaction: what their plan needs.
RUN_BEFORE = {"retention_job_add": "retention_job_procedure"}
# Run on their generic plan: the dashboard's and the perf-dashboard's level queries
# (metrics.dashboard.fetch_at_level, after dashboard_plans_generic), and the ingest
# statements run after collector_ingest_lock / collectors_ingest_lock set the same mode.
GENERIC_PLAN = {
    *(name for name, text in sqlfiles.named_queries().items()
      if "{level}" in text and name.startswith("dashboard_")),
    "perfdash_samples",
    "ticks_place", "samples_write", "collectors_without_ticks", "samples_group_finish", "sessions_join",
}


@dataclass
class Loaded:
    organization_id: int
    collector: Collector
    key_id: int
    key_prefix: str
    user_id: int


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The data, every aggregate level refreshed (the Apache edition's refresher), then
    ANALYZE: loaded once for the module in a transaction rolled back at its end (each test
    runs in a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = _loaded_here()
        aggregates_refresh(now=FAR_FUTURE)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield loaded
        transaction.set_rollback(True)


def _loaded_here() -> Loaded:
    """On Django's default connection, the azure-loadtest-3 capture replayed into acme's
    collector "host" (the one the parameters name) and the azure-pcc-test-01 capture into
    globex's: with a single collector, the planner would rightly see no index on
    organization or collector narrowing anything."""
    replayed(Client(), capture_ticks(next(path for path in CAPTURES if path.name == "azure-pcc-test-01")),
             slug="globex")
    host = replayed(Client())
    key = host.collector.organization.api_keys.get()
    return Loaded(host.collector.organization_id, host.collector, key.pk, key.prefix, host.team.viewer.pk)


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _params(loaded: Loaded) -> dict:
    organization_id, collector_id = loaded.organization_id, loaded.collector.pk
    first, last = _at(FIRST_TICK), _at(LAST_TICK)
    return {
        "after": timedelta(days=7),
        "changed_from": FIRST_TICK,
        "changed_to": LAST_TICK,
        "collector_id": collector_id,
        "collector_ids": [collector_id],
        "collector_uuids": [loaded.collector.uuid],
        "config": json.dumps({"periods": {"memory_sample": "30 days"}}),
        "cpu": "[]",
        "created_before": last,
        "disk": "[]",
        "disk_total": "[]",
        "end": LAST_TICK + 1,
        "error": "stalled",
        "every": timedelta(days=1),
        "filesystem": "[]",
        "first": first,
        "first_times": [FIRST_TICK],
        "firsts": [first],
        "identifier": loaded.collector.identifier,
        "idle": timedelta(minutes=5),
        "idle_before": last,
        "items": True,
        "key": "login:203.0.113.7",
        "key_ids": [loaded.key_id],
        "last": last,
        "lasts": [last],
        "level": "1m",
        "levels": list(RESOLUTIONS),
        "memory": "[]",
        "network": "[]",
        "network_total": "[]",
        "organization_id": organization_id,
        "organization_ids": [organization_id],
        "prefix": loaded.key_prefix,
        "range_end": last,
        "range_start": first,
        "relation": "memory_sample",
        "resolution": timedelta(minutes=1),
        "role_name": "xat_analytics_plans",
        "rows_max": 100_000,
        "session_id": "00000000-0000-0000-0000-000000000001",
        "session_name": "plans",
        "session_names": ["plans"],
        "since": first,
        "start": FIRST_TICK,
        "state_counters": "[]",
        "state_time": LAST_TICK,
        "state_times": [LAST_TICK],
        "statuses": ["active", "completed"],
        "stored": [1],
        "sweep_before": first,
        "tables": ["memory_sample", "cpu_sample"],
        "ticks": [LAST_TICK],
        "times": [LAST_TICK],
        "until": last,
        "upload_ids": [1],
        "user_id": loaded.user_id,
        "width": WIDTHS["1h"],
        "window_end": last,
        "window_start": first,
    }


# Where a name means another type than _params gives it.
PARAMS_OF_QUERY = {
    "dashboard_summary": {"start": _at(FIRST_TICK), "end": _at(LAST_TICK + 1)},
    "samples_write": {"last": LAST_TICK},
    "sessions_join": {"firsts": [FIRST_TICK], "lasts": [LAST_TICK]},
}


def _notes() -> dict[str, str]:
    """Each query's note (module docstring): its comment block, else its file's header."""
    headers = {}
    for path in (sqlfiles.SQL_DIR / "queries").glob("*.sql"):
        text = path.read_text()
        header = _comments(text[:text.index("-- name:")])
        headers.update(dict.fromkeys(re.findall(r"^-- name: (\w+)$", text, re.MULTILINE), header))
    return {name: _comments(text) or headers[name] for name, text in sqlfiles.named_queries().items()}


def _comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines)


NOTES = _notes()
CASES = [
    pytest.param(name, level, id=f"{name}[{level}]" if level else name)
    for name, text in sqlfiles.named_queries().items() if name not in NOT_EXPLAINABLE
    for level in (RESOLUTIONS if "{level}" in text else (None,))
]


def _plan(name: str, level: str | None, params: dict) -> dict:
    stat = "avg" if "{stat}" in sqlfiles.named_queries()[name] else None
    return _plan_of(sqlfiles.query(name, at_level=level, with_stat=stat), params, generic=name in GENERIC_PLAN)


def _plan_of(sql: str, params: dict, *, generic: bool) -> dict:
    bound = {parameter: params[parameter] for parameter in _PARAMETER.findall(sql)}
    if generic:
        ((document,),) = explain_prepared(sql, bound, options="VERBOSE, FORMAT JSON")
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (VERBOSE, FORMAT JSON) {sql}", bound)
            ((document,),) = cursor.fetchall()
    if isinstance(document, str):
        document = json.loads(document)
    return document[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


_HYPERTABLE_RELATIONS = (
    "WITH hypertable AS ("
    "  SELECT format('%I.%I', hypertable_schema, hypertable_name)::regclass AS relation"
    "  FROM timescaledb_information.hypertables"
    "  UNION SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)::regclass"
    "  FROM timescaledb_information.continuous_aggregates)"
    " SELECT r.relation FROM hypertable h"
    " CROSS JOIN LATERAL (SELECT h.relation UNION ALL SELECT show_chunks(h.relation)) r(relation)")


def _hypertable_relations() -> set[tuple[str, str]]:
    """(schema, name) of every hypertable, the continuous aggregates' materialisation
    hypertables included, and of every chunk of them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n.nspname, c.relname FROM ({_HYPERTABLE_RELATIONS}) r"
                       " JOIN pg_class c ON c.oid = r.relation JOIN pg_namespace n ON n.oid = c.relnamespace")
        return set(cursor.fetchall())


def _leading_columns() -> dict[str, str]:
    """{index name: its first column} of the indexes of every hypertable and chunk."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT i.relname, a.attname FROM ({_HYPERTABLE_RELATIONS}) r"
                       " JOIN pg_index x ON x.indrelid = r.relation JOIN pg_class i ON i.oid = x.indexrelid"
                       " JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]")
        return dict(cursor.fetchall())


def _full_scans_of_hypertables(plan: dict) -> list[str]:
    """The plan's reads of a hypertable or chunk that no index condition narrows: a Seq
    Scan, or an index scan whose Index Cond leaves the index's first column free (a walk
    of the whole index, which is what enable_seqscan = off makes of a Seq Scan where an
    index has a later column the query constrains)."""
    hypertables, leading = _hypertable_relations(), _leading_columns()
    found = []
    for node in _nodes(plan):
        if node["Node Type"] == "Seq Scan" and (node.get("Schema"), node.get("Relation Name")) in hypertables:
            found.append(f"Seq Scan on {node['Schema']}.{node['Relation Name']}")
        elif node.get("Index Name") in leading and not re.search(
                rf"\b{leading[node['Index Name']]}\b", node.get("Index Cond", "")):
            found.append(f"{node['Node Type']} using {node['Index Name']} without a condition on "
                         f"{leading[node['Index Name']]}")
    return found


def test_the_rule_finds_the_notes_that_rely_on_an_index():
    relying = {name for name, note in NOTES.items() if RELIES.search(note)}
    # Hypertable readers whose notes name their index, the generated ones through their file's header.
    assert {"dashboard_cpu", "dashboard_summary", "dashboard_live", "export_wide_raw", "ticks_place",
            "samples_write", "sessions_active", "perfdash_samples", "collectors_without_ticks"} <= relying
    # Notes that mention keys of another kind (an API key, FOR NO KEY UPDATE) do not count.
    assert not RELIES.search("Counts one hit for a key in its window; FOR NO KEY UPDATE; last_used_at of keys")


def test_every_query_is_explained_or_listed():
    assert set(NOT_EXPLAINABLE) <= set(sqlfiles.named_queries())
    assert {name for name, _ in (case.values for case in CASES)} | set(NOT_EXPLAINABLE) == set(sqlfiles.named_queries())


@pytest.mark.parametrize(("name", "level"), CASES)
def test_it_plans_without_a_full_scan_where_an_index_is_relied_on(loaded, name, level):
    assert _full_scans(name, level, _params(loaded)) == []


def _full_scans(name: str, level: str | None, params: dict) -> list[str]:
    """The query planned (it fails here when it no longer plans) in the current transaction;
    its full scans of hypertables when its note relies on an index, else none."""
    params = {**params, **PARAMS_OF_QUERY.get(name, {})}
    with connection.cursor() as cursor:
        cursor.execute(SIZE_BLIND)
        if name in RUN_BEFORE:
            cursor.execute(sqlfiles.query(RUN_BEFORE[name]))
    plan = _plan(name, level, params)
    return _full_scans_of_hypertables(plan) if RELIES.search(NOTES[name]) else []


WRAPPED = {"organization_id": "organization_id + 0", "collector_id": "collector_id + 0",
           "time": "time + interval '0 s'"}


@pytest.mark.parametrize(("wrapped", "found"), [
    # The index's other columns still narrow it: a walk of the whole index, not a Seq Scan.
    (["organization_id"], r"Index Scan using \w+_memory_sample_organization_id_collector_id_time_key"
                          r" without a condition on organization_id"),
    (list(WRAPPED), r"Seq Scan on _timescaledb_internal\._hyper_\d+_\d+_chunk"),
])
def test_it_finds_a_read_that_no_index_condition_narrows(loaded, wrapped, found):
    """A copy of export_sar_meminfo_raw whose conditions no index matches any more (columns
    wrapped in an expression), as a careless edit would leave it."""
    sql = sqlfiles.query("export_sar_meminfo_raw")
    for column in wrapped:
        sql = sql.replace(f" {column} ", f" ({WRAPPED[column]}) ")
    with connection.cursor() as cursor:
        cursor.execute(SIZE_BLIND)

    scans = _full_scans_of_hypertables(_plan_of(sql, _params(loaded), generic=False))
    assert scans and all(re.search(found, scan) for scan in scans), scans
