"""POST /v1/trickle and /api/trickle/ingest/: what pcc and future agents send, and every
way a request can be wrong."""

import gzip
import json

import pytest
from django.db import connection

from tests.conftest import another_session, default_connection_to, free_port
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES
from tests.personas import api_key_make, collector_make, team_make

pytestmark = pytest.mark.django_db
# The 1-vCPU capture: each tick has a `cpu` total and one `cpu0` line, no /proc/cpuinfo.
TICKS = capture_ticks(next(path for path in CAPTURES if path.name == "azure-pcc-test-01"))


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.fixture
def team():
    return team_make("acme")


@pytest.fixture
def org_key(team):
    return api_key_make(team.organization)[1]


def test_it_answers_200_with_counts(client, org_key):
    response = post_like_pcc(client, org_key, envelope("host-a", TICKS[0]))
    assert response.status_code == 200
    body = response.json()
    assert body["error"] is None and body["ticks"] == 1
    assert body["rows"] == _count("cpu_sample") + _count("memory_sample") + _count("disk_sample") + _count(
        "network_sample") + _count("filesystem_sample") + _count("disk_total_sample") + _count("network_total_sample")
    assert body["skipped"] == {"duplicate_ticks": 0, "unparsable": [], "ignored_subsystems": {}}


def test_it_stores_gauges_but_no_rates_for_a_hosts_first_tick(client, org_key):
    post_like_pcc(client, org_key, envelope("host-a", TICKS[0]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(user_pct) FROM cpu_sample")
        assert cursor.fetchone() == (2, 0)  # total + one core, counters only
        cursor.execute("SELECT count(*), count(mem_used_pct) FROM memory_sample")
        assert cursor.fetchone() == (1, 1)


def test_it_takes_the_same_request_on_the_dashboard_path(client, org_key):
    response = post_like_pcc(client, org_key, envelope("host-a", TICKS[0]), path="/api/trickle/ingest/")
    assert response.status_code == 200 and response.json()["ticks"] == 1


def test_it_does_not_redirect_a_trailing_slash(client, org_key):
    response = post_like_pcc(client, org_key, envelope("host-a", TICKS[0]), path="/v1/trickle/")
    assert response.status_code == 200


def test_it_accepts_several_ticks_in_any_order_and_gzip(client, org_key):
    measurements = [item for tick in reversed(TICKS[:5]) for item in tick]
    response = post_like_pcc(client, org_key, envelope("host-a", measurements, compress=True), gzipped=True)
    assert response.status_code == 200 and response.json()["ticks"] == 5
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(user_pct) FROM cpu_sample WHERE cpu = -1")
        assert cursor.fetchone()[0] == 4


def test_it_skips_a_tick_sent_twice(client, org_key):
    post_like_pcc(client, org_key, envelope("host-a", TICKS[0] + TICKS[1]))
    rows = _count("cpu_sample")
    again = post_like_pcc(client, org_key, envelope("host-a", TICKS[1]))
    assert again.status_code == 200
    assert again.json()["ticks"] == 0 and again.json()["skipped"]["duplicate_ticks"] == 1
    assert _count("cpu_sample") == rows


def test_it_gives_no_negative_rate_when_a_counter_goes_down(client, org_key):
    post_like_pcc(client, org_key, envelope("host-a", TICKS[0]))
    rebooted = [dict(item) for item in TICKS[1]]
    for item in rebooted:
        if item["subsystem"] == "/proc/stat":
            item["measurement"] = "cpu  10 0 10 100 0 0 0 0 0 0\ncpu0 10 0 10 100 0 0 0 0 0 0\n"
    assert post_like_pcc(client, org_key, envelope("host-a", rebooted)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(user_pct) FROM cpu_sample WHERE time = to_timestamp(%s)",
                       [rebooted[0]["timestamp"]])
        assert cursor.fetchone() == (2, 0)
        cursor.execute("SELECT count(*) FROM network_sample WHERE rx_kb_ps < 0 OR tx_kb_ps < 0")
        assert cursor.fetchone()[0] == 0


def test_it_keeps_the_rest_of_a_tick_whose_subsystem_cannot_be_parsed(client, org_key):
    broken = [dict(item) for item in TICKS[0]]
    for item in broken:
        if item["subsystem"] == "/proc/meminfo":
            item["measurement"] = "MemTotal: lots kB\n"
    broken.append({"timestamp": broken[0]["timestamp"], "subsystem": "container/docker/abc", "measurement": "{}"})
    response = post_like_pcc(client, org_key, envelope("host-a", broken))
    assert response.status_code == 200
    skipped = response.json()["skipped"]
    assert skipped["unparsable"] == [{"timestamp": broken[0]["timestamp"], "subsystem": "/proc/meminfo",
                                      "reason": "/proc/meminfo: MemTotal value 'lots' is not an integer"}]
    assert skipped["ignored_subsystems"] == {"container": 1}
    assert _count("memory_sample") == 0 and _count("cpu_sample") == 2 and _count("filesystem_sample") > 0


@pytest.mark.parametrize("body, field", [
    (b"{not json", "body"),
    (b"[1, 2]", "body"),
    (json.dumps({"measurements": []}).encode(), "identifier"),
    (json.dumps({"identifier": 7, "measurements": []}).encode(), "identifier"),
    (json.dumps({"identifier": "h"}).encode(), "measurements"),
    (json.dumps({"identifier": "h", "measurements": "x"}).encode(), "measurements"),
    (json.dumps({"identifier": "h", "measurements": [5]}).encode(), "measurements[0]"),
    (json.dumps({"identifier": "h", "measurements": [
        {"timestamp": "1767813011", "subsystem": "/proc/stat", "measurement": ""}]}).encode(),
     "measurements[0].timestamp"),
    (json.dumps({"identifier": "h", "measurements": [
        {"timestamp": 1767813011, "measurement": ""}]}).encode(), "measurements[0].subsystem"),
    (json.dumps({"identifier": "h", "measurements": [
        {"timestamp": 1767813011, "subsystem": "/proc/stat", "measurement": None}]}).encode(),
     "measurements[0].measurement"),
    (b"\xff\xfe", "body"),
])
def test_it_answers_400_naming_the_field(client, org_key, body, field):
    response = post_like_pcc(client, org_key, body)
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["error"]
    assert _count("sample_tick") == 0


def test_it_answers_400_for_a_body_that_is_not_gzip(client, org_key):
    response = post_like_pcc(client, org_key, b"plain", gzipped=True)
    assert response.status_code == 400 and response.json()["field"] == "body"


@pytest.mark.parametrize("key", [None, ""])
def test_it_answers_401_without_a_key(client, key):
    response = post_like_pcc(client, key, envelope("host-a", TICKS[0]))
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API key"}


@pytest.mark.parametrize("key", ["nonsense", "xat_abcdefghij_" + "x" * 43])
def test_it_answers_401_with_a_challenge_for_a_key_matching_none(client, key):
    response = post_like_pcc(client, key, envelope("host-a", TICKS[0]))
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API key", "detail": "Invalid API key"}
    assert response["WWW-Authenticate"] == "ApiKey"


def test_it_answers_403_for_a_collector_key_used_for_another_host(client, team):
    collector = collector_make(team.organization, name="web-1", identifier="host-a")
    _, key = api_key_make(team.organization, collector=collector)
    assert post_like_pcc(client, key, envelope("host-a", TICKS[0])).status_code == 200
    response = post_like_pcc(client, key, envelope("host-b", TICKS[1]))
    assert response.status_code == 403 and response.json()["field"] == "identifier"
    assert _count("sample_tick") == 1


def test_a_collector_key_takes_the_first_identifier_it_brings(client, team):
    collector = collector_make(team.organization, name="web-2")  # no identifier yet
    _, key = api_key_make(team.organization, collector=collector)
    for tick in TICKS[:3]:
        assert post_like_pcc(client, key, envelope("host-c", tick)).status_code == 200
    collector.refresh_from_db()
    assert collector.identifier == "host-c"
    assert post_like_pcc(client, key, envelope("host-d", TICKS[3])).status_code == 403
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT collector_id FROM sample_tick")
        assert cursor.fetchall() == [(collector.pk,)]
    assert _count("sample_tick") == 3


def test_it_answers_413_past_the_limit(client, org_key, settings):
    settings.XAT_TRICKLE_MAX_BYTES = 1000
    response = post_like_pcc(client, org_key, envelope("host-a", TICKS[0]))
    assert response.status_code == 413


def test_it_stops_inflating_a_gzip_bomb_at_the_limit(client, org_key, settings):
    settings.XAT_TRICKLE_MAX_BYTES = 1024 * 1024
    bomb = gzip.compress(b'{"identifier": "' + b"a" * (200 * 1024 * 1024) + b'"}')
    assert len(bomb) < 300 * 1024
    response = post_like_pcc(client, org_key, bomb, gzipped=True)
    assert response.status_code == 413


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_and_stores_nothing_when_the_database_fails(client):
    team = team_make("acme")
    _, key = api_key_make(team.organization)
    # Another session holds cpu_sample: the request's write waits, then times out.
    holder = another_session()
    try:
        holder.execute("LOCK TABLE cpu_sample IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        response = post_like_pcc(client, key, envelope("host-a", TICKS[0]))
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "error" in response.json()
    assert _count("sample_tick") == 0 and _count("memory_sample") == 0
    assert post_like_pcc(client, key, envelope("host-a", TICKS[0])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_it_stores_the_tick_when_the_server_dropped_the_workers_connection(client):
    """The key lookup stands in for Django's health check (accounts/agent_auth.py): on a
    reused connection the server closed, it reconnects and answers 200, as the check would."""
    team = team_make("acme")
    _, key = api_key_make(team.organization)
    assert post_like_pcc(client, key, envelope("host-a", TICKS[0])).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        dropped = cursor.fetchone()[0]
    with another_session(autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [dropped])
    # What Django does at the start of a request with a persistent connection (its test
    # client skips it): the connection is to be checked before its first query.
    connection.health_check_done = False

    response = post_like_pcc(client, key, envelope("host-a", TICKS[1]))
    assert response.status_code == 200, response.content
    assert _count("sample_tick") == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != dropped


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_when_the_database_cannot_be_reached(client):
    with default_connection_to(HOST="127.0.0.1", PORT=free_port()):
        response = post_like_pcc(client, "xat_abcdefghij_" + "k" * 40, envelope("host-a", TICKS[0]))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "unavailable" in response.json()["error"]


def test_it_registers_an_unknown_host_under_an_organization_key(client, team, org_key):
    body = json.dumps({"identifier": "d2da98c4", "hostname": "web-7", "measurements": TICKS[0]}).encode()
    assert post_like_pcc(client, org_key, body).status_code == 200
    assert team.organization.collectors.get(identifier="d2da98c4").name == "web-7"


def test_it_refuses_get(client, org_key):
    assert client.get("/v1/trickle", HTTP_APIKEY=org_key).status_code == 405
