"""A collector's session history for the session tests: sessions made one by one, a year of
them loaded at once (bench/sessions.py's loader), and what a plan reads of them."""

from datetime import datetime, timedelta

from bench.sessions import END, sessions_load
from metrics.models import TrickleSession
from tests.plans import explain_prepared
from xat import sqlfiles

DAY = END


def session_make(collector, started_at: datetime, status: str = "completed", minutes: int = 30) -> TrickleSession:
    ended_at = started_at + timedelta(minutes=minutes)
    return TrickleSession.objects.create(
        organization=collector.organization, collector=collector, status=status, name=f"run {started_at:%H:%M}",
        started_at=started_at, last_data_at=ended_at, ended_at=None if status == "active" else ended_at,
        last_received_at=ended_at, sample_count=minutes * 12)


def year_of_sessions(collector) -> None:
    """24 completed sessions a day for a year ending at DAY, among 40 collectors with a month
    of them each (the planner sees a table of many collectors, as in production)."""
    sessions_load(collector, per_day=24, days=365, others=40)


def rows_read_per_index(query: str, params: dict) -> dict[str, int]:
    """{index: rows it returned or its scan discarded} of the plan the application runs
    (generic); a sequential scan counts under "Seq Scan"."""
    (plan,), = explain_prepared(sqlfiles.query(query), params, options="ANALYZE, FORMAT JSON")
    reads: dict[str, int] = {}

    def walk(node):
        if "Scan" in node["Node Type"] and node["Node Type"] != "Bitmap Heap Scan":  # its index scan counts
            name = node.get("Index Name") or node["Node Type"]
            reads[name] = reads.get(name, 0) + node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    return reads


def assert_reads_only_the_collectors_sessions(query: str, collector, statuses: list[str], matching: int) -> None:
    """The plan reads the collector's sessions through trickle_session_history, nothing else:
    the `matching` ones, and at most the collector's others (the planner may check the
    status in the index condition or as a filter on the index's rows)."""
    reads = rows_read_per_index(query, {"collector_id": collector.pk, "statuses": statuses})
    assert reads.keys() == {"trickle_session_history"}, reads
    assert matching <= reads["trickle_session_history"] <= collector.sessions.count(), reads
