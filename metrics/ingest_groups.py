"""Group commit: the ticks of concurrent agent requests stored in one transaction.

    ingest_commit(pending: PendingIngest) -> IngestOutcome
    ingest_writers_start(*, writers, group_ticks) / ingest_writers_stop()
    group_store(pendings) -> list[IngestOutcome | CollectorGone]

A request is answered only once a transaction holding all of its ticks has committed.
In a process whose writers are started (gunicorn's workers, xat/gunicorn_conf.py), a
request's parsed ticks wait in a queue; an idle writer thread takes every request waiting
at that moment (up to `group_ticks` ticks) and stores them in one transaction, a group.
Nothing waits for a timer: a lone request is taken at once, and requests arriving while a
group commits form the next one. Elsewhere (the test client, runserver, commands) and
inside a caller's transaction, a request is a group of one, stored in the caller's thread.

In a group: the collectors' ingest locks are taken in id order with their tick states (one
statement), so two groups sharing a collector run one after the other; each request's
ticks are then placed in arrival order. Ticks newer than their collector's newest (nearly
every tick) pair with the tick state, or with the previous request's last tick in the same
group, and go to one binary COPY per table for the whole group (metrics.sample_copy; a
group of fewer than COPY_MIN_TICKS ticks writes each request with one samples_write); a
request with a late or repeated tick first sends what the group has so far, then is placed
against the hypertables as before (metrics.ingest.ticks_store). Then one statement moves
the tick states on, and one session_join per collector (metrics.sessions). If anything
fails, the whole group rolls back and every request of it gets the DatabaseError (its
answer: 503, Retry-After): nothing of theirs stays, and a retry stores them once. Bad input
never reaches a group: requests are checked and parsed before they join.
"""

import logging
import os
import threading
from collections import deque
from dataclasses import dataclass, field
from uuid import UUID

from django.db import DatabaseError, connection, transaction

from metrics.collectors import collector_contact_record
from metrics.ingest import (CollectorGone, IngestLock, IngestResult, Skipped, Tick, counters_from_json, rows_after,
                            ticks_store)
from metrics.sample_copy import SampleCopy
from metrics.sessions import session_join
from xat import sqlfiles

logger = logging.getLogger(__name__)

# Below this many ticks a group writes each request with samples_write (one statement for
# every table) instead of COPY (a statement, two round trips, per table): in process, a
# group of one tick took 3.3 ms of client CPU with COPY and 1.6 ms without, of 4 ticks 1.3
# against 1.1 ms a tick, of 8 ticks 0.8 against 0.9 ms, and the server's CPU a tick fell
# from 1.4-1.5 ms to 0.6-1.0 ms with COPY from 4 ticks on (docs/performance.md).
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
    """Stores one request's ticks, committed when this returns (in the caller's
    transaction when there is one). Raises DatabaseError when its group failed (nothing of
    it stayed) and CollectorGone when its collector was deleted meanwhile."""
    writers = _writers.get(os.getpid())
    if writers is None or connection.in_atomic_block:
        outcome, = group_store([pending])
    else:
        outcome = writers.submit(pending)
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
        copies = sum(len(pending.ticks) for pending in pendings) >= COPY_MIN_TICKS
        first_copied: dict[int, tuple[int, int]] = {}  # collector -> (organization, its first tick copied)
        outcomes: list[IngestOutcome | CollectorGone] = []
        for pending in pendings:
            lock = locks.get(pending.collector_id)
            if lock is None:
                outcomes.append(CollectorGone(f"collector {pending.collector_id} no longer exists"))
                continue
            ticks = pending.ticks
            if copies and ticks and lock.newest_stored is not None and ticks[0].timestamp > lock.newest_stored:
                result = _ticks_copied(copy, pending, lock)
                first_copied.setdefault(pending.collector_id, (pending.organization_id, result.first))
            else:
                copy.flush()  # a late tick is placed against the hypertables: the group's rows first
                # ticks_store's write moves the lock's tick state on, for the next request.
                result = IngestResult(skipped=pending.skipped).plus(ticks_store(
                    organization_id=pending.organization_id, collector_id=pending.collector_id, ticks=ticks, lock=lock))
            outcomes.append(IngestOutcome(result, None))
        copy.flush()
        if first_copied:
            _tick_states_move(first_copied, locks)
        _sessions_join(pendings, outcomes)
    return outcomes


def _ticks_copied(copy: SampleCopy, pending: PendingIngest, lock: IngestLock) -> IngestResult:
    """Adds the rows of ticks newer than the collector's newest to the group's COPY, and
    moves the lock's tick state to the last of them."""
    times = [tick.timestamp for tick in pending.ticks]
    rows = rows_after(pending.ticks, previous_time=lock.newest_stored,
                      previous=counters_from_json(lock.newest_counters))
    copy.add(organization_id=pending.organization_id, collector_id=pending.collector_id, times=times, rows=rows)
    lock.newest_stored, lock.newest_counters = times[-1], rows.counters_json(times[-1])
    rows_by_family = {family: len(family_rows) for family, family_rows in rows.rows.items() if family_rows}
    return IngestResult(ticks=len(times), rows=sum(rows_by_family.values()), rows_by_family=rows_by_family,
                        first=times[0], last=times[-1], skipped=pending.skipped)


