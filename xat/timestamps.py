"""Date-times as XAT's own API writes them: ISO 8601 in UTC with a `Z`
("2026-01-22T14:05:11Z", microseconds when there are some)."""

from datetime import UTC, datetime


def iso_z(moment: datetime | int | float) -> str:
    """An aware datetime, or Unix seconds, in UTC with a Z."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
