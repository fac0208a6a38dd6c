"""Chunked request bodies (Transfer-Encoding: chunked, no Content-Length), sent for real by
http.client to gunicorn started here (Django's test client cannot send one): read as the
same body with a length would be, within the same limits (xat/request_body.py)."""

import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tests.conftest import gunicorn_serving
from tests.ingest.agent import capture_ticks, envelope
from tests.oracle import CAPTURES, MEMORY_COLUMNS, close, collector_id_of, oracle_rows
from tests.personas import PASSWORD, api_key_make, team_make

pytestmark = pytest.mark.django_db(transaction=True)
CAPTURE = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")
# The 3rd tick: the first that pcprocess's meminfo rows start with (about 4.7 kB as JSON).
TICK = capture_ticks(CAPTURE)[2]
# The server's limits: one tick fits the agent limit, two do not; 64 kB for other bodies.
TRICKLE_MAX_BYTES = 6000
DATA_MAX_BYTES = 65536


@pytest.fixture(scope="module")
def gunicorn_port(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn (one sync worker, as deployed) serving the test database."""
    database = connection.settings_dict
    env = {"WEB_CONCURRENCY": "1", "PGHOST": database["HOST"], "PGPORT": str(database["PORT"]),
           "PGUSER": database["USER"], "PGDATABASE": database["NAME"],
           "XAT_TRICKLE_MAX_BYTES": str(TRICKLE_MAX_BYTES), "DATA_UPLOAD_MAX_MEMORY_SIZE": str(DATA_MAX_BYTES)}
    with gunicorn_serving(env=env, log=tmp_path_factory.mktemp("gunicorn") / "log") as (port, _):
        yield port


def post_chunked(port, path: str, body: bytes, **headers) -> tuple[int, dict, bytes]:
    """POSTs body in 1 kB chunks, with no Content-Length. Returns (status, headers, body)."""
    server = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    try:
        chunks = (body[start:start + 1024] for start in range(0, len(body), 1024))
        server.request("POST", path, body=chunks, headers=headers, encode_chunked=True)
        answer = server.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        server.close()


def test_it_stores_an_agents_chunked_tick_as_pcprocess_read_it(gunicorn_port):
    acme = team_make("acme")
    _, key = api_key_make(acme.organization)

    status, _, answer = post_chunked(gunicorn_port, "/v1/trickle", envelope("host-chunked", TICK), apikey=key)

    assert status == 200, answer
    assert json.loads(answer)["ticks"] == 1
    oracle = next(row for row in oracle_rows(CAPTURE, "proc/meminfo") if int(row["timestamp"]) == TICK[0]["timestamp"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(MEMORY_COLUMNS.values())} FROM memory_sample WHERE collector_id = %s",
                       [collector_id_of("host-chunked")])
        (stored,) = cursor.fetchall()
    assert all(close(ours, oracle[theirs]) for ours, theirs in zip(stored, MEMORY_COLUMNS, strict=True))


def test_it_applies_the_agent_limit_to_a_chunked_body(gunicorn_port):
    acme = team_make("acme")
    _, key = api_key_make(acme.organization)
    next_tick = capture_ticks(CAPTURE)[3]

    status, _, answer = post_chunked(gunicorn_port, "/v1/trickle", envelope("host-chunked", TICK + next_tick),
                                     apikey=key)

    assert status == 413
    assert str(TRICKLE_MAX_BYTES) in json.loads(answer)["error"]


def test_it_reads_a_users_chunked_json(gunicorn_port, django_user_model):
    registration = {"username": "chunky", "email": "chunky@example.com", "password": PASSWORD,
                    "organization": "Chunky Ltd"}

    status, _, answer = post_chunked(gunicorn_port, "/api/auth/register/", json.dumps(registration).encode(),
                                     **{"Content-Type": "application/json"})

    assert status == 201, answer
    assert json.loads(answer)["organizations"][0]["name"] == "Chunky Ltd"
    assert django_user_model.objects.filter(username="chunky", email="chunky@example.com").exists()


def test_it_answers_413_past_the_largest_body_of_its_kind(gunicorn_port):
    status, headers, answer = post_chunked(gunicorn_port, "/api/auth/login/", b" " * (DATA_MAX_BYTES + 1),
                                           **{"Content-Type": "application/json"})

    assert status == 413
    assert headers["Content-Type"] == "application/json"
    assert json.loads(answer) == {"detail": f"The request body is larger than {DATA_MAX_BYTES} bytes."}


def test_it_answers_411_where_the_server_cannot_tell_where_the_body_ends(live_server):
    """Django's own server (runserver, live_server) leaves a chunked body undecoded."""
    acme = team_make("acme")
    _, key = api_key_make(acme.organization)
    address = urlsplit(live_server.url)

    # A small body, sent whole before the answer: the server answers without reading it and
    # closes, which a longer body still being sent would meet as a broken pipe.
    status, _, answer = post_chunked(address.port, "/v1/trickle", envelope("host-chunked", []), apikey=key)

    assert status == 411
    assert json.loads(answer) == {"detail": "A request body needs a Content-Length here."}


@pytest.mark.parametrize("path", ["/api/auth/login/", "/api/v1/auth/token/", "/api/auth/register/"])
def test_it_answers_413_naming_the_limit_for_a_json_body_past_it(client, settings, path):
    """DRF reads a JSON body whole, within Django's DATA_UPLOAD_MAX_MEMORY_SIZE: past it,
    413 with the limit (Django alone answers a bare 400)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "x" * 2000, "password": "y", "name": "z"})
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1000 bytes."}
    small = client.post(path, json.dumps({"username": "x", "password": "y"}), content_type="application/json")
    assert small.status_code != 413


def _early_answer_then_next(port, path: str, body: bytes, **headers) -> tuple[int, dict, int | None]:
    """POSTs body (with its Content-Length) on one connection and reads the answer; then, if
    the answer did not say `Connection: close`, sends GET /health/ on that same connection.
    Returns (status, headers, the second answer's status, or None when it was not sent)."""
    server = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    try:
        server.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        answer = server.getresponse()
        answer.read()
        first = answer.status, {name.lower(): value for name, value in answer.getheaders()}
        if first[1].get("connection", "").lower() == "close":
            return (*first, None)
        server.request("GET", "/health/")
        return (*first, server.getresponse().status)
    finally:
        server.close()


# A body the view never reads (answered before it: no key, no token, a viewer, too large).
UNREAD = b'{"padding": "' + b"x" * 300_000 + b'"}'


@pytest.mark.parametrize("path, headers, status", [
    ("/v1/trickle", {}, 401),
    ("/api/collectors/", {}, 401),
    ("/api/v1/collectors/", {"Authorization": "Bearer not-a-token"}, 401),
    ("/api/auth/login/", {}, 413),
])
def test_an_early_answer_to_an_unread_body_closes_or_keeps_a_usable_connection(gunicorn_port, path, headers, status):
    """Issue 23, §7: the answer said `Connection: keep-alive`, then the server closed the
    socket, so the client's next request on it failed."""
    got, answer_headers, following = _early_answer_then_next(gunicorn_port, path, UNREAD, **headers)
    assert got == status
    assert following in (None, 200), (answer_headers, following)
