"""Group commit: the ticks of several agent requests stored in one transaction.

    group_store(pendings) -> list[IngestOutcome | CollectorGone]
    ingest_commit(pending) -> IngestOutcome       a group of one (Django's agent views)
    ticks_copied(copy, ...) / tick_states_move(...)   new ticks by COPY (uploads use them too)

The agent service (metrics/agent_service/groups.py) makes groups of the requests waiting
when one of its writers is free; Django's agent views (the test client, runserver) and the
upload jobs store each request as a group of its own, in the caller's transaction when
there is one. A request is answered only once a transaction holding all of its ticks has
committed.

In a group: the collectors' ingest locks are taken in id order with their tick states (one
statement), so two groups sharing a collector run one after the other; each request's
ticks are then placed in arrival order. Ticks newer than their collector's newest (nearly
every tick) pair with the tick state, or with the previous request's last tick in the same
group, and go to one binary COPY per table for the whole group (metrics.sample_copy, even
for a group of one tick: samples_write, one statement for every table, cost PostgreSQL
0.75 ms a tick against about 0.2 in a COPY, docs/performance.md); a request with a late
or repeated tick first sends what the group has so far, then is placed against the
hypertables as before (metrics.ingest.ticks_store). Then one statement moves
the tick states on, and one joins the sessions of all the group's collectors
(metrics.sessions.sessions_join). If anything fails, the whole group rolls back and every
request of it gets the DatabaseError (its answer: 503, Retry-After): nothing of theirs
stays, and a retry stores them once. Bad input never reaches a group: requests are checked
and parsed before they join.
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.db import transaction

from metrics.ingest import (CollectorGone, IngestLock, IngestResult, Skipped, Tick, counters_from_json, rows_after,
                            ticks_store)
from metrics.sample_copy import SampleCopy
from metrics.sessions import SessionJoin, sessions_join
from xat import sqlfiles

@dataclass
class PendingIngest:
    """One request's ticks, checked and parsed, its collector resolved."""

    organization_id: int
    collector_id: int
    identifier: str | None  # names a session the request opens
    ticks: list[Tick]  # sorted by time, as ticks_parse returns them
    skipped: Skipped = field(default_factory=Skipped)
    joins_session: bool = True  # /v1/trickle's; else only the agent's contact is recorded


@dataclass
class IngestOutcome:
    ingest: IngestResult
    session_id: UUID | None  # the collector's active session the ticks joined; None: nothing stored


def ingest_commit(pending: PendingIngest) -> IngestOutcome:
    """Stores one request's ticks as a group of its own, committed when this returns (in
    the caller's transaction when there is one). Raises DatabaseError when it failed
    (nothing of it stayed) and CollectorGone when its collector was deleted meanwhile."""
    outcome, = group_store([pending])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def group_store(pendings: list[PendingIngest]) -> list[IngestOutcome | CollectorGone]:
    """Stores the requests' ticks in one transaction (a savepoint inside the caller's);
    each request's outcome, in order. Raises DatabaseError, with nothing stored, when the
    transaction fails."""
    with transaction.atomic():
        collector_ids = sorted({pending.collector_id for pending in pendings})
        locks = {row[0]: IngestLock(*row)
                 for row in sqlfiles.fetch_all("collectors_ingest_lock", collector_ids=collector_ids)}
        copy = SampleCopy()
        first_copied: dict[int, tuple[int, int]] = {}  # collector -> (organization, its first tick copied)
        outcomes: list[IngestOutcome | CollectorGone] = []
        for pending in pendings:
            lock = locks.get(pending.collector_id)
            if lock is None:
                outcomes.append(CollectorGone(f"collector {pending.collector_id} no longer exists"))
                continue
            ticks = pending.ticks
            if ticks and lock.newest_stored is not None and ticks[0].timestamp > lock.newest_stored:
                result = IngestResult(skipped=pending.skipped).plus(ticks_copied(
                    copy, organization_id=pending.organization_id, collector_id=pending.collector_id, ticks=ticks,
                    lock=lock))
                first_copied.setdefault(pending.collector_id, (pending.organization_id, result.first))
            else:
                copy.flush()  # a late tick is placed against the hypertables: the group's rows first
                # ticks_store's write moves the lock's tick state on, for the next request.
                result = IngestResult(skipped=pending.skipped).plus(ticks_store(
                    organization_id=pending.organization_id, collector_id=pending.collector_id, ticks=ticks, lock=lock))
            outcomes.append(IngestOutcome(result, None))
        copy.flush()
        if first_copied:
            tick_states_move(first_copied, locks)
        _sessions_join(pendings, outcomes)
    return outcomes


