"""Group commit: the ticks of several agent requests stored in one transaction.

    group_store(pendings, copy_min_ticks=4) -> list[IngestOutcome | Exception]
    ingest_commit(pending) -> IngestOutcome        a group of one (Django's agent views)
    collector_ticks_store(organization_id, collector_id, ticks) -> IngestResult
        many ticks of one collector, stored as a group stores them (an upload's batch)

The agent service makes groups of the requests waiting when its writer is free; Django's
agent views (the test client, runserver) store each request as a group of its own, in the
caller's transaction when there is one. A request is answered only once a transaction
holding all of its ticks has committed.

A group's transaction: one statement locks its collectors in id order and reads their tick
states (collectors_ingest_lock), so two groups sharing a collector run one after the other.
Ticks newer than their collector's newest (nearly every tick) pair with the tick state, or
with the previous request's last tick in the same group, and go to one binary COPY per
table for the whole group (metrics.sample_copy; Django's connection writes a group of fewer
than COPY_MIN_TICKS ticks with samples_write instead). So do a new collector's first ticks
(it has neither a tick state nor a stored tick: collectors_without_ticks, read after the
locks). Then one statement moves the tick states on (samples_group_finish), and one joins
the sessions of all the group's collectors (metrics.sessions.sessions_join). If anything
fails, the whole group rolls back and every request of it gets the error (its answer: 503,
Retry-After): nothing of theirs stays, and a retry stores them once. Bad input never
reaches a group: requests are checked and parsed before they join.

A request with a late or repeated tick (or a tick of a collector whose tick state is
missing although it has stored ticks), and every later request of its collector in the
group, is left out of the group's transaction and stored after it, each in a transaction of
its own (placed_store), its ticks placed against the hypertables (metrics.ingest.ticks_store),
so that a late tick lands between its neighbours and a repeated one is a duplicate.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from uuid import UUID

from django.db import DatabaseError, transaction

from metrics.ingest import (TICKS_PER_WRITE, CollectorGone, IngestLock, IngestResult, Skipped, Tick,
                            counters_from_json, ingest_lock_take, rows_after, ticks_store)
from metrics.sample_copy import SampleCopy
from metrics.sessions import SessionJoin, sessions_join
from xat import sqlfiles

# Below this many ticks a group of Django's agent views writes each request with
# samples_write (one statement for every table) instead of COPY (a statement, two round
# trips, per table): in process, a group of one tick took 3.3 ms of client CPU with COPY and
# 1.6 ms without, of 4 ticks 1.3 against 1.1 ms a tick (docs/performance.md); and the
# Community-edition test engine (PGlite) has no COPY. The agent service's groups always
# COPY: PostgreSQL spends 0.75 ms a tick in samples_write against about 0.2 in a COPY, and
# the machine's CPU is the bound there.
COPY_MIN_TICKS = 4


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


def group_store(pendings: list[PendingIngest], *, copy_min_ticks: int = COPY_MIN_TICKS) -> list:
    """Stores the requests' ticks in one transaction (a savepoint inside the caller's), the
    late ones after it (placed_store); each request's outcome (IngestOutcome or the
    exception it answers), in order. Raises DatabaseError, with nothing of the group stored,
    when its transaction fails. A group of fewer than copy_min_ticks ticks is stored a
    request at a time by placed_store (the agent service's writers pass 1)."""
    if sum(len(pending.ticks) for pending in pendings) < copy_min_ticks:
        return [placed_store(pending) for pending in pendings]
    with transaction.atomic():
        lock_rows = sqlfiles.fetch_all("collectors_ingest_lock",
                                       collector_ids=sorted({pending.collector_id for pending in pendings}))
        plan = _group_plan(pendings, lock_rows, _new_collectors(pendings, lock_rows))
        plan.copy.flush()
        if plan.first_copied:
            tick_states_move(plan.first_copied, plan.locks)
        if joins := _group_sessions(pendings, plan.outcomes):
            _sessions_apply(pendings, plan.outcomes, sessions_join(joins))
    return [outcome if outcome is not None else placed_store(pending)
            for pending, outcome in zip(pendings, plan.outcomes)]


@dataclass
class _GroupPlan:
    outcomes: list[IngestOutcome | CollectorGone | None]  # None: late, stored by placed_store
    locks: dict[int, IngestLock]  # their tick states moved on by the copied ticks
    first_copied: dict[int, tuple[int, int]]  # collector -> (organization, its first tick copied)
    copy: SampleCopy


def _new_collectors(pendings: list[PendingIngest], lock_rows: list[tuple]) -> set[int]:
    """Of the group's collectors found without a tick state, those that have stored no
    tick yet (collectors_without_ticks: a statement of its own, once the locks are held)."""
    stateless = {row[0] for row in lock_rows if row[2] is None}
    organizations = {pending.collector_id: pending.organization_id for pending in pendings
                     if pending.collector_id in stateless}
    if not organizations:
        return set()
    return {collector_id for collector_id, in sqlfiles.fetch_all(
        "collectors_without_ticks", collector_ids=list(organizations), organization_ids=list(organizations.values()))}


def _group_plan(pendings: list[PendingIngest], lock_rows: list[tuple], new: set[int]) -> _GroupPlan:
    """What the group writes, from collectors_ingest_lock's rows and the collectors that
    have no tick stored yet (`new`): each request's ticks newer than its collector's newest
    (any tick of a new collector) added to one COPY; the late requests (and their
    collector's later ones) left for placed_store; those of a collector gone refused
    (CollectorGone)."""
    locks = {row[0]: IngestLock(*row) for row in lock_rows}
    plan = _GroupPlan([], locks, {}, SampleCopy())
    late: set[int] = set()
    for pending in pendings:
        lock, ticks = locks.get(pending.collector_id), pending.ticks
        if lock is None:
            plan.outcomes.append(CollectorGone(f"collector {pending.collector_id} no longer exists"))
        elif not ticks and pending.collector_id not in late:
            plan.outcomes.append(IngestOutcome(IngestResult(skipped=pending.skipped), None))
        elif pending.collector_id not in late and (
                ticks[0].timestamp > lock.newest_stored if lock.newest_stored is not None
                else pending.collector_id in new):
            result = ticks_copied(plan.copy, organization_id=pending.organization_id,
                                  collector_id=pending.collector_id, ticks=ticks, lock=lock)
            plan.first_copied.setdefault(pending.collector_id, (pending.organization_id, result.first))
            plan.outcomes.append(IngestOutcome(IngestResult(skipped=pending.skipped).plus(result), None))
        else:
            late.add(pending.collector_id)
            plan.outcomes.append(None)
    return plan


def placed_store(pending: PendingIngest) -> IngestOutcome | Exception:
    """A request the group left out, in a transaction of its own: its ticks placed against
    the hypertables (ticks_store, which moves the tick state on), its session joined. Its
    outcome; the DatabaseError that rolled it back."""
    try:
        with transaction.atomic():
            lock = ingest_lock_take(organization_id=pending.organization_id, collector_id=pending.collector_id)
            outcome = IngestOutcome(IngestResult(skipped=pending.skipped).plus(ticks_store(
                organization_id=pending.organization_id, collector_id=pending.collector_id, ticks=pending.ticks,
                lock=lock)), None)
            _sessions_apply([pending], [outcome], sessions_join(_group_sessions([pending], [outcome])))
        return outcome
    except DatabaseError as error:
        return error


def collector_ticks_store(*, organization_id: int, collector_id: int, ticks: list[Tick]) -> IngestResult:
    """Stores many ticks of one collector (sorted by time, as ticks_parse returns them) in
    the caller's transaction, under its ingest lock, as a group stores them: those newer
    than its newest stored tick (nearly all of an upload's) in one COPY per table, its tick
    state moved on by one statement; the others placed against the hypertables
    (ticks_store), so that a late tick lands between its neighbours and a stored one is a
    duplicate. A collector without a tick state gets its first slice through ticks_store,
    which sets it. What was stored (`skipped`: the duplicates only)."""
    ids = {"organization_id": organization_id, "collector_id": collector_id}
    lock = ingest_lock_take(**ids)
    stored = IngestResult()
    while ticks and lock.newest_stored is None:
        stored = stored.plus(ticks_store(**ids, ticks=ticks[:TICKS_PER_WRITE], lock=lock))
        ticks = ticks[TICKS_PER_WRITE:]
    newer = bisect_right(ticks, lock.newest_stored, key=lambda tick: tick.timestamp) if ticks else 0
    stored = stored.plus(ticks_store(**ids, ticks=ticks[:newer], lock=lock))
    if ticks[newer:]:
        copy = SampleCopy()
        copied = ticks_copied(copy, **ids, ticks=ticks[newer:], lock=lock)
        copy.flush()
        tick_states_move({collector_id: (organization_id, copied.first)}, {collector_id: lock})
        stored = stored.plus(copied)
    return stored


def ticks_copied(copy: SampleCopy, *, organization_id: int, collector_id: int, ticks: list[Tick],
                 lock: IngestLock) -> IngestResult:
    """Adds the rows of ticks (sorted) newer than the collector's newest to a COPY, each
    paired with the one before it (the first with the lock's tick state; a new collector's
    first, with none), and moves the lock's tick state to the last of them;
    tick_states_move writes it once the COPY is sent."""
    times = [tick.timestamp for tick in ticks]
    previous = Tick(lock.newest_stored, counters_from_json(lock.newest_counters)) \
        if lock.newest_counters is not None else None
    rows = rows_after(ticks, previous=previous)
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


def _group_sessions(pendings: list[PendingIngest], outcomes: list) -> list[SessionJoin]:
    """What the group does to sessions (metrics.sessions.sessions_join): per collector of
    its stored requests, the agent's contact and, for its /v1/trickle requests that stored
    ticks, one session joined (their ticks are in one transaction)."""
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
    return list(joins.values())


def _sessions_apply(pendings: list[PendingIngest], outcomes: list, sessions: dict[int, UUID]) -> None:
    """Each request that joined a session gets its id (sessions: collector -> session)."""
    for pending, outcome in zip(pendings, outcomes):
        if isinstance(outcome, IngestOutcome) and pending.joins_session and outcome.ingest.ticks:
            outcome.session_id = sessions.get(pending.collector_id)
