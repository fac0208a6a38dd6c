"""The operation of the migration of a catalogue `since` (docs/storage.md, "Adding a metric"):
the files sql/generate.py writes for it, applied in their order. Frozen with the migrations,
as _versioned.py: it imports only Django and that reader."""

import re
from pathlib import Path

from django.db import migrations, transaction

from metrics.migrations._versioned import SCHEMA_DIR


def metrics_added(since: str) -> migrations.RunPython:
    """The migration that applies `since` is `atomic = False`: the Community edition's
    backfill refuses a transaction block."""

    def apply(apps, schema_editor):
        metrics_added_apply(schema_editor.connection, since)

    return migrations.RunPython(apply, migrations.RunPython.noop)


def metrics_added_apply(connection, since: str, *, directory: Path = SCHEMA_DIR) -> None:
    """Applies `since` to the database of `connection` (in autocommit): the new columns and,
    under the Community edition, the new version of the continuous aggregates: created with
    the columns (in the same transaction), backfilled level by level (each refresh on its
    own), swapped in under the public names (one transaction). Run again after a stop
    between those transactions, it goes on from the backfill."""
    create = (directory / f"{since}_create_timescale.sql").read_text()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('timescaledb.license', true)")
        continuous = cursor.fetchone()[0] == "timescale"
        # A run stopped after the create step (a backfill cut short) is resumed from the
        # backfill, which computes again only what the last one did not finish.
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL",
                       [re.search(r"^CREATE MATERIALIZED VIEW (\S+)", create, re.MULTILINE)[1]])
        created = continuous and cursor.fetchone()[0]
    if not created:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute((directory / f"{since}.sql").read_text())
            if continuous:
                cursor.execute(create)
    if not continuous:
        return
    with connection.cursor() as cursor:
        for statement in (directory / f"{since}_backfill_timescale.sql").read_text().split(";\n"):
            if any(line and not line.startswith("--") for line in statement.splitlines()):
                cursor.execute(statement)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute((directory / f"{since}_swap_timescale.sql").read_text())
