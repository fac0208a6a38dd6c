"""tests/schema/test_query_plans.py's check under the Community edition (the PGlite TSL
engine, tests/tsl.py), whose aggregate levels are continuous aggregates: the same data
replayed there, its continuous aggregates refreshed, every case planned. One test for all
cases: the engine is loaded once (a few seconds per capture)."""

import pytest
from django.db import DatabaseError, connection, connections, transaction

from tests.conftest import default_connection_to
from tests.schema.test_query_plans import APACHE_ONLY, CASES, _full_scans, _loaded_here, _params


@pytest.mark.django_db(databases=["default", "tsl"], transaction=True)
def test_it_plans_without_a_full_scan_under_the_community_edition(tsl_database):
    connections[tsl_database.alias].close()  # the engine takes one connection at a time
    tsl_settings = {key: value for key, value in connections[tsl_database.alias].settings_dict.items() if key != "TEST"}
    found = {}
    try:
        with default_connection_to(**tsl_settings), connection.cursor() as cursor:
            loaded = _loaded_here()
            _continuous_aggregates_refresh(cursor)
            cursor.execute("ANALYZE")
            for case in CASES:
                if case.values[0] not in APACHE_ONLY:
                    found[case.id] = _failures(*case.values, _params(loaded))
    finally:
        tsl_database.truncate_hypertables()
        with tsl_database.cursor() as cursor:  # the emptied raw samples empty the aggregates too
            _continuous_aggregates_refresh(cursor)
        connections[tsl_database.alias].close()

    assert {case: failures for case, failures in found.items() if failures} == {}


def _failures(name: str, level: str | None, params: dict) -> list[str]:
    """_full_scans of the query, or the error that kept it from planning, in a transaction
    rolled back."""
    try:
        with transaction.atomic():
            try:
                return _full_scans(name, level, params)
            finally:
                transaction.set_rollback(True)
    except DatabaseError as error:
        return [f"does not plan: {error}"]


def _continuous_aggregates_refresh(cursor) -> None:
    cursor.execute("SELECT format('%I.%I', view_schema, view_name) FROM timescaledb_information.continuous_aggregates")
    for (view,) in cursor.fetchall():
        cursor.execute("CALL refresh_continuous_aggregate(%s, NULL, NULL)", [view])
