"""Whole-collector operations on the sample hypertables."""

from xat import sqlfiles


def samples_delete(*, collector_id: int) -> None:
    """Deletes every sample row of the collector (call inside the deleting transaction)."""
    sqlfiles.execute("samples_delete", collector_id=collector_id)
