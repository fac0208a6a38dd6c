"""Group commit as a coroutine: the agent requests waiting when a writer is free become one
transaction, and each is answered once it committed.

    committer = GroupCommitter(writers=1, group_ticks=500)
    await committer.open()                     # column types, on a thread (Django's connection)
    outcome = await committer.store(pending)   # IngestOutcome; raises CollectorGone or
                                               # DatabaseError (nothing of it stayed)

No timer: a request that finds a writer free is taken at once, alone; requests arriving
while every writer is busy wait and form the next group together, so groups grow with the
load and a group's fixed cost (lock statement, COPYs, tick states, sessions, commit) is
shared by every request waiting, whatever the number of agents.

A writer is an async psycopg connection on the event loop itself: the group's statements
and COPYs are those of metrics.ingest_groups.group_store (its I/O-free middle, group_plan,
is the same function), awaited, so the loop goes on reading and parsing requests while
PostgreSQL works, with no thread to hand the group to (that hand-off, and the two threads
taking turns at the GIL, cost a fifth of a request's CPU: docs/performance.md). The rare
requests a group leaves out (a late or repeated tick) are stored after
it on a thread, each in a transaction of its own (ingest_groups.placed_store).

A request whose collector is in a group still running waits for that group to end, with
every later request of that collector: two groups never hold one collector, so each
collector's requests are stored in the order they arrived.
"""

import asyncio
import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import psycopg
from django.db import DatabaseError, close_old_connections, connection

from metrics.ingest import CollectorGone
from metrics.ingest_groups import (IngestOutcome, PendingIngest, group_collectors, group_plan, group_sessions,
                                   placed_store, sessions_apply, stateless_params, tick_states_params)
from metrics.sample_copy import column_types
from metrics.sessions import sessions_join_params
from xat import sqlfiles

logger = logging.getLogger(__name__)


class GroupCommitter:
    def __init__(self, *, writers: int, group_ticks: int):
        self.group_ticks = group_ticks
        self.largest_group = 0  # requests (tests: groups did form)
        self._idle_connections: list[psycopg.AsyncConnection | None] = [None] * writers
        self._placing = ThreadPoolExecutor(1, thread_name_prefix="ingest-placing")
        self._waiting: deque[tuple[PendingIngest, asyncio.Future]] = deque()
        self._busy_collectors: set[int] = set()
        self._groups: set[asyncio.Task] = set()

    async def open(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._placing, column_types)

    async def store(self, pending: PendingIngest) -> IngestOutcome:
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append((pending, answer))
        self._groups_start()
        outcome = await answer
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def waiting(self) -> int:
        """Requests waiting for a writer (tests)."""
        return len(self._waiting)

    async def close(self) -> None:
        """Lets the groups running end, then closes the connections."""
        while self._groups or self._waiting:
            await asyncio.sleep(0.01)
        for writer in self._idle_connections:
            if writer is not None:
                await writer.close()
        await asyncio.get_running_loop().run_in_executor(self._placing, connection_close)
        self._placing.shutdown()

    def _groups_start(self) -> None:
        while self._idle_connections and (group := self._group_take()):
            task = asyncio.get_running_loop().create_task(self._group_run(group, self._idle_connections.pop()))
            self._groups.add(task)
            task.add_done_callback(self._groups.discard)

    def _group_take(self) -> list[tuple[PendingIngest, asyncio.Future]]:
        """The waiting requests whose collectors no running group holds, in arrival order,
        up to group_ticks ticks (one request at least)."""
        group, ticks, held, left = [], 0, set(self._busy_collectors), deque()
        while self._waiting:
            request = self._waiting.popleft()
            pending = request[0]
            if pending.collector_id in held or (group and ticks + len(pending.ticks) > self.group_ticks):
                held.add(pending.collector_id)  # its later requests wait behind it
                left.append(request)
                continue
            group.append(request)
            ticks += len(pending.ticks)
        self._waiting = left
        self._busy_collectors |= {pending.collector_id for pending, _ in group}
        self.largest_group = max(self.largest_group, len(group))
        return group

    async def _group_run(self, group: list[tuple[PendingIngest, asyncio.Future]],
                         writer: psycopg.AsyncConnection | None) -> None:
        pendings = [pending for pending, _ in group]
        try:
            writer = writer or await _connect()
            outcomes = await _group_store(writer, pendings)
        except (psycopg.Error, DatabaseError) as error:  # every request of the group answers it
            logger.error("ingest group of %d requests rolled back (%s)", len(group), type(error).__name__)
            if writer is not None:
                await writer.close()  # the next group starts on a new connection
            writer, outcomes = None, [DatabaseError(str(error))] * len(group)
        self._idle_connections.append(writer)
        for (pending, answer), outcome in zip(group, outcomes):
            if outcome is None:  # left out of the group: stored now, on a thread
                outcome = await asyncio.get_running_loop().run_in_executor(self._placing, _placed_store, pending)
            if not answer.done():  # its client may have gone
                answer.set_result(outcome)
        self._busy_collectors -= {pending.collector_id for pending in pendings}
        self._groups_start()


async def _connect() -> psycopg.AsyncConnection:
    """A writer's connection, with Django's settings (database, credentials, timeouts,
    prepare threshold) but psycopg's own adapters: the group passes typed values only."""
    params = connection.get_connection_params()
    for django_only in ("cursor_factory", "context"):
        params.pop(django_only, None)
    return await psycopg.AsyncConnection.connect(**params, autocommit=True)


async def _group_store(writer: psycopg.AsyncConnection, pendings: list[PendingIngest]) -> list:
    """metrics.ingest_groups.group_store's transaction, awaited on the writer's connection;
    each request's outcome (None: left out, for placed_store)."""
    async with writer.transaction():
        lock_rows = await (await writer.execute(sqlfiles.query("collectors_ingest_lock"),
                                                {"collector_ids": group_collectors(pendings)})).fetchall()
        new = set()
        if unknown := stateless_params(pendings, lock_rows):
            new = {row[0] for row in await (await writer.execute(sqlfiles.query("collectors_without_ticks"),
                                                                 unknown)).fetchall()}
        plan = group_plan(pendings, lock_rows, new)
        await plan.copy.flush_async(writer)
        if plan.first_copied:
            await writer.execute(sqlfiles.query("samples_group_finish"),
                                 tick_states_params(plan.first_copied, plan.locks))
        if joins := group_sessions(pendings, plan.outcomes):
            sessions = await (await writer.execute(sqlfiles.query("sessions_join"),
                                                   sessions_join_params(joins))).fetchall()
            sessions_apply(pendings, plan.outcomes, dict(sessions))
    return plan.outcomes


def _placed_store(pending: PendingIngest):
    close_old_connections()  # the thread's connection checked first (a database restarted)
    outcome = placed_store(pending)
    if isinstance(outcome, DatabaseError) and not isinstance(outcome, CollectorGone):
        connection.close()  # the thread's next request starts on a new connection
    return outcome


async def on_every_thread(threads: ThreadPoolExecutor, count: int, function) -> None:
    """Runs function once on each of the pool's `count` threads (Django's connection is one
    per thread): each call waits for the others, so no thread takes two."""
    meeting = threading.Barrier(count)

    def call():
        function()
        meeting.wait(timeout=30)

    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.run_in_executor(threads, call) for _ in range(count)))


def connection_close() -> None:
    """Closes the calling thread's database connection (Django's are one per thread)."""
    connection.close()
