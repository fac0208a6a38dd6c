"""The SQL files under sql/: DDL applied by migrations, named queries run by name.

Named queries follow the aiosql convention, one file per area under sql/queries/:

    -- name: cpu_chart
    -- What it returns, and the index or aggregate it relies on.
    SELECT ... WHERE collector_id = %(collector_id)s

Queries run through Django's connection, so they share its transaction (and the test
suite's rollbacks). Parameters are always bound, never formatted into the text, with two
exceptions, each a plain name written as a text literal, one statement per value:
- an aggregate level. A query over the `<family>_levels` views writes `level = {level}` and
  is run with `at_level=` a level's name ('raw', '1m', ...: the catalogue's,
  metrics/catalogue.py): the planner then keeps only that level's branch of the view even
  in a generic (cached) plan, where a bound level would keep all four and start each of
  them at every run (docs/performance.md, "Dashboard");
- a chart's statistic. A chart query picks each metric's column with
  `CASE {stat} WHEN 'min' THEN ..._min ...` and is run with `with_stat=` ('avg', 'min',
  'max'): the planner folds the CASE to one column and reads only that one, where a bound
  statistic made every row carry all three through the plan (a 30-day network chart, 2,163
  rows: 7.3 -> 5.0 ms to execute and fetch).
"""

import re
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import DEFERRED
from psycopg.pq import Format

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
# A level's or statistic's name, safe as a literal (this layer does not know which exist:
# the catalogue and the dashboard do, above it).
_WRITTEN_NAME = re.compile(r"[a-z0-9]+")
_NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def ddl(filename: str) -> str:
    """The text of a DDL file under sql/schema/. Not for migrations, which read their
    versioned files through their own package (metrics/migrations/_versioned.py)."""
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


@cache
def query(name: str, *, at_level: str | None = None, with_stat: str | None = None) -> str:
    try:
        text = named_queries()[name]
    except KeyError:
        raise KeyError(f"no named query {name!r} under sql/queries/") from None
    for keyword, placeholder, value in (("at_level", "{level}", at_level), ("with_stat", "{stat}", with_stat)):
        if (placeholder in text) != (value is not None):
            raise ValueError(f"query {name!r}: {keyword} is required by {placeholder}, and only by it")
        if value is None:
            continue
        if not _WRITTEN_NAME.fullmatch(value):
            raise ValueError(f"not a name to write into a query ({keyword}): {value!r}")
        text = text.replace(placeholder, f"'{value}'::text")
    return text


def fetch_all(name: str, **params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query(name), params)
        return cursor.fetchall()


def fetch_rows(name: str, *, using: str = DEFAULT_DB_ALIAS, at_level: str | None = None,
               with_stat: str | None = None, prepare: bool = False, **params) -> tuple[list[str], list[tuple]]:
    """Column names and rows (tuples), read in binary: for result sets of thousands of floats
    and times (charts), psycopg reads binary ~15x faster than text (12 ms -> 0.8 ms for 2,163
    rows of 14 columns, docs/performance.md). Still Django's cursor, so queries stay counted.
    prepare: prepared on the connection at its first run, not its PGPREPARE_THRESHOLD-th
    (unless prepared statements are off)."""
    database = connections[using]
    with database.cursor() as cursor, _prepared_at_first_run(database.connection if prepare else None):
        cursor.cursor.format = Format.BINARY
        cursor.execute(query(name, at_level=at_level, with_stat=with_stat), params)
        return [column.name for column in cursor.description], cursor.fetchall()


def fetch_dicts(name: str, *, using: str = DEFAULT_DB_ALIAS, at_level: str | None = None, prepare: bool = False,
                **params) -> list[dict]:
    """fetch_rows' rows as dicts."""
    columns, rows = fetch_rows(name, using=using, at_level=at_level, prepare=prepare, **params)
    return [dict(zip(columns, row)) for row in rows]


@contextmanager
def _prepared_at_first_run(psycopg_connection):
    """psycopg prepares what runs inside at its first run, on this connection (its own, a
    thread's: nothing else runs on it meanwhile)."""
    threshold = psycopg_connection.prepare_threshold if psycopg_connection is not None else None
    if threshold is None:  # nothing asked, or prepared statements off
        yield
        return
    psycopg_connection.prepare_threshold = 0
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = threshold


def fetch_model(model, name: str, **params):
    """The first row as an instance of model (the columns named after its fields), None
    without one. Lighter than model.objects.raw(): on every agent request (key, collector)
    the raw queryset's machinery cost several times the query."""
    columns, rows = fetch_rows(name, **params)
    return _instance(model, dict(zip(columns, rows[0]))) if rows else None


def fetch_models(name: str, models: dict, **params) -> list[dict]:
    """Each row as {key: instance of models[key]}, for a query joining several tables: its
    columns are named "<key>.<field>" (for a foreign key, the field's column: "user_id").
    The ORM's select_related of the same join cost several times the query to build."""
    columns, rows = fetch_rows(name, **params)
    by_key = {key: [(index, column.partition(".")[2]) for index, column in enumerate(columns)
                    if column.partition(".")[0] == key] for key in models}
    return [{key: _instance(model, {field: row[index] for index, field in by_key[key]})
             for key, model in models.items()} for row in rows]


def _instance(model, row: dict):
    # from_db takes the values in the model's field order, which a table's need not follow;
    # a field the query does not read is deferred (read on first access).
    fields = [field.attname for field in model._meta.concrete_fields]
    values = [row.get(field, DEFERRED) for field in fields]
    for index in _ip_address_indexes(model):
        # Read in binary, an inet comes as an ipaddress object; the ORM's text reads give
        # a str, which is what saving the instance again expects.
        if values[index] is not None and values[index] is not DEFERRED:
            values[index] = str(values[index])
    return model.from_db(DEFAULT_DB_ALIAS, fields, values)


@cache
def _ip_address_indexes(model) -> tuple[int, ...]:
    return tuple(index for index, field in enumerate(model._meta.concrete_fields)
                 if field.get_internal_type() in ("GenericIPAddressField", "IPAddressField"))


def fetch_one(name: str, **params) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(query(name), params)
        return cursor.fetchone()


def execute(name: str, **params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query(name), params)
        return cursor.rowcount
