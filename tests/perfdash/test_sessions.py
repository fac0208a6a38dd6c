"""GET /dashboard/api/collectors/{id}/sessions/?status= (contract §7.5), and its plan for a
collector with a year of sessions."""

from datetime import datetime, timedelta

import pytest

from bench.sessions import END, sessions_load
from metrics.models import TrickleSession
from tests.personas import api_client, collector_make, team_make
from tests.plans import explain_prepared
from xat import sqlfiles

pytestmark = pytest.mark.django_db
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


def assert_reads_only_the_collectors_sessions(query: str, collector, statuses: list[str], expected: int) -> None:
    """The plan reads the collector's sessions through trickle_session_history, nothing else."""
    reads = rows_read_per_index(query, {"collector_id": collector.pk, "statuses": statuses})
    assert reads == {"trickle_session_history": expected}, reads


@pytest.fixture
def acme():
    team = team_make("acme")
    team.collector = collector_make(team.organization, name="web-1")
    return team


def _sessions(user, collector, **params):
    return api_client(user).get(f"/dashboard/api/collectors/{collector.uuid}/sessions/", params)


def test_it_groups_all_sessions_by_start_date_newest_first(acme):
    older = session_make(acme.collector, DAY - timedelta(days=1) + timedelta(hours=9))
    morning = session_make(acme.collector, DAY + timedelta(hours=8), status="saved")
    evening = session_make(acme.collector, DAY + timedelta(hours=20), status="active")

    response = _sessions(acme.viewer, acme.collector)

    assert response.status_code == 200
    answer = response.json()
    assert answer["dates"] == ["2026-01-21", "2026-01-20"] and answer["total_sessions"] == 3
    assert [s["session_id"] for s in answer["sessions_by_date"]["2026-01-21"]] == [str(evening.pk), str(morning.pk)]
    assert answer["sessions_by_date"]["2026-01-20"] == [{
        "session_id": str(older.pk), "name": older.name, "status": "completed",
        "started_at": "2026-01-20T09:00:00+00:00", "ended_at": "2026-01-20T09:30:00+00:00",
        "sample_count": 360, "duration_seconds": 1800.0}]
    assert answer["sessions_by_date"]["2026-01-21"][0]["ended_at"] is None  # active: last_data_at for the duration
    assert (answer["collector_id"], answer["collector_name"]) == (str(acme.collector.uuid), "web-1")


@pytest.mark.parametrize("status, expected", [("active", 1), ("completed", 2), ("saved", 0), ("all", 3),
                                              ("finished", 0)])
def test_it_filters_by_status(acme, status, expected):
    session_make(acme.collector, DAY, status="active")
    session_make(acme.collector, DAY - timedelta(days=2))
    session_make(acme.collector, DAY - timedelta(days=3))
    answer = _sessions(acme.viewer, acme.collector, status=status).json()
    assert answer["total_sessions"] == expected
    assert all(s["status"] == status for sessions in answer["sessions_by_date"].values() for s in sessions
               if status != "all")


def test_it_answers_404_for_another_organizations_collector_to_every_role(acme):
    globex = team_make("globex")
    theirs = collector_make(globex.organization, name="globex-db")
    session_make(theirs, DAY)
    for user in (acme.admin, acme.analyst, acme.viewer):
        response = _sessions(user, theirs)
        assert (response.status_code, response.json()) == (404, {"error": "Collector not found"})


def test_a_year_of_sessions_is_read_through_the_history_index(acme):
    year_of_sessions(acme.collector)
    session_make(acme.collector, DAY, status="active")
    year = 24 * 365
    for statuses in (["active", "completed", "saved"], ["completed"]):
        assert_reads_only_the_collectors_sessions("sessions_of_collector", acme.collector, statuses, year + 1)
    assert _sessions(acme.viewer, acme.collector).json()["total_sessions"] == year + 1
