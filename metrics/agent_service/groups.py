"""Group commit as a coroutine: the agent requests waiting when a writer is free become one
transaction (metrics.ingest_groups.group_store), and each is answered once it committed.

    committer = GroupCommitter(writers=1, group_ticks=500)
    outcome = await committer.store(pending)   # IngestOutcome; raises CollectorGone or
                                               # DatabaseError (nothing of it stayed)

No timer: a request that finds a writer free is taken at once, alone; requests arriving
while every writer is busy wait and form the next group together, so groups grow with the
load and a group's fixed cost (lock statement, COPYs, tick states, sessions, commit) is
shared by every request waiting, whatever the number of agents.

A group runs on a writer thread with its own database connection (Django's, per thread):
group_store is the one implementation of a group's transaction, shared with Django's agent
views (a group of one there), here with every group's new ticks by COPY. The same coroutine
with the group's statements awaited on an async psycopg connection, in the event loop's own
thread, measured the same at 32 agents and cost more per group (2.3 ms of client CPU
against 1.5: psycopg's async waits are Python, its sync ones C), which small groups (a
fleet's open loop) pay per tick (docs/performance.md).

A request whose collector is in a group still running waits for that group to end, with
every later request of that collector: two groups never hold one collector, so each
collector's requests are stored in the order they arrived.
"""

import asyncio
import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from django.db import DatabaseError, connection

from metrics.ingest import CollectorGone
from metrics.ingest_groups import IngestOutcome, PendingIngest, group_store

logger = logging.getLogger(__name__)


class GroupCommitter:
    def __init__(self, *, writers: int, group_ticks: int):
        self.group_ticks = group_ticks
        self.largest_group = 0  # requests (tests: groups did form)
        self._writers = self._free_writers = writers
        self._threads = ThreadPoolExecutor(writers, thread_name_prefix="ingest-writer")
        self._waiting: deque[tuple[PendingIngest, asyncio.Future]] = deque()
        self._busy_collectors: set[int] = set()
        self._groups: set[asyncio.Task] = set()

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
        """Lets the groups running end, then closes the writers' connections."""
        while self._groups or self._waiting:
            await asyncio.sleep(0.01)
        await on_every_thread(self._threads, self._writers, connection_close)
        self._threads.shutdown()

    def _groups_start(self) -> None:
        while self._free_writers and (group := self._group_take()):
            self._free_writers -= 1
            task = asyncio.get_running_loop().create_task(self._group_run(group))
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

    async def _group_run(self, group: list[tuple[PendingIngest, asyncio.Future]]) -> None:
        pendings = [pending for pending, _ in group]
        try:
            outcomes = await asyncio.get_running_loop().run_in_executor(self._threads, _group_store, pendings)
        except Exception as error:  # every request of the group answers it
            outcomes = [error] * len(group)
        finally:
            self._free_writers += 1
            self._busy_collectors -= {pending.collector_id for pending in pendings}
        for (_, answer), outcome in zip(group, outcomes):
            if not answer.done():  # its client may have gone
                answer.set_result(outcome)
        self._groups_start()


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


def _group_store(pendings: list[PendingIngest]) -> list:
    """group_store on the writer's thread; its connection closed after a database error,
    the group's or a late request's (placed_store answers its own), so that the next group
    starts on a new one rather than failing on a connection a database restart broke."""
    try:
        outcomes = group_store(pendings, copy_min_ticks=1)
    except DatabaseError as error:
        logger.error("ingest group of %d requests rolled back (%s)", len(pendings), type(error).__name__)
        connection.close()
        raise
    if any(isinstance(outcome, DatabaseError) and not isinstance(outcome, CollectorGone) for outcome in outcomes):
        connection.close()
    return outcomes
