"""Upkeep of the aggregates and of retention.

    xat_aggregates refresh [--every N]   Apache edition: materialise new buckets and the
                                         buckets that late data invalidated
    xat_aggregates retention             Apache edition: drop_chunks past each retention
    xat_aggregates maintain [--every N]  what the edition needs: refresh (and retention
                                         once a day) under Apache; nothing under the
                                         Community edition, whose policies do both
    xat_aggregates policies              Community edition: apply settings' periods

`make run` and compose run `maintain --every 60`; see docs/storage.md.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from metrics import timescale
from metrics.aggregates import aggregate_policies_apply, aggregates_refresh, retention_apply

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
        if action == "maintain" and mode == "continuous":
            self.stdout.write("Community edition: TimescaleDB's policies refresh the aggregates and apply "
                              "retention; nothing to do here.")
            return
        if mode != "incremental":
            raise CommandError(f"{action} is for the Apache edition (aggregate mode here: {mode})")
        if action == "retention":
            self._retention()
            return
        retention_due = 0.0
        while True:
            recomputed = aggregates_refresh()
            self.stdout.write(f"aggregates refreshed; invalidated ranges recomputed: {recomputed}")
            if action == "maintain" and time.monotonic() >= retention_due:
                self._retention()
                retention_due = time.monotonic() + _RETENTION_EVERY
            if not every:
                return
            time.sleep(every)

    def _retention(self):
        dropped = retention_apply()
        self.stdout.write(f"retention: {sum(dropped.values())} chunks dropped")