def ticks_copied(copy: SampleCopy, *, organization_id: int, collector_id: int, ticks: list[Tick],
                 lock: IngestLock) -> IngestResult:
    """Adds the rows of ticks (sorted) newer than the collector's newest to a COPY, each
    paired with the one before it (the first with the lock's tick state), and moves the
    lock's tick state to the last of them; tick_states_move writes it once the COPY is sent."""
    times = [tick.timestamp for tick in ticks]
    rows = rows_after(ticks, previous_time=lock.newest_stored, previous=counters_from_json(lock.newest_counters))
    copy.add(organization_id=organization_id, collector_id=collector_id, times=times, rows=rows)
    lock.newest_stored, lock.newest_counters = times[-1], rows.counters_json(times[-1])
    rows_by_family = {family: len(family_rows) for family, family_rows in rows.rows.items() if family_rows}
    return IngestResult(ticks=len(times), rows=sum(rows_by_family.values()), rows_by_family=rows_by_family,
                        first=times[0], last=times[-1])


def tick_states_move(first_copied: dict[int, tuple[int, int]], locks: dict[int, IngestLock]) -> None:
    """One statement for the collectors whose ticks were copied (first_copied: collector ->
    (organization, its first tick copied)): their tick states as their locks hold them now,
    their last_seen, and the aggregates' log (samples_group_finish). The counters travel as
    one JSON array: as a text[] each element's quotes were escaped one by one (0.1 ms a
    tick of client CPU in a group of 16)."""
    collectors = sorted(first_copied)
    sqlfiles.fetch_one("samples_group_finish",
                       organization_ids=[first_copied[c][0] for c in collectors], collector_ids=collectors,
                       first_times=[first_copied[c][1] for c in collectors],
                       state_times=[locks[c].newest_stored for c in collectors],
                       state_counters=f"[{','.join(locks[c].newest_counters for c in collectors)}]")


def _sessions_join(pendings: list[PendingIngest], outcomes: list) -> None:
    """One statement for the group's sessions (metrics.sessions.sessions_join): per
    collector, the contact of its requests and, for those of /v1/trickle that stored ticks,
    one session joined (their ticks are in one transaction); each such request gets its id."""
    joins: dict[int, SessionJoin] = {}
    for pending, outcome in zip(pendings, outcomes):
        if not isinstance(outcome, IngestOutcome):
            continue
        join = joins.setdefault(pending.collector_id, SessionJoin(
            pending.organization_id, pending.collector_id, pending.identifier, None, None, 0))
        stored = outcome.ingest
        if pending.joins_session and stored.ticks:
            join.first = min(stored.first, join.first if join.first is not None else stored.first)
            join.last = max(stored.last, join.last if join.last is not None else stored.last)
            join.stored += stored.ticks
            join.identifier = join.identifier or pending.identifier
    if not joins:
        return
    sessions = sessions_join(list(joins.values()))
    for pending, outcome in zip(pendings, outcomes):
        if isinstance(outcome, IngestOutcome) and pending.joins_session and outcome.ingest.ticks:
            outcome.session_id = sessions.get(pending.collector_id)


