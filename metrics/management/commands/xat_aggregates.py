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

`make run` and compose run `maintain --every 60`; see docs/storage.md.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from metrics import timescale
from metrics.aggregates import aggregate_policies_apply, aggregates_refresh, retention_apply
from metrics.sessions import SESSION_IDLE, sessions_complete_idle

_RETENTION_EVERY = 24 * 3600


class Command(BaseCommand):
    help = "refresh | retention | maintain | policies: keep the 1m/1h/1d aggregates and retention up to date."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh", "retention", "maintain", "policies"])
        parser.add_argument("--every", type=float, default=0,
                            help="refresh/maintain: run again every this many seconds until stopped")

    def handle(self, *args, action, every, **options):
        mode = timescale.aggregate_mode()
        if action == "policies":
            if mode != "continuous":
                raise CommandError(f"policies need the Community edition (aggregate mode here: {mode})")
            with connection.cursor() as cursor:
                aggregate_policies_apply(cursor)
            self.stdout.write("policies applied")
            return
        if action == "maintain":
            self._maintain(mode=mode, every=every)
            return
        if mode != "incremental":
            raise CommandError(f"{action} is for the Apache edition (aggregate mode here: {mode})")
        if action == "retention":
            self._retention()
            return
        while True:
            self._refresh()
            if not every:
                return
            time.sleep(every)

    def _maintain(self, *, mode: str, every: float):
        if mode != "incremental":
            self.stdout.write(f"aggregate mode {mode}: TimescaleDB's policies (if any) refresh the aggregates and "
                              "apply retention; this loop only completes idle trickle sessions.")
        retention_due = 0.0
        while True:
            completed = sessions_complete_idle()
            self.stdout.write(f"trickle sessions completed after {SESSION_IDLE} idle: {len(completed)}")
            if mode == "incremental":
                self._refresh()
                if time.monotonic() >= retention_due:
                    self._retention()
                    retention_due = time.monotonic() + _RETENTION_EVERY
            if not every:
                return
            time.sleep(every)

    def _refresh(self):
        recomputed = aggregates_refresh()
        self.stdout.write(f"aggregates refreshed; invalidated ranges recomputed: {recomputed}")

    def _retention(self):
        dropped = retention_apply()
        self.stdout.write(f"retention: {sum(dropped.values())} chunks dropped")
