"""GET /dashboard/api/collectors/{id}/session-dates/ (contract §7.6)."""

from datetime import timedelta

import pytest

from tests.perfdash.session_history import DAY, assert_reads_only_the_collectors_sessions, session_make, year_of_sessions
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db


def _dates(user, collector):
    return api_client(user).get(f"/dashboard/api/collectors/{collector.uuid}/session-dates/")


def test_it_counts_completed_and_saved_sessions_per_utc_date_newest_first():
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    session_make(collector, DAY + timedelta(hours=1))
    session_make(collector, DAY + timedelta(hours=23, minutes=59), status="saved")
    session_make(collector, DAY + timedelta(hours=12), status="active")  # not history yet
    session_make(collector, DAY - timedelta(days=5))

    response = _dates(acme.viewer, collector)

    assert response.status_code == 200
    assert response.json() == {"collector_id": str(collector.uuid), "collector_name": collector.name,
                               "dates": [{"date": "2026-01-21", "session_count": 2},
                                         {"date": "2026-01-16", "session_count": 1}]}


def test_it_answers_404_for_another_organizations_collector_to_every_role():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = collector_make(globex.organization)
    session_make(theirs, DAY)
    for user in (acme.admin, acme.analyst, acme.viewer):
        response = _dates(user, theirs)
        assert (response.status_code, response.json()) == (404, {"error": "Collector not found"})


def test_a_year_of_sessions_is_read_through_the_history_index():
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    year_of_sessions(collector)
    assert_reads_only_the_collectors_sessions("session_dates", collector, ["completed", "saved"], 24 * 365)
    dates = _dates(acme.viewer, collector).json()["dates"]
    assert len(dates) == 365 and {date["session_count"] for date in dates} == {24}
