"""`xat_aggregates`: refresh, retention and maintain under the Apache edition."""

from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from metrics.aggregates import retention_apply

pytestmark = pytest.mark.django_db


# Retention drops every organization's chunks created before its cutoff: a "now" moved a
# month ahead drops the data other tests keep for their session too, inside this test's
# transaction, which is rolled back after it.


def _insert_memory_rows(days_ago: list[int], *, now: datetime) -> None:
    with connection.cursor() as cursor:
        for days in days_ago:
            cursor.execute(
                "INSERT INTO memory_sample (organization_id, collector_id, time, mem_total_kb)"
                " VALUES (1, 1, %s, 1000)", [now - timedelta(days=days)])


def _memory_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM memory_sample WHERE organization_id = 1")
        return cursor.fetchone()[0]


def test_it_drops_raw_chunks_a_retention_period_after_they_arrived_whatever_their_times(settings):
    settings.XAT_RETENTION_DAYS = {**settings.XAT_RETENTION_DAYS, "raw": 30}
    arrived = timezone.now()
    _insert_memory_rows([1, 45, 60], now=arrived)  # three one-day chunks, created now

    # The period is the 30 days plus the raw chunk interval (1 day), counted from arrival:
    # rows whose own times are 45 and 60 days old are kept all of it.
    retention_apply(now=arrived + timedelta(days=31, minutes=-1))
    assert _memory_rows() == 3
    retention_apply(now=arrived + timedelta(days=31, minutes=1))
    assert _memory_rows() == 0


def test_it_keeps_everything_when_a_retention_is_zero(settings):
    settings.XAT_RETENTION_DAYS = {**settings.XAT_RETENTION_DAYS, "raw": 0}
    _insert_memory_rows([400], now=timezone.now())
    assert "memory_sample" not in retention_apply(now=timezone.now() + timedelta(days=400))
    assert _memory_rows() == 1


def test_it_refreshes_and_applies_retention_when_maintaining(capsys, settings):
    # The row of 5000 days ago is older than the retention by its time, but arrived now:
    # maintain keeps it, raw and at 1m (retention counts from arrival; by the samples'
    # times it dropped it).
    settings.XAT_RETENTION_DAYS = {"raw": 3000, "1m": 3000, "1h": 0, "1d": 0}
    _insert_memory_rows([1, 5000], now=timezone.now())
    call_command("xat_aggregates", "maintain")
    out = capsys.readouterr().out
    assert "aggregates refreshed" in out and "retention: " in out
    assert _memory_rows() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM aggregate_store.memory_1m WHERE organization_id = 1")
        assert cursor.fetchone()[0] == 2


def test_it_refuses_policies_without_the_community_edition():
    with pytest.raises(CommandError, match="Community edition"):
        call_command("xat_aggregates", "policies")
