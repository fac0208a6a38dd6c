"""GET /dashboard/api/collectors/{id}/sessions/?status= (contract §7.5), and its plan for a
collector with a year of sessions."""

from datetime import timedelta

import pytest

from tests.perfdash.session_history import DAY, assert_reads_only_the_collectors_sessions, session_make, year_of_sessions
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db


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
    for statuses, matching in ((["active", "completed", "saved"], year + 1), (["completed"], year)):
        assert_reads_only_the_collectors_sessions("sessions_of_collector", acme.collector, statuses, matching)
    assert _sessions(acme.viewer, acme.collector).json()["total_sessions"] == year + 1
