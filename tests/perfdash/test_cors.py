"""CORS for the perf-dashboard served from another origin (contract §1.4, C19, S3): real
preflights and real reads, from an allowed origin and from one that is not allowed."""

import pytest

from tests.conftest import manage
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
DASHBOARD = "http://dashboard.example:5173"
ELSEWHERE = "https://evil.example"
CONTRACT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
PATHS = {
    "JWT auth": "/api/v1/auth/user/",
    "dashboard": "/dashboard/api/collectors/",
    "login": "/api/v1/auth/token/",
    "refresh": "/api/v1/auth/token/refresh/",
    "collector management": "/api/v1/collectors/",
}


@pytest.fixture(autouse=True)
def dashboard_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [DASHBOARD]


def preflight(path: str, *, origin: str, method: str, headers: str = "authorization, content-type"):
    return api_client().options(path, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
                                HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers)


def listed(header_value: str) -> set[str]:
    return {item.strip().lower() for item in header_value.split(",")}


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
@pytest.mark.parametrize("method", CONTRACT_METHODS)
def test_it_answers_a_preflight_from_the_dashboards_origin(path, method):
    response = preflight(path, origin=DASHBOARD, method=method,
                         headers="authorization, content-type, x-organization")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == DASHBOARD
    assert {method.lower() for method in CONTRACT_METHODS} <= listed(response["Access-Control-Allow-Methods"])
    assert {"authorization", "content-type", "x-organization"} <= listed(response["Access-Control-Allow-Headers"])
    assert response["Access-Control-Max-Age"] == "86400"
    assert response["Access-Control-Allow-Credentials"] == "true"  # harmless: no cookie is ever read


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_it_gives_another_origin_no_cors_permission(path):
    response = preflight(path, origin=ELSEWHERE, method="GET")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


def test_a_read_from_the_dashboards_origin_carries_the_permission_and_one_from_elsewhere_does_not():
    acme = team_make("acme")
    collector_make(acme.organization, name="web-1")
    client = api_client(acme.viewer)
    allowed = client.get("/dashboard/api/collectors/", HTTP_ORIGIN=DASHBOARD)
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == DASHBOARD
    refused = client.get("/dashboard/api/collectors/", HTTP_ORIGIN=ELSEWHERE)
    assert "Access-Control-Allow-Origin" not in refused


def test_a_401_carries_the_permission_so_the_dashboard_can_see_it_and_refresh():
    response = api_client().get("/api/v1/auth/user/", HTTP_ORIGIN=DASHBOARD)
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == DASHBOARD


def test_it_reads_the_allow_list_from_the_environment():
    shown = "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)"
    configured = manage("shell", "--no-imports", "-c", shown, env={"CORS_ALLOWED_ORIGINS": f"{DASHBOARD}, https://perf.example"})
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.strip() == repr([DASHBOARD, "https://perf.example"])
    development = manage("shell", "--no-imports", "-c", shown, env={"XAT_MODE": "development"})
    assert development.stdout.strip() == repr(["http://localhost:3000", "http://localhost:5173"])


def test_it_never_authenticates_the_api_by_a_cookie_session(client):
    """§11.2 S3: a user signed in by cookie (e.g. to /admin/) is not a caller of the API, so
    another site cannot read the API with the victim's cookie, allowed origin or not."""
    acme = team_make("acme")
    collector_make(acme.organization, name="web-1")
    client.force_login(acme.admin)
    for path in ("/api/v1/collectors/", "/dashboard/api/collectors/", "/api/v1/auth/user/"):
        response = client.get(path, HTTP_ORIGIN=DASHBOARD)
        assert response.status_code == 401, path
        assert "web-1" not in response.content.decode()
