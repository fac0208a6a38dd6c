"""Upkeep of the aggregates and of retention.

    xat_aggregates refresh [--every N]   Apache edition: materialise new buckets and the
                                         buckets that late data invalidated
    xat_aggregates retention             Apache edition: drop_chunks past each retention
    xat_aggregates maintain [--every N]  each round, in either edition: complete the trickle
                                         sessions idle for more than 2 minutes
                                         (metrics/sessions.py); under Apache also refresh
                                         (and retention once a day), which the Community
                                         edition's policies do by themselves
    xat_aggregates policies              Community edition: apply settings' periods

With --every, a round that fails on the database does not stop the loop: the failure is
logged (the error's class and SQLSTATE only: its text can name the server and the user),
the connection is closed so that the next round opens a new one, and the round is tried
again after a backoff (retry_delay). Without --every the error ends the command (status 1)
for whatever scheduled it to see. `make run` (scripts/run.sh) restarts the loop if it exits
anyway, compose by its restart policy; see docs/storage.md. Every action connects to
PostgreSQL itself (DATABASE_DIRECT_URL), past a transaction pooler (xat/direct_database.py).
"""

import logging
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import Error as DatabaseError
from django.db import connection

from metrics import timescale
from metrics.aggregates import aggregate_policies_apply, aggregates_refresh, retention_apply
from metrics.sessions import SESSION_IDLE, sessions_complete_idle
from xat.direct_database import default_connection_made_direct

logger = logging.getLogger(__name__)

_RETENTION_EVERY = 24 * 3600
# The longest wait before retrying a failed round (unless --every is longer): a database
# that stays down is asked every 5 minutes at most, and one that is back is used again
# within 5 minutes of its return.
RETRY_DELAY_MAX = 300.0


def retry_delay(*, every: float, failures: int) -> float:
    """Seconds to wait after `failures` failed rounds in a row: the usual interval, doubled
    at each further failure, up to RETRY_DELAY_MAX (or the interval, if longer)."""
    return min(every * 2 ** (failures - 1), max(every, RETRY_DELAY_MAX))


class Command(BaseCommand):
    help = "refresh | retention | maintain | policies: keep the 1m/1h/1d aggregates and retention up to date."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh", "retention", "maintain", "policies"])
        parser.add_argument("--every", type=float, default=0,
                            help="refresh/maintain: run again every this many seconds until stopped, "
                                 "retrying a round that fails on the database with backoff")

    def handle(self, *args, action, every, **options):
        default_connection_made_direct()
        if action == "maintain":
            self._repeat(self._maintain_rounds(), every=every)
            return
        mode = timescale.aggregate_mode()
        if action == "policies":
            if mode != "continuous":
                raise CommandError(f"policies need the Community edition (aggregate mode here: {mode})")
            with connection.cursor() as cursor:
                aggregate_policies_apply(cursor)
            self.stdout.write("policies applied")
            return
        if mode != "incremental":
            raise CommandError(f"{action} is for the Apache edition (aggregate mode here: {mode})")
        if action == "retention":
            self._retention()
            return
        self._repeat(self._refresh, every=every)

    def _repeat(self, round_run: Callable[[], None], *, every: float) -> None:
        """round_run once, or every `every` seconds until stopped, surviving database errors."""
        if not every:
            round_run()
            return
        failures = 0
        while True:
            try:
                round_run()
            except DatabaseError as error:
                failures += 1
                # The connection may be broken (server restarted, network cut): the next
                # round must open a new one rather than reuse it for CONN_MAX_AGE.
                connection.close()
                delay = retry_delay(every=every, failures=failures)
                sqlstate = getattr(error.__cause__, "sqlstate", None)
                logger.warning("upkeep round failed (%s%s, %d in a row); next try in %.0f s on a new connection",
                               type(error).__name__, f", SQLSTATE {sqlstate}" if sqlstate else "", failures, delay)
            else:
                if failures:
                    logger.info("upkeep round succeeded again after %d failed rounds", failures)
                failures, delay = 0, every
            self.stdout.flush()  # a round's lines reach the log now, not when a buffer fills
            time.sleep(delay)

    def _maintain_rounds(self) -> Callable[[], None]:
        """The function that runs one round of `maintain`; between rounds it keeps when
        retention is next due and which aggregate mode it reported. The mode is read each
        round: the loop may start before the migrations that create the aggregates
        (compose), or outlive an upgrade."""
        retention_due = 0.0
        mode_reported = None

        def maintain_round() -> None:
            nonlocal retention_due, mode_reported
            mode = timescale.aggregate_mode()
            if mode != "incremental" and mode != mode_reported:
                self.stdout.write(f"aggregate mode {mode}: TimescaleDB's policies (if any) refresh the aggregates "
                                  "and apply retention; this loop only completes idle trickle sessions.")
            mode_reported = mode
            completed = sessions_complete_idle()
            self.stdout.write(f"trickle sessions completed after {SESSION_IDLE} idle: {len(completed)}")
            if mode == "incremental":
                self._refresh()
                if time.monotonic() >= retention_due:
                    self._retention()
                    retention_due = time.monotonic() + _RETENTION_EVERY

        return maintain_round

    def _refresh(self):
        recomputed = aggregates_refresh()
        self.stdout.write(f"aggregates refreshed; invalidated ranges recomputed: {recomputed}")

    def _retention(self):
        dropped = retention_apply()
        self.stdout.write(f"retention: {sum(dropped.values())} chunks dropped")
