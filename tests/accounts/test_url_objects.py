"""An object named in the URL is fetched once per request: OrganizationAPIView's
url_objects (accounts/tenancy.py) resolves it, and the view uses what it resolved."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from tests.personas import api_client, api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db


def _collector(acme):
    return "metrics_collector", collector_make(acme.organization).pk


def _key(acme):
    return "accounts_apikey", api_key_make(acme.organization)[0].pk


def _member(acme):
    return "accounts_membership", Membership.objects.get(user=acme.viewer).pk


# (method, path, body, the object's maker): a detail view of each kind, reading and writing.
CASES = [
    ("get", "/api/collectors/{}/", None, _collector),
    ("patch", "/api/collectors/{}/", {"description": "edge"}, _collector),
    ("delete", "/api/collectors/{}/", None, _collector),
    ("post", "/api/keys/{}/rotate/", None, _key),
    ("delete", "/api/keys/{}/", None, _key),
    ("patch", "/api/organization/members/{}/", {"role": "analyst"}, _member),
    ("delete", "/api/organization/members/{}/", None, _member),
]


def _organization_lookups(queries, *, table: str, pk: int, organization_id: int) -> int:
    """The SELECTs that look the object up within its organization (object_get_for_org's)."""
    looked_up = re.compile(rf'FROM "{table}".* WHERE .*"{table}"\."id" = {pk}\b')
    return sum(1 for query in queries if query["sql"].startswith("SELECT") and looked_up.search(query["sql"])
               and f'"{table}"."organization_id" = {organization_id}' in query["sql"])


@pytest.mark.parametrize("method, path, body, make", CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_it_fetches_the_object_once(method, path, body, make):
    acme = team_make("acme")
    table, pk = make(acme)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(api_client(acme.admin), method)(path.format(pk), body, format="json")
    assert response.status_code < 300, response.content
    assert _organization_lookups(queries.captured_queries, table=table, pk=pk,
                                 organization_id=acme.organization.pk) == 1
