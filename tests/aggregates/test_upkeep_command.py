"""`xat_aggregates`: refresh, retention and maintain under the Apache edition."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from metrics.aggregates import retention_apply

pytestmark = pytest.mark.django_db


# Retention drops chunks of every organization: the rows here are placed before 2010, long
# before any data other tests keep for their session, and "now" is moved back to match.
NOW = datetime(2010, 1, 1, tzinfo=UTC)


def _insert_memory_rows(days_ago: list[int], now: datetime = NOW) -> None:
    with connection.cursor() as cursor:
        for days in days_ago:
            cursor.execute(
                "INSERT INTO memory_sample (organization_id, collector_id, time, mem_total_kb)"
                " VALUES (1, 1, %s, 1000)", [now - timedelta(days=days)])


def _memory_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM memory_sample WHERE organization_id = 1")
        return cursor.fetchone()[0]


def test_it_drops_raw_chunks_past_retention_and_keeps_the_rest(settings):
    settings.XAT_RETENTION_DAYS = {**settings.XAT_RETENTION_DAYS, "raw": 30}
    _insert_memory_rows([1, 45, 60])

    dropped = retention_apply(now=NOW)

    assert dropped["memory_sample"] == 2  # one-day chunks 45 and 60 days old
    assert _memory_rows() == 1


def test_it_keeps_everything_when_a_retention_is_zero(settings):
    settings.XAT_RETENTION_DAYS = {**settings.XAT_RETENTION_DAYS, "raw": 0}
    _insert_memory_rows([400])
    assert "memory_sample" not in retention_apply(now=NOW)
    assert _memory_rows() == 1


def test_it_refreshes_and_applies_retention_when_maintaining(capsys, settings):
    # Retention relative to the real clock, long enough to reach only this test's old row.
    settings.XAT_RETENTION_DAYS = {"raw": 3000, "1m": 3000, "1h": 0, "1d": 0}
    _insert_memory_rows([1, 5000], now=timezone.now())
    call_command("xat_aggregates", "maintain")
    out = capsys.readouterr().out
    assert "aggregates refreshed" in out and "retention: " in out
    assert _memory_rows() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM aggregate_store.memory_1m WHERE organization_id = 1")
        assert cursor.fetchone()[0] == 1


def test_it_refuses_policies_without_the_community_edition():
    with pytest.raises(CommandError, match="Community edition"):
        call_command("xat_aggregates", "policies")
