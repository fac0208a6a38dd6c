"""The analytics schema on the Community edition (continuous aggregates), on the PGlite
TimescaleDB-TSL engine (tests/tsl.py): same views, same filter.

What PGlite cannot do (checked by hand, 2026-11): its server logs every client in as the
superuser `postgres` whatever the user and password, so a role cannot log in with its own
password; statement_timeout is not enforced (pg_sleep(2) under a 1 s timeout completes); a
GRANT or REVOKE on the database fails ("tuple concurrently deleted"), so there CONNECT is
left to PUBLIC and TEMPORARY is not revoked (0006_analytics.sql and analytics_grants_apply
tolerate it); RESET SESSION AUTHORIZATION and rollbacks do not restore the session user. The role's view of the data is therefore taken with SET SESSION AUTHORIZATION,
which sets session_user (the filter's key) exactly as a login would. Everything runs in the
test's transaction and is rolled back, roles included.
"""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections

from accounts.models import Organization
from metrics.analytics import sql_role_create
from metrics.models import Collector
from tests.analytics.test_contract import TIME_SERIES

pytestmark = pytest.mark.django_db(databases=["tsl"])
START = datetime(2026, 1, 10, 20, 0, tzinfo=UTC)


def _samples(organization: Organization, collector: Collector, *, idle: float) -> None:
    """Two hours of one tick a minute in every family."""
    times = [START + timedelta(minutes=minute) for minute in range(120)]
    keys = [(organization.pk, collector.pk, moment) for moment in times]
    rows = {
        "cpu_sample (organization_id, collector_id, time, cpu, counters, user_pct, idle_pct)":
            [(*key, -1, [0] * 10, 100 - idle, idle) for key in keys],
        "memory_sample (organization_id, collector_id, time, mem_total_kb, mem_used_kb, mem_used_pct)":
            [(*key, 1000, 400, 40.0) for key in keys],
        "disk_sample (organization_id, collector_id, time, device, in_total, counters, util_pct)":
            [(*key, "sda", True, [0] * 17, 5.0) for key in keys],
        "network_sample (organization_id, collector_id, time, interface, in_total, counters, rx_kb_ps)":
            [(*key, "eth0", True, [0] * 16, 12.5) for key in keys],
        "filesystem_sample (organization_id, collector_id, time, mount, block_size, blocks_total,"
        " blocks_available, size_bytes, available_bytes, use_pct)":
            [(*key, "/", 4096, 100, 60, 409600, 245760, 40.0) for key in keys],
        "disk_total_sample (organization_id, collector_id, time, disks, util_pct)": [(*key, 1, 5.0) for key in keys],
        "network_total_sample (organization_id, collector_id, time, interfaces, rx_kb_ps)":
            [(*key, 1, 12.5) for key in keys],
    }
    with connections["tsl"].cursor() as cursor:
        for table, values in rows.items():
            width = len(values[0])
            placeholders = ", ".join("(" + ", ".join(["%s"] * width) + ")" for _ in values)
            cursor.execute(f"INSERT INTO {table} VALUES {placeholders}", [value for row in values for value in row])


@pytest.fixture
def tenants():
    made = {}
    for slug, idle in (("tsl-acme", 30.0), ("tsl-globex", 90.0)):
        organization = Organization.objects.using("tsl").create(slug=slug, name=slug)
        collector = Collector.objects.using("tsl").create(organization=organization, name=f"{slug}-host",
                                                          hostname=f"{slug}.example", tags=["tsl"])
        _samples(organization, collector, idle=idle)
        made[slug] = sql_role_create(organization=organization, role_name=slug.replace("-", "_"), using="tsl")
    return made


@contextmanager
def _as(role_name: str):
    """A cursor whose session_user is role_name. Back to the superuser explicitly: in PGlite
    neither RESET SESSION AUTHORIZATION nor a rollback restores it (the engine would stay
    on the role, dropped by the rollback: "invalid role OID" for every later test)."""
    with connections["tsl"].cursor() as cursor:
        cursor.execute("SELECT session_user")
        (superuser,) = cursor.fetchone()
        cursor.execute(f'SET SESSION AUTHORIZATION "{role_name}"')
        try:
            yield cursor
        finally:
            cursor.execute(f'SET SESSION AUTHORIZATION "{superuser}"')


def test_it_runs_on_the_community_edition(tsl_database):
    assert tsl_database.is_tsl
    with connections["tsl"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM timescaledb_information.continuous_aggregates")
        assert cursor.fetchone()[0] == 21
        cursor.execute("SELECT count(*) FROM pg_views WHERE schemaname = 'analytics'")
        assert cursor.fetchone()[0] == 1 + len(TIME_SERIES)


def test_it_reads_its_organizations_rows_from_every_view_through_the_continuous_aggregates(tenants):
    with _as("tsl_acme") as cursor:
        cursor.execute("SELECT session_user, current_user")
        assert cursor.fetchone() == ("tsl_acme", "tsl_acme")
        for view in ["hosts", *TIME_SERIES]:
            cursor.execute(f"SELECT organization, collector, count(*) FROM analytics.{view} GROUP BY 1, 2")
            assert cursor.fetchall() == [("tsl-acme", "tsl-acme-host", _count(view))], view
        cursor.execute("SELECT avg(idle_pct_avg) FROM analytics.cpu_1h")
        assert cursor.fetchone()[0] == pytest.approx(30.0)


def _count(view: str) -> int:
    if view == "hosts":
        return 1
    return {"raw": 120, "1m": 120, "1h": 2, "1d": 1}[view.rsplit("_", 1)[1]]


def test_it_cannot_read_the_continuous_aggregates_or_the_tables_directly(tenants):
    from django.db import transaction

    with _as("tsl_acme") as cursor:
        for relation in ("public.cpu_1m", "public.cpu_sample", "public.metrics_collector", "analytics_private.role"):
            with pytest.raises(Exception, match="permission denied"), transaction.atomic(using="tsl"):
                cursor.execute(f"SELECT count(*) FROM {relation}")
        with pytest.raises(Exception, match="permission denied"), transaction.atomic(using="tsl"):
            cursor.execute("SET ROLE tsl_globex")
