"""An analytics role, connected with the connection string it was given, reads its own
organization's rows from every view and nothing else, whatever it tries."""

import psycopg
import pytest
from psycopg import errors

from tests.analytics.conftest import connect
from tests.analytics.test_contract import TIME_SERIES

pytestmark = pytest.mark.django_db

VIEWS = ["hosts", *TIME_SERIES]
# What an analyst might try to become someone else or to see everything.
ESCAPES = [
    "SET ROLE analytics_globex",
    "SET ROLE xat",
    "SET SESSION AUTHORIZATION analytics_globex",
    "SET SESSION AUTHORIZATION xat",
    "SELECT set_config('role', 'analytics_globex', false)",
    "SELECT set_config('session_authorization', 'analytics_globex', false)",
    "SELECT analytics_private.organization_id()",
]
HARMLESS = [
    "RESET ROLE",
    "SET ROLE NONE",
    "RESET SESSION AUTHORIZATION",
    "SELECT set_config('xat.organization_id', '1', false)",
    "SET xat.organization = 'analytics-globex'",
    "SET search_path = public, analytics",
    "RESET ALL",
]


def _rows_per_organization(cursor, view: str) -> dict[str, int]:
    cursor.execute(f"SELECT organization, count(*) FROM analytics.{view} GROUP BY 1")
    return dict(cursor.fetchall())


def _globex_rows(cursor, view: str, globex) -> int:
    name, hostname = globex.collectors[0].name, globex.collectors[0].hostname
    cursor.execute(f"SELECT count(*) FROM analytics.{view} WHERE organization = %s OR collector = %s OR hostname = %s"
                   " OR 'secret-project' = ANY (tags)", [globex.organization.slug, name, hostname])
    return cursor.fetchone()[0]


def test_it_reads_its_organizations_rows_from_every_view(analytics_data):
    acme = analytics_data.acme
    with acme.connect() as conn, conn.cursor() as cursor:
        for view in VIEWS:
            assert _rows_per_organization(cursor, view).keys() == {acme.organization.slug}, view
            cursor.execute(f"SELECT DISTINCT collector, hostname FROM analytics.{view} ORDER BY 1")
            assert cursor.fetchall() == [("db-1", "db-1.acme.example"), ("web-1", "web-1.acme.example")], view


def test_it_reads_the_same_rows_as_the_underlying_relations(analytics_data, django_db_blocker):
    from django.db import connection

    acme = analytics_data.acme
    ids = [collector.pk for collector in acme.collectors]
    with acme.connect() as conn, conn.cursor() as cursor, django_db_blocker.unblock():
        for family, relation in (("cpu_raw", "cpu_sample"), ("memory_1m", "memory_1m"), ("disk_1h", "disk_1h"),
                                 ("network_total_1d", "network_total_1d"), ("filesystem_1m", "filesystem_1m")):
            cursor.execute(f"SELECT count(*) FROM analytics.{family}")
            with connection.cursor() as owner:
                owner.execute(f"SELECT count(*) FROM {relation} WHERE collector_id = ANY (%s)", [ids])
                assert cursor.fetchone() == owner.fetchone(), family


def test_it_reads_materialized_and_live_buckets_alike(analytics_data, django_db_blocker):
    """Apache edition: the analytics aggregate views join aggregate_store's buckets and the
    live ones (sql/schema/0007_analytics_apache.sql); the fixture materialized half."""
    from django.db import connection

    from metrics import timescale

    if timescale.aggregate_mode() != "incremental":
        pytest.skip("the Community edition reads continuous aggregates")
    ids = [collector.pk for collector in analytics_data.acme.collectors]
    with connection.cursor() as cursor:
        for level in ("1m", "1h", "1d"):
            cursor.execute(f"SELECT count(*) FILTER (WHERE bucket < xat_aggregate_watermark('{level}')),"
                           f" count(*) FILTER (WHERE bucket >= xat_aggregate_watermark('{level}'))"
                           f" FROM cpu_{level} WHERE collector_id = ANY (%s)", [ids])
            materialized, live = cursor.fetchone()
            assert materialized > 0 and live > 0, level
            with analytics_data.acme.connect() as conn, conn.cursor() as analyst:
                analyst.execute(f"SELECT count(*) FROM analytics.cpu_{level}")
                assert analyst.fetchone() == (materialized + live,), level


