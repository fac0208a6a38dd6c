"""The schema's idempotent layer: sql/idempotent/, applied after every `migrate` that
reaches the newest migration (metrics/management/commands/migrate.py).

The versioned files (sql/schema/) hold what keeps data: tables, hypertables, continuous
aggregates, data changes; each is applied once, by its migration, and never changes. The
idempotent layer holds what keeps none: views and functions (most of them generated from
metrics/catalogue.py by sql/generate.py), then the analytics grants and, under the
Community edition, the TimescaleDB policies from settings. Applying it again gives the
same database, so every deployment applies the current one: a changed view reaches every
database by `migrate`, without a new migration. docs/storage.md, "How the schema evolves".

Files run in name order, in one transaction; a file named `*_apache.sql` runs only under
the Apache edition, `*_timescale.sql` only under the Community edition (TSL).
"""

from pathlib import Path

from django.db import connections, transaction

from metrics.aggregates import aggregate_policies_apply
from metrics.analytics import analytics_grants_apply
from xat import sqlfiles
from xat.sqlfiles import SQL_DIR

IDEMPOTENT_DIR = SQL_DIR / "idempotent"
EDITIONS = ("apache", "timescale")  # SHOW timescaledb.license


def schema_idempotent_apply(*, using: str = "default", directory: Path = IDEMPOTENT_DIR) -> list[str]:
    """Applies the idempotent layer to the database `using`; returns the files run."""
    applied = []
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        edition = database_edition(cursor)
        for path in sorted(directory.glob("*.sql")):
            if file_edition(path) in (None, edition):
                cursor.execute(path.read_text())
                applied.append(path.name)
        # The views were created again: their grants with them.
        analytics_grants_apply(cursor)
        if edition == "timescale":
            aggregate_policies_apply(cursor)
    return applied


def database_edition(cursor) -> str:
    cursor.execute(sqlfiles.query("timescaledb_license"))
    return cursor.fetchone()[0] or "apache"


def file_edition(path: Path) -> str | None:
    """The edition a file is for, from its name; None: both."""
    return next((edition for edition in EDITIONS if path.stem.endswith(f"_{edition}")), None)
