"""Whole-collector operations on the sample hypertables."""

from metrics.aggregates import aggregates_forget_collector
from xat import sqlfiles


def samples_delete(*, collector_id: int) -> None:
    """Deletes every sample and aggregate row of the collector (call inside the deleting
    transaction)."""
    sqlfiles.execute("samples_delete", collector_id=collector_id)
    aggregates_forget_collector(collector_id=collector_id)
