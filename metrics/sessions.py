"""Trickle sessions and the perf-dashboard's live view (contract §2.3, §7; docs/perf-dashboard.md).

    sessions_join(joins: list[SessionJoin]) -> dict[int, UUID]
    sessions_complete(*, organization=None, idle_for=None, session=None, name="") -> list[CompletedSession]
    sessions_complete_idle() -> list[CompletedSession]          (the upkeep, every round)
    sessions_active(*, organization) -> list[ActiveSession]
    session_history(*, collector, statuses) -> SessionHistory
    session_dates(*, collector) -> list[SessionDate]
    session_detail(*, session) -> SessionDetail
    live(*, collector, minutes, since) -> Live
    collector_trickle_status(*, collector) -> TrickleStatus

Reads answer the contract's bodies (§7), collector_id being the collector's UUID.

A session is a period during which a collector streams ticks: the ingest of a request that
stores ticks joins the collector's active session or opens one (one statement in the
ingest's transaction, sql/queries/sessions.sql); a session whose last request is older
than SESSION_IDLE is completed by the next tick (which opens a new one), by the upkeep
(`xat_aggregates maintain`, every round), by check-inactive, or by its complete endpoint.
Its window is [started_at, ended_at or last_data_at] in sample time: started_at is its
first sample's time, so it contains its first samples (the reference's server-time start
left them out). Its samples are read by window from the hypertables, at raw or, for a long
session, at the aggregate level the dashboard's charts would use (metrics/dashboard.py).

Values are in the contract's units (§1.9, sql/queries/perfdash_live.sql) with its null
rule (C33): a missing CPU, memory or cumulative-counter value is 0, a missing rate null.
Date-times are offset-style strings ("2026-01-22T14:05:11+00:00").
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organization
from metrics.collectors import collector_last_contact
from metrics.dashboard import POINTS_DEFAULT, Window, bucket_bounds, fetch_at_level, resolution_choose
from metrics.models import Collector, SessionStatus, TrickleSession
from xat import sqlfiles
from xat.timestamps import iso_offset

SESSION_IDLE = timedelta(minutes=2)
LIVE_MINUTES_DEFAULT = 10
# The most sample time one live answer covers (from its start), whatever is asked.
LIVE_SPAN = timedelta(hours=24)
LIVE_MINUTES_MAX = LIVE_SPAN // timedelta(minutes=1)
HISTORY_STATUSES = (SessionStatus.COMPLETED, SessionStatus.SAVED)
ALL_STATUSES = tuple(SessionStatus.values)
GROUPS = ("cpu", "memory", "disk", "network")
NO_LIVE_DATA = "No live metrics available. Start trickle mode collection."
# C33: these are 0 when missing; every other field (the rates) stays null.
ZERO_WHEN_MISSING = frozenset(
    {"cpu__user", "cpu__system", "cpu__iowait", "cpu__idle", "cpu__steal", "memory__total_mb", "memory__used_mb",
     "memory__available_mb", "memory__buffers_mb", "memory__cached_mb", "disk__read_bytes", "disk__write_bytes",
     "disk__read_ops", "disk__write_ops", "network__rx_bytes", "network__tx_bytes", "network__rx_packets",
     "network__tx_packets"})


class SessionNotActive(Exception):
    """Only an active session can be completed (400)."""


# -- answers ------------------------------------------------------------------------------------

class CollectorHead(TypedDict):
    collector_id: str
    collector_name: str


class Samples(TypedDict):
    sample_count: int
    timestamps: list[str]
    cpu: dict[str, list]  # user, system, iowait, idle, steal
    memory: dict[str, list]  # total_mb, used_mb, available_mb, buffers_mb, cached_mb
    disk: dict[str, list]  # read/write _bytes, _ops (cumulative), _iops, _mbps
    network: dict[str, list]  # rx/tx _bytes, _packets (cumulative), _mbps, _pps


class Live(CollectorHead, total=False):
    has_live_data: bool
    message: str  # without data only; then no sample_count and four empty objects
    sample_count: int
    timestamps: list[str]
    cpu: dict[str, list]
    memory: dict[str, list]
    disk: dict[str, list]
    network: dict[str, list]


class SessionDetail(CollectorHead, Samples):
    session_id: str
    session_name: str
    session_status: str
    started_at: str
    ended_at: str | None


class TrickleStatus(CollectorHead):
    trickle_active: bool
    last_data_at: str | None
    metrics_last_5min: int
    total_metrics: int
    collector_status: str
    collector_last_seen: str | None


class CompletedSession(TypedDict):
    session_id: str
    collector_name: str
    ended_at: str
    sample_count: int


class ActiveSession(TypedDict):
    session_id: str
    collector_id: str
    collector_name: str
    started_at: str
    last_data_at: str
    sample_count: int
    duration_seconds: float
    avg_cpu_percent: float
    avg_mem_percent: float


class SessionSummary(TypedDict):
    session_id: str
    name: str
    status: str
    started_at: str
    ended_at: str | None
    sample_count: int
    duration_seconds: float


class SessionHistory(CollectorHead):
    dates: list[str]
    sessions_by_date: dict[str, list[SessionSummary]]
    total_sessions: int


class SessionDate(TypedDict):
    date: str
    session_count: int


class SessionDates(CollectorHead):
    dates: list[SessionDate]


# -- writes -------------------------------------------------------------------------------------

@dataclass
class SessionJoin:
    """One collector's part of a group of agent requests: `stored` new ticks, Unix seconds
    `first`..`last` (None and 0: nothing stored, only the agent's contact is recorded)."""

    organization_id: int
    collector_id: int
    identifier: str | None
    first: int | None
    last: int | None
    stored: int


def sessions_join(joins: list[SessionJoin]) -> dict[int, UUID]:
    """A group of agent requests' effect on sessions, inside the ingest's transaction, one
    collector a SessionJoin: records each agent's contact on its collector and, for a
    collector whose requests stored ticks, joins or opens its active session, named
    "Trickle <identifier>". Returns each such collector's session id. One statement
    (sql/queries/sessions.sql, sessions_join)."""
    joins = sorted(joins, key=lambda join: join.collector_id)
    return dict(sqlfiles.fetch_all(
        "sessions_join", organization_ids=[join.organization_id for join in joins],
        collector_ids=[join.collector_id for join in joins],
        session_names=[f"Trickle {join.identifier}" for join in joins],
        firsts=[join.first for join in joins], lasts=[join.last for join in joins],
        stored=[join.stored for join in joins], idle=SESSION_IDLE))


def sessions_complete(*, organization: Organization | None = None, idle_for: timedelta | None = None,
                      session: TrickleSession | None = None, name: str = "") -> list[CompletedSession]:
    """Completes the active sessions that match every filter given: of `organization`,
    idle (no request) for longer than `idle_for`, `session` alone (renamed to `name` when
    it is not empty). ended_at becomes the last sample time, sample_count the ticks in
    the window."""
    rows = sqlfiles.fetch_dicts(
        "sessions_complete", organization_id=organization.pk if organization else None,
        idle_before=timezone.now() - idle_for if idle_for is not None else None,
        session_id=session.pk if session else None, session_name=name)
    return [{"session_id": str(row["id"]), "collector_name": row["collector_name"], "ended_at": iso_offset(row["ended_at"]),
             "sample_count": row["sample_count"]} for row in rows]


def sessions_complete_idle() -> list[CompletedSession]:
    """The upkeep's round: every organization's sessions idle for longer than SESSION_IDLE."""
    return sessions_complete(idle_for=SESSION_IDLE)


def session_complete(*, session: TrickleSession, name: str = "") -> CompletedSession:
    completed = sessions_complete(session=session, name=name)
    if not completed:
        raise SessionNotActive
    return completed[0]


# -- reads --------------------------------------------------------------------------------------

def sessions_active(*, organization: Organization) -> list[ActiveSession]:
    return [
        {"session_id": str(row["id"]), "collector_id": str(row["collector_uuid"]),
         "collector_name": row["collector_name"], "started_at": iso_offset(row["started_at"]),
         "last_data_at": iso_offset(row["last_data_at"]), "sample_count": row["sample_count"],
         "duration_seconds": _duration(row), "avg_cpu_percent": _percent(row["busy_pct"]),
         "avg_mem_percent": _percent(row["used_pct"])}
        for row in sqlfiles.fetch_dicts("sessions_active", organization_id=organization.pk)
    ]


def session_detail(*, session: TrickleSession, using: str = "default") -> SessionDetail:
    """The session and its samples: its collector's in [started_at, ended_at or
    last_data_at], at the level the dashboard would chart that window at (raw up to
    POINTS_DEFAULT ticks, about 83 minutes; then 1m, 1h, 1d)."""
    window = Window(session.started_at, session.ended_at or session.last_data_at)
    collector = session.collector
    resolution = resolution_choose(window=window, points=POINTS_DEFAULT, now=timezone.now(), collector=collector,
                                   using=using)
    first, last = bucket_bounds(window, resolution)
    return {"session_id": str(session.pk), "session_name": session.name, "session_status": session.status,
            **_collector_head(collector), "started_at": iso_offset(session.started_at),
            "ended_at": iso_offset(session.ended_at),
            **_samples(collector=collector, resolution=resolution, first=first, last=last, using=using)}


def live(*, collector: Collector, minutes: int, since: datetime | None, using: str = "default") -> Live:
    """The collector's raw samples from `since` (inclusive), or from `minutes` before now
    when since is None, over at most LIVE_SPAN: a longer `minutes` counts as LIVE_SPAN, and
    a `since` further back than LIVE_SPAN before the collector's newest sample starts there
    (a live page resuming its polling after a long pause gets the newest day, not an error)."""
    if minutes < 1:
        raise ValidationError({"minutes": "a whole number of minutes, at least 1"})
    start = since if since is not None else timezone.now() - timedelta(minutes=min(minutes, LIVE_MINUTES_MAX))
    latest = collector.last_seen
    if latest is not None:
        start = max(start, latest - LIVE_SPAN)
    samples = _samples(collector=collector, resolution="raw", first=start, last=start + LIVE_SPAN, using=using)
    if not samples["sample_count"]:
        return {**_collector_head(collector), "has_live_data": False, "message": NO_LIVE_DATA, "timestamps": [],
                **{group: {} for group in GROUPS}}
    return {**_collector_head(collector), "has_live_data": True, **samples}


def collector_trickle_status(*, collector: Collector) -> TrickleStatus:
    recent, total = sqlfiles.fetch_one("collector_trickle_status", organization_id=collector.organization_id,
                                       collector_id=collector.pk)
    last_contact = collector_last_contact(collector=collector)
    return {**_collector_head(collector), "trickle_active": recent > 0, "last_data_at": iso_offset(collector.last_seen),
            "metrics_last_5min": recent, "total_metrics": int(total),
            "collector_status": "connected" if last_contact else "pending",
            "collector_last_seen": iso_offset(last_contact)}


def session_history(*, collector: Collector, statuses: tuple[str, ...]) -> SessionHistory:
    """The collector's sessions of `statuses`, grouped by the UTC date they started on,
    newest first (dates and sessions)."""
    by_date: dict[str, list[SessionSummary]] = {}
    rows = sqlfiles.fetch_all("sessions_of_collector", collector_id=collector.pk, statuses=list(statuses))
    for session_id, name, status, day, started_at, ended_at, sample_count, duration in rows:
        by_date.setdefault(day, []).append({
            "session_id": session_id, "name": name, "status": status, "started_at": started_at,
            "ended_at": ended_at, "sample_count": sample_count, "duration_seconds": duration})
    return {**_collector_head(collector), "dates": list(by_date), "sessions_by_date": by_date,
            "total_sessions": len(rows)}


def session_dates(*, collector: Collector) -> SessionDates:
    """The dates of the collector's completed and saved sessions, newest first."""
    return {**_collector_head(collector), "dates": [
        {"date": day.isoformat(), "session_count": count}
        for day, count in sqlfiles.fetch_all("session_dates", collector_id=collector.pk,
                                             statuses=list(HISTORY_STATUSES))]}


def _collector_head(collector: Collector) -> CollectorHead:
    return {"collector_id": str(collector.uuid), "collector_name": collector.name}


def _samples(*, collector: Collector, resolution: str, first: datetime, last: datetime, using: str) -> Samples:
    """perfdash_samples' rows as the contract's parallel arrays (C33's zeros applied)."""
    columns, rows = fetch_at_level(sqlfiles.fetch_rows, "perfdash_samples", using=using, at_level=resolution,
                                   organization_id=collector.organization_id, collector_id=collector.pk,
                                   first=first, last=last)
    values = list(zip(*rows)) or [()] * len(columns)
    answer: Samples = {"sample_count": len(rows), "timestamps": [iso_offset(moment) for moment in values[0]],
                       **{group: {} for group in GROUPS}}
    for column, series in zip(columns[1:], values[1:]):
        group, field = column.split("__")
        answer[group][field] = ([0 if value is None else value for value in series]
                                if column in ZERO_WHEN_MISSING else list(series))
    return answer


def _duration(row: dict) -> float:
    """§2.3: ended_at − started_at, else last_data_at − started_at, in seconds."""
    return ((row["ended_at"] or row["last_data_at"]) - row["started_at"]).total_seconds()


def _percent(value) -> float:
    return round(float(value), 1) if value is not None else 0.0
