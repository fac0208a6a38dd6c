"""Upkeep of the aggregates: `refresh` and `retention` (Apache edition), `policies`
(Community edition). Schedule `refresh --every 60` and `retention` (daily) under the
Apache edition; see docs/storage.md."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from metrics import timescale
from metrics.aggregates import aggregate_policies_apply, aggregates_refresh, retention_apply


class Command(BaseCommand):
    help = "refresh | retention | policies: keep the 1m/1h/1d aggregates and retention up to date."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh", "retention", "policies"])
        parser.add_argument("--every", type=float, default=0,
                            help="refresh: run again every this many seconds until stopped")

    def handle(self, *args, action, every, **options):
        mode = timescale.aggregate_mode()
        if action == "policies":
            if mode != "continuous":
                raise CommandError(f"policies need the Community edition (aggregate mode here: {mode})")
            with connection.cursor() as cursor:
                aggregate_policies_apply(cursor)
            self.stdout.write("policies applied")
            return
        if mode != "incremental":
            raise CommandError(f"{action} is for the Apache edition; here TimescaleDB's policies do it "
                               f"(aggregate mode: {mode})")
        if action == "retention":
            dropped = retention_apply()
            self.stdout.write(f"chunks dropped: {sum(dropped.values())}")
            return
        while True:
            recomputed = aggregates_refresh()
            self.stdout.write(f"refreshed; invalidated ranges recomputed: {recomputed}")
            if not every:
                return
            time.sleep(every)