def test_it_sees_no_row_of_another_organization_through_any_view(analytics_data):
    acme, globex = analytics_data.acme, analytics_data.globex
    with acme.connect() as conn, conn.cursor() as cursor:
        for view in VIEWS:
            assert _globex_rows(cursor, view, globex) == 0, view
    with globex.connect() as conn, conn.cursor() as cursor:  # and the other way round
        for view in VIEWS:
            assert _rows_per_organization(cursor, view).keys() == {globex.organization.slug}, view


@pytest.mark.parametrize("statement", ESCAPES)
def test_it_cannot_become_another_role_or_call_the_filter(analytics_data, statement):
    with analytics_data.acme.connect() as conn, conn.cursor() as cursor:
        with pytest.raises(errors.InsufficientPrivilege):
            cursor.execute(statement)


def test_it_sees_the_same_rows_after_reset_role_set_config_and_custom_settings(analytics_data):
    acme, globex = analytics_data.acme, analytics_data.globex
    with acme.connect() as conn, conn.cursor() as cursor:
        before = {view: _rows_per_organization(cursor, view) for view in ("hosts", "cpu_raw", "memory_1m")}
        for statement in HARMLESS:
            cursor.execute(statement)
        for failing in ESCAPES:
            with pytest.raises(psycopg.Error):
                cursor.execute(failing)
        cursor.execute("SELECT session_user = current_user")
        assert cursor.fetchone() == (True,)
        for view, rows in before.items():
            assert _rows_per_organization(cursor, view) == rows, view
        for view in VIEWS:
            assert _globex_rows(cursor, view, globex) == 0, view


def test_it_finds_nothing_by_guessing_ids_or_names(analytics_data):
    acme, globex = analytics_data.acme, analytics_data.globex
    theirs = globex.collectors[0]
    with acme.connect() as conn, conn.cursor() as cursor:
        for column in ("organization_id", "collector_id", "id"):
            with pytest.raises(errors.UndefinedColumn):
                cursor.execute(f"SELECT * FROM analytics.cpu_raw WHERE {column} = %s", [theirs.pk])
        cursor.execute("SELECT count(*) FROM analytics.hosts WHERE collector = %s", [theirs.name])
        assert cursor.fetchone() == (0,)
        # The tables themselves, by name: refused, whatever the id.
        for relation in ("public.cpu_sample", "public.cpu_1m", "aggregate_store.cpu_1m", "public.metrics_collector",
                         "public.accounts_organization", "analytics_private.role", "analytics_private.collector",
                         "public.cpu_levels", "public.aggregate_invalidation"):
            with pytest.raises(errors.InsufficientPrivilege):
                cursor.execute(f"SELECT * FROM {relation} LIMIT 1")


def test_it_applies_its_own_conditions_only_to_rows_that_passed_the_filter(analytics_data):
    """security_barrier: a failing cast would print the value it failed on; it must only
    ever meet this organization's values."""
    acme, globex = analytics_data.acme, analytics_data.globex
    with acme.connect() as conn, conn.cursor() as cursor:
        for view in ("hosts", "cpu_raw", "memory_1m", "network_total_1h"):
            with pytest.raises(errors.InvalidTextRepresentation) as raised:
                cursor.execute(f"SELECT count(*) FROM analytics.{view} WHERE (hostname || '/' || collector)::int > 0")
            message = str(raised.value)
            assert "acme.example" in message, message
            assert globex.collectors[0].hostname not in message and "globex" not in message, message


def test_it_can_read_no_relation_outside_analytics_that_holds_tenant_rows(analytics_data):
    timescaledb_catalogs = {"_timescaledb_catalog", "_timescaledb_config", "_timescaledb_cache",
                            "timescaledb_information", "timescaledb_experimental", "_timescaledb_internal",
                            "_timescaledb_debug", "_timescaledb_functions"}
    with analytics_data.acme.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname,"
            "       EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
            "               AND a.attname IN ('organization_id', 'collector_id', 'hostname', 'slug'))"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')"
            "   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'analytics')"
            "   AND (has_table_privilege(c.oid, 'SELECT')"
            "        OR has_any_column_privilege(c.oid, 'SELECT'))")
        readable = cursor.fetchall()
    assert not [row for row in readable if row[2]], readable
    ours = {f"{schema}.{name}" for schema, name, _ in readable if schema not in timescaledb_catalogs}
    assert ours == {"public.aggregate_watermark"}