def _tick_states_move(first_copied: dict[int, tuple[int, int]], locks: dict[int, IngestLock]) -> None:
    collectors = sorted(first_copied)
    sqlfiles.fetch_one("samples_group_finish",
                       organization_ids=[first_copied[c][0] for c in collectors], collector_ids=collectors,
                       first_times=[first_copied[c][1] for c in collectors],
                       state_times=[locks[c].newest_stored for c in collectors],
                       state_counters=[locks[c].newest_counters for c in collectors])


def _sessions_join(pendings: list[PendingIngest], outcomes: list) -> None:
    """One session_join per collector of the group's session requests (their ticks in one
    transaction join one session), the contact of the others; in collector order."""
    joining: dict[int, list[tuple[PendingIngest, IngestOutcome]]] = {}
    contacts = set()
    for pending, outcome in zip(pendings, outcomes):
        if isinstance(outcome, IngestOutcome):
            if pending.joins_session:
                joining.setdefault(pending.collector_id, []).append((pending, outcome))
            else:
                contacts.add(pending.collector_id)
    for collector_id in sorted(joining.keys() | contacts):
        requests = joining.get(collector_id)
        if not requests:  # session_join records the contact itself
            collector_contact_record(collector_id=collector_id)
            continue
        stored = [outcome.ingest for _, outcome in requests if outcome.ingest.ticks]
        session_id = session_join(organization_id=requests[0][0].organization_id, collector_id=collector_id,
                                  identifier=requests[0][0].identifier,
                                  first=min((result.first for result in stored), default=None),
                                  last=max((result.last for result in stored), default=None),
                                  stored=sum(result.ticks for result in stored))
        for _, outcome in requests:
            outcome.session_id = session_id if outcome.ingest.ticks else None


class _Ticket:
    def __init__(self, pending: PendingIngest):
        self.pending = pending
        self.outcome: IngestOutcome | Exception | None = None
        self.done = threading.Event()


class IngestWriters:
    """A process's writer threads and the requests waiting for them. Each writer has its
    own database connection (Django's, per thread)."""

    def __init__(self, *, writers: int, group_ticks: int):
        self.group_ticks = group_ticks
        self.largest_group = 0  # requests (tests: groups did form)
        self._waiting: deque[_Ticket | None] = deque()  # None: a writer is to stop
        self._ready = threading.Condition()
        self._threads = [threading.Thread(target=self._run, name=f"ingest-writer-{number}", daemon=True)
                         for number in range(writers)]
        for thread in self._threads:
            thread.start()

    def submit(self, pending: PendingIngest) -> IngestOutcome | Exception:
        ticket = _Ticket(pending)
        with self._ready:
            self._waiting.append(ticket)
            self._ready.notify()
        ticket.done.wait()
        return ticket.outcome

    def queued(self) -> int:
        """Requests waiting for a writer (tests)."""
        return len(self._waiting)

    def stop(self) -> None:
        """Lets the writers store what is queued, close their connections and end."""
        with self._ready:
            self._waiting.extend([None] * len(self._threads))
            self._ready.notify_all()
        for thread in self._threads:
            thread.join()

    def _group_take(self) -> list[_Ticket] | None:
        """Every ticket waiting now, up to group_ticks ticks (one at least); None: stop."""
        with self._ready:
            while not self._waiting:
                self._ready.wait()
            if self._waiting[0] is None:
                self._waiting.popleft()
                return None
            group = [self._waiting.popleft()]
            ticks = len(group[0].pending.ticks)
            while (self._waiting and self._waiting[0] is not None
                   and ticks + len(self._waiting[0].pending.ticks) <= self.group_ticks):
                group.append(self._waiting.popleft())
                ticks += len(group[-1].pending.ticks)
            self.largest_group = max(self.largest_group, len(group))
            return group

    def _run(self) -> None:
        while (group := self._group_take()) is not None:
            try:
                outcomes = group_store([ticket.pending for ticket in group])
            except Exception as error:  # every request of the group answers it
                if isinstance(error, DatabaseError):
                    logger.error("ingest group of %d requests rolled back (%s)", len(group), type(error).__name__)
                    connection.close()  # the next group starts on a new connection
                outcomes = [error] * len(group)
            for ticket, outcome in zip(group, outcomes):
                ticket.outcome = outcome
                ticket.done.set()
        connection.close()


_writers: dict[int, IngestWriters] = {}  # by process id: a forked child starts its own


def ingest_writers_start(*, writers: int, group_ticks: int) -> IngestWriters | None:
    """Starts this process's writers (gunicorn's post_worker_init); 0 writers: none."""
    if writers > 0:
        _writers[os.getpid()] = IngestWriters(writers=writers, group_ticks=group_ticks)
    return _writers.get(os.getpid())


def ingest_writers_stop() -> None:
    """Stores what is queued and stops this process's writers."""
    writers = _writers.pop(os.getpid(), None)
    if writers is not None:
        writers.stop()
