"""EXPLAIN of a named query as the application runs it: prepared with the parameter types
psycopg sends, then executed under a plan cache mode (force_generic_plan: the plan a
connection caches; force_custom_plan: one made for the parameters), inside a transaction
rolled back afterwards."""

import re

from django.db import connection, transaction
from psycopg import adapt
from psycopg import sql as psycopg_sql


def explain_prepared(sql: str, params: dict, *, options: str,
                     plan_cache_mode: str = "force_generic_plan") -> list[tuple]:
    """EXPLAIN (options) EXECUTE of sql (%(name)s placeholders) with params: its rows."""
    names: list[str] = []

    def number(match):
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    positional = re.sub(r"%\((\w+)\)s", number, sql)
    with transaction.atomic(), connection.cursor() as cursor:
        types = ", ".join(_sent_type(params[name]) for name in names)
        cursor.execute(f"SET LOCAL plan_cache_mode = {plan_cache_mode}")
        cursor.execute(f"PREPARE query_under_test{f'({types})' if types else ''} AS {positional}")
        # EXECUTE takes literals (a utility statement has no bound parameters).
        arguments = psycopg_sql.SQL(", ").join(psycopg_sql.Literal(params[name]) for name in names)
        cursor.execute(psycopg_sql.SQL(f"EXPLAIN ({options}) EXECUTE query_under_test({{}})")
                       .format(arguments).as_string(connection.connection))
        rows = cursor.fetchall()
        cursor.execute("DEALLOCATE query_under_test")
        transaction.set_rollback(True)
    return rows


def _sent_type(value) -> str:
    """The type psycopg binds value as (its dumper's oid: a str goes as unknown, left to the
    statement's context; a small int as smallint, ...), as PREPARE names it."""
    transformer = adapt.Transformer(connection.connection.adapters)
    oid = transformer.get_dumper(value, adapt.PyFormat.AUTO).oid
    info = connection.connection.adapters.types.get(oid)
    if info is None:
        return "unknown"
    return f"{info.regtype}[]" if oid == info.array_oid else info.regtype
