"""An object named in the URL is fetched once per request: OrganizationAPIView's
url_objects (accounts/tenancy.py) resolves it, and the view uses what it resolved."""

import re
from uuid import UUID

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from tests.oracle import CAPTURES
from tests.perfdash.shapes import upload
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db


def _collector(acme):
    return "metrics_collector", "id", collector_make(acme.organization).pk


def _collector_by_uuid(acme):
    return "metrics_collector", "uuid", collector_make(acme.organization).uuid


def _key(acme):
    return "accounts_apikey", "id", api_key_make(acme.organization)[0].pk


def _member(acme):
    return "accounts_membership", "id", Membership.objects.get(user=acme.viewer).pk


# (method, path, body, the object's maker): a detail view of each kind, reading and writing,
# XAT's own and the perf-dashboard's (named by UUID).
CASES = [
    ("get", "/api/collectors/{}/", None, _collector),
    ("get", "/api/v1/collectors/{}/", None, _collector_by_uuid),
    ("patch", "/api/v1/collectors/{}/", {"description": "edge"}, _collector_by_uuid),
    ("patch", "/api/collectors/{}/", {"description": "edge"}, _collector),
    ("delete", "/api/collectors/{}/", None, _collector),
    ("post", "/api/keys/{}/rotate/", None, _key),
    ("delete", "/api/keys/{}/", None, _key),
    ("patch", "/api/organization/members/{}/", {"role": "analyst"}, _member),
    ("delete", "/api/organization/members/{}/", None, _member),
]


def _organization_lookups(queries, *, table: str, column: str, value, organization_id: int) -> int:
    """The SELECTs that look the object up within its organization (object_get_for_org's)."""
    in_sql = value.hex if isinstance(value, UUID) else value  # as PostgreSQL is sent a uuid
    looked_up = re.compile(rf'FROM "{table}".* WHERE .*"{table}"\."{column}" = \'?{in_sql}\b')
    return sum(1 for query in queries if query["sql"].startswith("SELECT") and looked_up.search(query["sql"])
               and f'"{table}"."organization_id" = {organization_id}' in query["sql"])


@pytest.mark.parametrize("method, path, body, make", CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_it_fetches_the_object_once(method, path, body, make):
    acme = team_make("acme")
    table, column, value = make(acme)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(api_client(acme.admin), method)(path.format(value), body, format="json")
    assert response.status_code < 300, response.content
    assert _organization_lookups(queries.captured_queries, table=table, column=column, value=value,
                                 organization_id=acme.organization.pk) == 1


def test_it_fetches_the_collector_of_an_upload_once(tmp_path, settings):
    """The perf-dashboard's upload names its collector in the URL; the upload is queued
    for that object, not for its id looked up again (metrics.uploads.jobs.upload_queue)."""
    settings.XAT_UPLOAD_DIR = str(tmp_path)
    acme = team_make("acme")
    collector = collector_make(acme.organization)
    content = (CAPTURES[0] / "collection.ndjson").read_bytes()
    with CaptureQueriesContext(connection) as queries:
        response = upload(api_client(acme.admin), collector, content)
    assert response.status_code == 201, response.content
    lookups = [query["sql"] for query in queries if query["sql"].startswith("SELECT")
               and re.search(r'FROM "metrics_collector".* WHERE', query["sql"])
               and f'"metrics_collector"."organization_id" = {acme.organization.pk}' in query["sql"]]
    assert len(lookups) == 1, lookups
