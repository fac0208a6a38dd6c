"""A group's new sample rows, written by one binary COPY per raw sample table.

    copy = SampleCopy()
    copy.add(organization_id=..., collector_id=..., times=[...], rows=SampleRows)
    copy.flush()     # in the caller's transaction; the buffer is empty again

Only ticks newer than their collector's newest stored tick come this way: nothing in the
tables can conflict with them, so COPY (no upsert) is enough. A table's columns are the
rows' own keys (metrics.ingest.SampleRows builds them; `t` becomes `time`, `item` the
family's item column), their types read from the catalog once per process: no column list
is written twice. Binary COPY because adapting rows to text cost twice as much client CPU
as the binary dumpers (154,000 against 74,000 rows/s into the same tables, in process).
"""

import struct
from datetime import UTC, datetime
from functools import cache
from operator import itemgetter

from django.db import connection
from psycopg import postgres, sql
from psycopg.adapt import Dumper
from psycopg.pq import Format

from metrics.ingest import SampleRows
from xat import sqlfiles

TICK_TABLE = "sample_tick"
_KEY_COLUMNS = ("organization_id", "collector_id", "time")


class _CountersDumper(Dumper):
    """A row's counters (a tuple of ints) as a binary bigint[]: one struct.pack, 2 us where
    psycopg's generic list dumper took about 20 (it was the largest client cost of a COPY)."""

    format = Format.BINARY
    oid = postgres.types["int8"].array_oid

    def dump(self, counters) -> bytes:
        fields = [8, 0] * len(counters)  # each element: its length, its value
        fields[1::2] = counters
        # ndim 1, no NULL, element type int8, the length, lower bound 1
        return _array_struct(len(counters)).pack(1, 0, postgres.types["int8"].oid, len(counters), 1, *fields)


@cache
def _array_struct(length: int) -> struct.Struct:
    return struct.Struct(">5i" + "iq" * length)


def _table(family: str) -> str:
    return f"{family}_sample"


@cache
def column_types() -> dict[str, dict[str, int]]:
    """Each raw sample table's columns and their type oids, read once per process through
    Django's connection."""
    tables = [TICK_TABLE] + [_table(family) for family in SampleRows.FAMILIES]
    types: dict[str, dict[str, int]] = {table: {} for table in tables}
    for table, column, type_oid in sqlfiles.fetch_all("sample_table_columns", tables=tables):
        types[table][column] = type_oid
    return types


class SampleCopy:
    """Rows waiting for their COPY, per table, as tuples in the table's column order."""

    def __init__(self):
        self._ticks: list[tuple] = []
        self._rows: dict[str, list[tuple]] = {family: [] for family in SampleRows.FAMILIES}
        self._columns: dict[str, tuple[str, ...]] = {}  # per family: the rows' value keys
        self._times: dict[int, datetime] = {}

    def _time(self, t: int) -> datetime:
        moment = self._times.get(t)
        if moment is None:
            moment = self._times[t] = datetime.fromtimestamp(t, UTC)
        return moment

    def add(self, *, organization_id: int, collector_id: int, times: list[int], rows: SampleRows) -> None:
        """The new ticks `times` of one collector and their rows."""
        self._ticks += [(organization_id, collector_id, self._time(t)) for t in times]
        for family, family_rows in rows.rows.items():
            if not family_rows:
                continue
            names = self._columns.get(family)
            if names is None:
                names = self._columns[family] = tuple(name for name in family_rows[0] if name not in ("t", "item"))
            # The row's values in the table's order by one C call (a generator over the
            # names cost a third of this method).
            values = itemgetter(*(("item",) if family in SampleRows.ITEM_COLUMNS else ()), *names, "t")
            time = self._time
            self._rows[family] += [
                (organization_id, collector_id, time(row_values[-1]), *row_values[:-1])
                for row_values in map(values, family_rows)
            ]

    def flush(self) -> None:
        """COPYs what was added, in the caller's transaction (Django's connection), and
        empties the buffer."""
        # COPY goes past Django's cursor wrapper: its errors are made Django's here, as a
        # statement's are (callers answer a DatabaseError, e.g. 503 to an agent).
        with connection.wrap_database_errors, connection.cursor() as cursor:
            cursor.adapters.register_dumper(None, _CountersDumper)
            for statement, types, rows in self._copies():
                with cursor.copy(statement) as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)

    def _copies(self):
        """(COPY statement, column types, rows) of each table with rows; the buffer emptied."""
        tables = [(TICK_TABLE, _KEY_COLUMNS, self._ticks)]
        for family, rows in self._rows.items():
            item = (SampleRows.ITEM_COLUMNS[family],) if family in SampleRows.ITEM_COLUMNS else ()
            tables.append((_table(family), _KEY_COLUMNS + item + self._columns.get(family, ()), rows))
        self._ticks = []
        self._rows = {family: [] for family in SampleRows.FAMILIES}
        for table, columns, rows in tables:
            if rows:
                types = column_types()[table]
                yield _statement(table, columns), [types[column] for column in columns], rows


@cache
def _statement(table: str, columns: tuple[str, ...]) -> str:
    """The COPY of these columns of table, composed once per process: composing it took a
    fifth of a small group's client time."""
    return sql.SQL(sqlfiles.query("samples_copy")).format(
        table=sql.Identifier(table), columns=sql.SQL(", ").join(map(sql.Identifier, columns))).as_string()


