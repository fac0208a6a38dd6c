"""Each ingest group moves its collectors' active trickle sessions on (last_received_at,
last_data_at, sample_count): those updates must stay HOT (no new index entries), or every
group writes an entry into each index of metrics_tricklesession and the indexes bloat
with the sessions' dead versions (metrics/migrations/0014_session_updates_hot.py)."""

import pytest
from django.db import connection

from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES

TICKS = capture_ticks(next(path for path in CAPTURES if path.name == "azure-loadtest-3"))[:8]


def _session_updates() -> tuple[int, int]:
    """(updates, HOT updates) of metrics_tricklesession so far, this connection's own
    included (its statistics flushed first: a backend sends them at most once a second)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'metrics_tricklesession'")
        return cursor.fetchone()


# Each request commits: last_received_at is the server's now(), constant within a transaction.
@pytest.mark.django_db(transaction=True)
def test_a_sessions_updates_are_hot(client):
    _, key = organization_with_ingest_key("hot")
    response = post_like_pcc(client, key, envelope("host-hot", TICKS[0]))  # opens the session
    assert response.status_code == 200, response.content
    updates_before, hot_before = _session_updates()
    for tick in TICKS[1:]:
        response = post_like_pcc(client, key, envelope("host-hot", tick))
        assert response.status_code == 200, response.content
    updates, hot = _session_updates()
    updates, hot = updates - updates_before, hot - hot_before
    assert updates == len(TICKS) - 1
    assert hot == updates, f"{updates - hot} of {updates} updates were not HOT"
