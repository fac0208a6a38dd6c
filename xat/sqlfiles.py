"""The SQL files under sql/: DDL applied by migrations, named queries run by name.

Named queries follow the aiosql convention, one file per area under sql/queries/:

    -- name: cpu_chart
    -- What it returns, and the index or aggregate it relies on.
    SELECT ... WHERE collector_id = %(collector_id)s

Queries run through Django's connection, so they share its transaction (and the test
suite's rollbacks). Parameters are always bound, never formatted into the text.
"""

import re
from functools import cache
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connection, connections
from psycopg.pq import Format

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def ddl(filename: str) -> str:
    """The text of a DDL file under sql/schema/."""
    return (SQL_DIR / "schema" / filename).read_text()


@cache
def named_queries() -> dict[str, str]:
    queries: dict[str, str] = {}
    for path in sorted((SQL_DIR / "queries").glob("*.sql")):
        text = path.read_text()
        marks = list(_NAME_LINE.finditer(text))
        for mark, following in zip(marks, marks[1:] + [None]):
            name = mark.group(1)
            if name in queries:
                raise ValueError(f"{path.name}: query {name!r} is defined twice")
            body = text[mark.end() : following.start() if following else len(text)]
            queries[name] = body.strip().rstrip(";")
    return queries


def query(name: str) -> str:
    try:
        return named_queries()[name]
    except KeyError:
        raise KeyError(f"no named query {name!r} under sql/queries/") from None


def fetch_all(name: str, **params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query(name), params)
        return cursor.fetchall()


def fetch_dicts(name: str, *, using: str = DEFAULT_DB_ALIAS, **params) -> list[dict]:
    """Rows as dicts, read in binary: for result sets of thousands of floats and times
    (charts), psycopg reads binary ~15x faster than text (12 ms -> 0.8 ms for 2,163 rows of
    14 columns, docs/performance.md). Still Django's cursor, so queries stay counted."""
    with connections[using].cursor() as cursor:
        cursor.cursor.format = Format.BINARY
        cursor.execute(query(name), params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def fetch_one(name: str, **params) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(query(name), params)
        return cursor.fetchone()


def execute(name: str, **params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query(name), params)
        return cursor.rowcount
