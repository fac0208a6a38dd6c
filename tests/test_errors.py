"""Every answer of the API is JSON (xat/errors.py): 503 with Retry-After while the database
is down, on XAT's and the perf-dashboard's endpoints alike; JSON 404, 405 and 500."""

import logging
import subprocess
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import close_old_connections
from django.test import Client

from tests.conftest import ROOT, default_connection_to
from tests.ingest.agent import post_like_pcc
from tests.personas import api_client

DASHBOARD_ORIGIN = "http://localhost:5173"  # allowed by the development CORS default
SOME_UUID = uuid.UUID("72ad92e1-b340-40de-9d94-2f581194ea6d")  # fixed: test ids must agree across xdist workers


def _as_served(request):
    """request() as a server runs it: Django's test client leaves out the request-boundary
    upkeep (close_old_connections), which drops a connection that failed."""
    close_old_connections()
    return request()


def _outage_answers(client) -> dict:
    """name -> (status, Retry-After, body) for a representative request of each kind."""
    user = api_client(get_user_model()(pk=1, username="ghost"))  # a valid token: no database needed
    credentials = {"username": "ghost", "password": "whatever"}
    requests = {
        "XAT list": lambda: user.get("/api/collectors/", HTTP_ORIGIN=DASHBOARD_ORIGIN),
        "XAT detail": lambda: user.get("/api/collectors/1/"),
        "XAT chart": lambda: user.get("/api/dashboard/collectors/1/cpu/"),
        "XAT login": lambda: api_client().post("/api/auth/login/", credentials, format="json"),
        "perf-dashboard detail": lambda: user.get(f"/api/v1/collectors/{SOME_UUID}/"),
        "perf-dashboard chart": lambda: user.get(f"/dashboard/api/collectors/{SOME_UUID}/cpu/",
                                                 HTTP_ORIGIN=DASHBOARD_ORIGIN),
        "perf-dashboard login": lambda: api_client().post("/api/v1/auth/token/", credentials, format="json"),
        "agent": lambda: post_like_pcc(client, "xat_abcdefghij_" + "x" * 43,
                                       b'{"identifier": "h", "measurements": []}'),
    }
    responses = {name: _as_served(request) for name, request in requests.items()}
    for name in ("XAT list", "perf-dashboard chart"):  # the browser may read the status: CORS on it too
        assert responses[name]["Access-Control-Allow-Origin"] == DASHBOARD_ORIGIN, name
    return {name: (response.status_code, response.get("Retry-After"), response.json())
            for name, response in responses.items()}


def test_it_answers_503_with_retry_after_on_every_endpoint_while_the_database_is_down(
    client, spare_cluster, django_db_blocker, caplog
):
    socket_dir, port = spare_cluster
    with django_db_blocker.unblock(), default_connection_to(HOST=str(socket_dir), PORT=port, NAME="xat"):
        # A live connection (this cluster has no TimescaleDB: health says 503 "connected"),
        # then the server stops under it.
        assert client.get("/health/").json()["database"] == "connected"
        subprocess.run(["bash", ROOT / "scripts/pg.sh", "stop", socket_dir.parent, port], check=True)
        try:
            with caplog.at_level(logging.WARNING):
                answers = _outage_answers(client)
                health = _as_served(lambda: client.get("/health/"))
        finally:
            subprocess.run(["bash", ROOT / "scripts/pg.sh", "start", socket_dir.parent, port], check=True,
                           capture_output=True)
        recovered = _as_served(lambda: client.get("/health/"))

    unavailable = (503, "5", {"detail": "The database is unavailable; retry later."})
    assert answers == {
        "XAT list": unavailable, "XAT detail": unavailable, "XAT chart": unavailable, "XAT login": unavailable,
        "perf-dashboard detail": unavailable, "perf-dashboard chart": unavailable,
        "perf-dashboard login": unavailable,
        # The agent paths keep their own answer (pcc reads "error").
        "agent": (503, "5", {"error": "the database is unavailable; nothing was stored, retry later"}),
    }
    assert health.status_code == 503 and health.json()["status"] == "unhealthy"
    assert recovered.json()["database"] == "connected"
    # Logged without a traceback; no driver message in any answer.
    assert all(record.exc_info is None for record in caplog.records)
    assert str(socket_dir) not in str(answers)


@pytest.mark.parametrize("path", ["/nowhere/", "/api/nowhere", f"/dashboard/api/collectors/{SOME_UUID.hex.upper()}/cpu/"])
def test_it_answers_json_404_for_a_path_that_matches_no_route(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method, path, allowed", [
    ("post", "/health/", "GET"),
    ("get", "/v1/trickle", "POST"),
    ("get", "/api/v1/register/", "POST"),
    ("put", "/api/v1/metrics/", "POST"),
])
def test_it_answers_json_405_naming_the_allowed_methods_on_function_views(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Allow"] == allowed
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("path", ["/health/", "/", "/api/v1/"])
def test_an_unsafe_method_on_a_get_only_view_is_405_not_a_csrf_refusal(method, path):
    """Issue 23, §7: as a browser or a probe sends it (CSRF checked, no cookie), this was
    `403 {"detail": "Forbidden."}` from Django's CSRF check, before the view could say 405."""
    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response.status_code == 405, response.content
    assert response["Allow"] == "GET"
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_it_answers_json_500_without_the_error_for_a_failure_that_is_not_the_database(monkeypatch):
    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr("metrics.apis.health.timescale_info", broken)
    response = Client(raise_request_exception=False).get("/health/")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


def test_it_answers_json_400_for_a_host_it_does_not_serve(client):
    response = client.get("/health/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad Request."}


@pytest.mark.django_db
def test_it_leaves_the_admins_pages_html(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("staff", "staff@example.com", "pw"))
    response = client.get("/admin/accounts/nothing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