WRITES = [
    "INSERT INTO analytics.hosts (collector) VALUES ('x')",
    "UPDATE analytics.cpu_raw SET user_pct = 0",
    "DELETE FROM analytics.memory_1m",
    "TRUNCATE analytics.cpu_raw",
    "INSERT INTO public.cpu_sample (organization_id, collector_id, time, cpu, counters) VALUES (1, 1, now(), -1, '{}')",
    "DELETE FROM public.cpu_sample",
    "UPDATE public.metrics_collector SET name = 'x'",
    "INSERT INTO analytics_private.role VALUES (current_user, 1)",
    "UPDATE public.aggregate_watermark SET materialized_until = now()",
    "CREATE TABLE analytics.mine (x int)",
    "CREATE TABLE public.mine (x int)",
    "CREATE TABLE mine (x int)",
    "CREATE SCHEMA mine",
    "CREATE TEMP TABLE mine (x int)",
    "CREATE FUNCTION pg_temp.mine() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE VIEW public.mine AS SELECT 1",
    "COPY (SELECT * FROM analytics.hosts) TO '/tmp/xat-analytics-copy'",
    "COPY analytics.hosts TO '/tmp/xat-analytics-copy'",
    "COPY analytics.hosts FROM '/etc/hostname'",
    "SELECT lo_creat(-1)",
    "SELECT lo_from_bytea(0, 'x')",
    "SELECT lo_import('/etc/hostname')",
    "SELECT pg_read_file('/etc/hostname')",
    "ALTER ROLE analytics_acme CONNECTION LIMIT -1",
    "ALTER VIEW analytics.hosts RESET (security_barrier)",
]


@pytest.mark.parametrize("statement", WRITES)
def test_it_is_refused_every_write_even_in_a_read_write_transaction(analytics_data, statement):
    with analytics_data.acme.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SHOW default_transaction_read_only")
        assert cursor.fetchone() == ("on",)
        # The read-only default is a second fence: lift it, the privileges still refuse.
        cursor.execute("SET default_transaction_read_only = off")
        with pytest.raises((errors.InsufficientPrivilege, errors.WrongObjectType, errors.ObjectNotInPrerequisiteState,
                            errors.FeatureNotSupported)):
            cursor.execute(statement)


def test_it_cannot_pass_its_rights_on(analytics_data):
    with analytics_data.acme.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SET default_transaction_read_only = off")
        cursor.execute("GRANT SELECT ON analytics.hosts TO PUBLIC")  # PostgreSQL: a warning, nothing granted
        cursor.execute("SELECT has_table_privilege('analytics_globex', 'analytics.hosts', 'SELECT'),"
                       " has_table_privilege('public', 'analytics.hosts', 'SELECT')")
        assert cursor.fetchone() == (True, False)


def test_it_has_no_attribute_and_no_membership(analytics_data):
    with analytics_data.acme.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,"
                       " rolconnlimit FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False, False, False, False, False, 5)
        cursor.execute("SELECT count(*) FROM pg_auth_members WHERE member = current_user::regrole")
        assert cursor.fetchone() == (0,)


def test_it_cancels_a_statement_over_its_timeout(analytics_data):
    with connect(analytics_data.hasty) as conn, conn.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("1s",)
        cursor.execute("SELECT count(*) FROM analytics.cpu_raw")  # well under a second
        with pytest.raises(errors.QueryCanceled):
            cursor.execute("SELECT count(*) FROM analytics.cpu_raw, pg_sleep(3)")


def test_it_refuses_connections_beyond_the_limit(analytics_data):
    role = analytics_data.frugal
    with connect(role), connect(role):
        with pytest.raises(psycopg.OperationalError, match="too many connections for role"):
            connect(role)
