"""Prints what the database offers XAT; exits non-zero when TimescaleDB is missing."""

from django.core.management.base import BaseCommand, CommandError

from metrics import timescale


class Command(BaseCommand):
    help = "Show PostgreSQL/TimescaleDB versions, edition, aggregate mode, hypertables and jobs."

    def handle(self, *args, **options):
        info = timescale.timescale_info()
        out = self.stdout.write
        out(f"PostgreSQL:       {info.postgresql}")
        if info.version is None:
            raise CommandError(
                "TimescaleDB is not installed in this database. Hint: run `make run` (it installs "
                "it locally) or `CREATE EXTENSION timescaledb` as a superuser, then migrate."
            )
        out(f"TimescaleDB:      {info.version}")
        out(f"Edition:          {info.edition} ({'Community, TSL' if info.has_tsl else 'Apache-2'})")
        out(f"Aggregate mode:   {timescale.aggregate_mode()}")
        out("Hypertables:")
        tables = timescale.hypertable_sizes()
        for schema, name, chunks, size in tables:
            out(f"  {schema}.{name:<24} {chunks:>6} chunks {size / 1048576:>10.1f} MiB")
        if not tables:
            out("  (none: run migrations)")
        out("Background jobs:")
        jobs = timescale.background_jobs()
        for job_id, application, hypertable, interval, status, next_start in jobs:
            out(f"  {job_id:>5} {application:<40} {hypertable:<20} every {interval} last={status or '-'} next={next_start}")
        if not jobs:
            out("  (none" + (")" if info.has_tsl else ": the Apache edition has no job scheduler; see docs/storage.md)"))
