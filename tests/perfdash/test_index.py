"""GET / and /api/v1/ (contract §9.7): a public index of the API's paths."""

import re
import uuid

import pytest
from django.urls import Resolver404, resolve

from metrics.cloud import urls as cloud_routes
from metrics.loadtests import urls as loadtest_routes
from metrics.perfdash import urls as perfdash_routes
from tests.personas import api_client

pytestmark = pytest.mark.django_db


def _paths(tree) -> list[str]:
    if isinstance(tree, str):
        return [tree]
    return [path for value in tree.values() for path in _paths(value)]


@pytest.mark.parametrize("url", ["/", "/api/v1/"])
def test_it_lists_paths_that_the_api_serves(url):
    response = api_client().get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    paths = _paths(response.json()["endpoints"])
    assert len(paths) > 20 and "/api/v1/collectors/" in paths and "/v1/trickle" in paths
    unserved = []
    for path in paths:
        try:
            resolve(path.replace("{id}", str(uuid.uuid4())).replace("{instance_id}", "i-0123456789abcdef0"))
        except Resolver404:
            unserved.append(path)
    assert not unserved


def test_it_answers_405_to_a_write():
    assert api_client().post("/api/v1/").status_code == 405


def test_it_lists_every_route_of_the_perf_dashboards_api():
    """The index cannot drift from the routes: each pattern of the route files (the
    perf-dashboard's, its load tests' and its cloud inventories') is listed."""
    listed = set(_paths(api_client().get("/api/v1/").json()["endpoints"]))
    missing = []
    for pattern in [*perfdash_routes.urlpatterns, *loadtest_routes.urlpatterns, *cloud_routes.urlpatterns]:
        route = re.sub(r"<uuid:\w+>", "{id}", "/" + str(pattern.pattern)).replace("^", "").replace("/?$", "/")
        route = route.replace("<str:instance_id>", "{instance_id}")
        if route not in listed and route not in ("/", "/api/v1/"):
            missing.append(route)
    assert not missing
