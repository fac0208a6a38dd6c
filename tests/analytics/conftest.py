"""Two organizations with real captures replayed the way pcc sends them, committed (the
analytics roles read them from connections of their own), and one analytics role each.

    acme:   web-1 (azure-loadtest-3, tags web+prod) and db-1 (azure-pcc-test-01, tags db+prod)
    globex: globex-web (azure-loadtest-3 again): the outsider whose rows must stay invisible
    plus two more roles of acme: hasty (statement timeout 1 s) and frugal (2 connections)

Everything made here is removed at the end of each test module (collectors with their
samples and aggregates, organizations, roles, the aggregates' watermark), since roles and
committed rows outlive transactions. Module scope, not package: without __init__.py files
pytest would keep a "package" fixture for the whole session, and the rows would reach other
packages' tests.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import connection
from django.test import Client

from accounts.models import Organization
from metrics import timescale
from metrics.aggregates import aggregates_refresh
from metrics.analytics import SqlRoleCredentials, sql_role_create, sql_role_revoke
from metrics.collectors import collector_delete
from metrics.models import Collector
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES

MATERIALIZED_UNTIL = datetime(2026, 1, 10, 20, 40, 30, tzinfo=UTC)  # inside azure-loadtest-3
CAPTURE = {path.name: path for path in CAPTURES}
HOSTS = {
    "analytics-acme": [
        ("web-1", "web-1.acme.example", ["web", "prod"], "azure-loadtest-3"),
        ("db-1", "db-1.acme.example", ["db", "prod"], "azure-pcc-test-01"),
    ],
    "analytics-globex": [
        ("globex-web", "web.globex.example", ["web", "secret-project"], "azure-loadtest-3"),
    ],
}


@dataclass
class Tenant:
    organization: Organization
    collectors: list[Collector]
    role: SqlRoleCredentials

    def connect(self, **kwargs) -> psycopg.Connection:
        return connect(self.role, **kwargs)


@dataclass
class AnalyticsData:
    acme: Tenant
    globex: Tenant
    hasty: SqlRoleCredentials  # acme's, with a statement timeout of 1 s
    frugal: SqlRoleCredentials  # acme's, at most 2 connections


def connect(role: SqlRoleCredentials, **kwargs) -> psycopg.Connection:
    """A connection as the analytics role, with the connection string it was given."""
    return psycopg.connect(role.dsn, autocommit=True, connect_timeout=10, **kwargs)


def _replay(organization_slug: str) -> tuple[Organization, list[Collector]]:
    organization, key = organization_with_ingest_key(organization_slug)
    client = Client()
    collectors = []
    for name, hostname, tags, capture in HOSTS[organization_slug]:
        identifier = f"{organization_slug}-{name}"
        for tick in capture_ticks(CAPTURE[capture]):
            assert post_like_pcc(client, key, envelope(identifier, tick)).status_code == 200
        Collector.objects.filter(organization=organization, identifier=identifier).update(
            name=name, hostname=hostname, tags=tags)
        collectors.append(Collector.objects.get(organization=organization, identifier=identifier))
    return organization, collectors


@pytest.fixture(scope="module")
def analytics_data(django_db_setup, django_db_blocker):
    """Committed: test modules must still be marked django_db, so that pytest-django sets up
    the test database even when only these tests are selected."""
    tenants, roles, created = {}, [], []
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"
        try:
            for slug in HOSTS:
                organization, collectors = _replay(slug)
                created.extend(collector.pk for collector in collectors)
                role = sql_role_create(organization=organization, role_name=slug.replace("-", "_"))
                roles.append(role.role_name)
                tenants[slug] = Tenant(organization, collectors, role)
            if timescale.aggregate_mode() == "incremental":
                # Half materialized: azure-loadtest-3's minutes up to 20:40 and its earlier
                # hours and days come from aggregate_store, the rest is computed live.
                aggregates_refresh(now=MATERIALIZED_UNTIL)
            acme = tenants["analytics-acme"].organization
            hasty = sql_role_create(organization=acme, role_name="analytics_acme_hasty", statement_timeout_seconds=1)
            roles.append(hasty.role_name)
            frugal = sql_role_create(organization=acme, role_name="analytics_acme_frugal", connection_limit=2)
            roles.append(frugal.role_name)
            yield AnalyticsData(tenants["analytics-acme"], tenants["analytics-globex"], hasty, frugal)
        finally:
            for role_name in roles:
                sql_role_revoke(role_name=role_name)
            for collector in Collector.objects.filter(organization__slug__in=list(HOSTS)):
                collector_delete(collector=collector)
            Organization.objects.filter(slug__in=list(HOSTS)).delete()
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM aggregate_invalidation WHERE collector_id = ANY (%s)", [created])
                cursor.execute("UPDATE aggregate_watermark SET materialized_until = DEFAULT, pending_until = DEFAULT")
