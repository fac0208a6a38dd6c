"""The versioned SQL files (sql/schema/, docs/storage.md "How the schema evolves") that the
migrations apply, read from here: a migration imports nothing that can change after it
merged (application code does), only this reader, frozen with the migrations. Django
loads no migration from a module whose name starts with an underscore."""

from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "sql" / "schema"


def versioned_sql(filename: str) -> str:
    return (SCHEMA_DIR / filename).read_text()
