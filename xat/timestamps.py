"""Date-times as the APIs write them, always UTC, with a fraction only when the value has one.
The perf-dashboard contract (§1.5) fixes which style each of its fields takes:

    iso_z       "2026-01-22T14:05:11.482913Z"  XAT's own API; the perf-dashboard's objects DRF
                                               serialises (collector, user, load test,
                                               benchmark, blob, uploaded file)
    iso_offset  "2026-01-22T14:05:11+00:00"    every /dashboard/api/ answer, a capture's
                                               capturedAt, a comparison's started_at/completed_at
    iso_naive   "2026-01-22T14:05:11"          capture data's timeSeries.timestamps (UTC wall
                                               time, no offset)

Each takes an aware datetime or Unix seconds, and None (an unset time) gives None.
"""

from datetime import UTC, datetime


def _utc(moment: datetime | int | float) -> datetime:
    if not isinstance(moment, datetime):
        return datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC)


def iso_z(moment: datetime | int | float | None) -> str | None:
    return None if moment is None else _utc(moment).isoformat().replace("+00:00", "Z")


def iso_offset(moment: datetime | int | float | None) -> str | None:
    return None if moment is None else _utc(moment).isoformat()


def iso_naive(moment: datetime | int | float | None) -> str | None:
    return None if moment is None else _utc(moment).replace(tzinfo=None).isoformat()
