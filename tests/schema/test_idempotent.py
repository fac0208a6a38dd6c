"""The idempotent layer (metrics/schema.py, sql/idempotent/): applied by every migrate,
the same database after any number of applications, and in agreement with the catalogue."""

import pytest
from django.db import connections

from metrics.analytics import sql_role_create
from metrics.catalogue import FAMILIES, RESOLUTIONS, STATISTICS
from metrics.schema import schema_idempotent_apply
from tests.conftest import manage, spare_database

pytestmark = pytest.mark.django_db


def _rows(statement: str, *params, using: str = "default") -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _columns(relation: str, *, using: str = "default") -> list[tuple[str, str]]:
    """(name, type) of a table, view or materialized view (information_schema omits the last)."""
    return _rows("SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute"
                 " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                 relation, using=using)


def _definitions(*, using: str = "default") -> list[tuple]:
    """Every view's and function's definition in the schemas the layer writes to."""
    return _rows("SELECT schemaname, viewname, definition FROM pg_views"
                 " WHERE schemaname IN ('public', 'analytics', 'aggregate_store') ORDER BY 1, 2", using=using) + _rows(
        "SELECT n.nspname, p.proname, pg_get_functiondef(p.oid) FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname IN ('aggregate_store', 'analytics_private') ORDER BY 1, 2", using=using)


def test_it_leaves_the_database_as_it_was_when_applied_again():
    role = sql_role_create(organization=_organization(), role_name="schema_idempotent_reader")
    before = _definitions()
    schema_idempotent_apply()
    schema_idempotent_apply()
    assert _definitions() == before
    # The views were dropped and created again: an analytics role keeps its grants.
    granted = _rows("SELECT count(*) FILTER (WHERE has_table_privilege(%s, format('analytics.%%I', viewname), 'SELECT')),"
                    " count(*) FROM pg_views WHERE schemaname = 'analytics'", role.role_name)
    assert granted == [(29, 29)]  # hosts, and 7 families x (raw, 1m, 1h, 1d)


def _organization():
    from accounts.models import Organization

    return Organization.objects.create(slug="schema-idempotent", name="Schema idempotent")


def _catalogue_found(family, *, using: str) -> None:
    metric_columns = [(metric.column, metric.sql_type) for metric in family.metrics]
    raw = _columns(family.table, using=using)
    assert [column for column in raw if column[0] in {name for name, _ in metric_columns}] == metric_columns
    key = ["organization_id", "collector_id", "bucket", *([family.item.column] if family.item else [])]
    statistics = [f"{metric.column}_{statistic}" for metric in family.metrics for statistic in STATISTICS]
    for level in RESOLUTIONS[1:]:
        assert [name for name, _ in _columns(f"{family.name}_{level}", using=using)] == [*key, "samples", *statistics]
    assert [name for name, _ in _columns(f"{family.name}_levels", using=using)] == ["level", *key, "samples",
                                                                                     *statistics]


@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES)
def test_it_finds_the_catalogue_in_the_database(family):
    _catalogue_found(family, using="default")


@pytest.mark.django_db(databases=["default", "tsl"])
def test_it_applies_the_same_layer_under_the_community_edition(tsl_database):
    before = _definitions(using="tsl")
    assert schema_idempotent_apply(using="tsl") == ["00_drop_views.sql", "20_aggregate_levels.sql",
                                                    "30_analytics.sql"]
    assert _definitions(using="tsl") == before
    for family in FAMILIES.values():
        _catalogue_found(family, using="tsl")


def test_it_is_applied_by_every_migrate(spare_cluster):
    env = spare_database(spare_cluster, "idempotent")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    dropped = manage("dbshell", "--", "-c", "DROP VIEW analytics.cpu_raw", env=env)
    assert dropped.returncode == 0, dropped.stderr
    again = manage("migrate", "--noinput", env=env)
    assert again.returncode == 0, again.stderr
    assert "Idempotent layer applied" in again.stdout
    found = manage("dbshell", "--", "-Atc", "SELECT to_regclass('analytics.cpu_raw') IS NOT NULL", env=env)
    assert found.stdout.strip() == "t", found
