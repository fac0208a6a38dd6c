"""The agent service's own answers (metrics/agent_service/app.py): what pcc and the
perf-dashboard's agents get from it, equal to what Django's agent views answer; its cache of
keys and collectors (no query per request, bounded staleness); the collector's oracle."""

import gzip
import http.client
import json
import time

import pytest
from django.db import connection
from django.test import Client

from accounts.keys import api_key_revoke
from accounts.models import ApiKey, Organization
from metrics.agent_service import app
from metrics.collectors import collector_delete
from metrics.models import Collector, TrickleSession
from tests.faults.stage import agent_post
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of
from tests.personas import api_key_make

CAPTURE = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")
TICKS = capture_ticks(CAPTURE)


def _key(slug: str, **kwargs) -> str:
    return api_key_make(Organization.objects.create(slug=slug, name=slug.title()), **kwargs)[1]


def test_a_capture_trickled_tick_by_tick_equals_the_collectors_own_processing(agent_service):
    key = _key("oracle")
    for tick in TICKS:
        answer = agent_post(agent_service.port, key, envelope("host-oracle", tick))
        assert answer.status == 200 and answer.body["ticks"] == 1, answer
    collector_id = collector_id_of("host-oracle")
    assert assert_stored_matches_oracle(CAPTURE, collector_id) > 1000
    session = TrickleSession.objects.get(collector_id=collector_id)
    assert session.sample_count == len(TICKS) and answer.body["session_id"] == str(session.pk)


def test_its_answers_are_django_views_answers(agent_service):
    """The same requests to the service and to Django's view (the test client) answer the
    same status and body, session ids and the time-dependent parts aside."""
    key = _key("same-answers")
    collector = Collector.objects.create(organization=Organization.objects.get(slug="same-answers"), name="bound")
    collector_key = api_key_make(collector.organization, collector=collector)[1]
    body = envelope("host-same", TICKS[0])
    cases = [
        (key, body, {}),  # stored
        (key, body, {}),  # a duplicate
        (None, body, {}),  # no key
        ("xat_abcdefghij_" + "x" * 40, body, {}),  # no such key
        (key, b"{", {}),  # not JSON
        (key, b'{"identifier": "x", "measurements": {}}', {}),  # a field wrong
        (key, b'{"identifier": "", "measurements": []}', {}),
        (key, b'{"identifier": "host-same", "measurements": []}', {}),  # nothing to store
        (key, gzip.compress(envelope("host-same", TICKS[1])), {"Content-Encoding": "gzip"}),
        (key, body, {"Content-Encoding": "br"}),
        (collector_key, envelope("host-a", TICKS[0]), {}),  # binds its identifier
        (collector_key, envelope("host-b", TICKS[0]), {}),  # another identifier: 403
    ]
    for number, (raw_key, payload, headers) in enumerate(cases):
        served = agent_post(agent_service.port, raw_key, payload, **headers)
        if number in (0, 8, 10):  # stored: the view would find them duplicates
            assert served.status == 200 and served.body["ticks"] == 1, (number, served)
            continue
        viewed = post_like_pcc(Client(), raw_key, payload, **headers)
        assert served.status == viewed.status_code, (number, served, viewed.content)
        assert served.body == viewed.json(), number
        for header in ("www-authenticate", "retry-after"):
            assert served.headers.get(header) == viewed.headers.get(header), (number, header)


@pytest.mark.parametrize("path", ["/v1/trickle/", "/api/trickle/ingest/"])
def test_it_serves_the_other_trickle_paths(agent_service, path):
    answer = agent_post(agent_service.port, _key("paths"), envelope("host-paths", TICKS[0]), path=path)
    assert answer.status == 200 and answer.body["ticks"] == 1


def test_it_stores_the_perf_dashboards_json_measurements_without_a_session(agent_service):
    key = _key("metrics")
    body = json.dumps({"identifier": "host-metrics", "metrics": TICKS[0]}).encode()
    answer = agent_post(agent_service.port, key, body, path="/api/v1/metrics/")
    assert (answer.status, answer.body) == (200, {"status": "received", "metrics_count": 1})
    assert not TrickleSession.objects.filter(collector_id=collector_id_of("host-metrics")).exists()
    assert agent_post(agent_service.port, key, b"{}", path="/api/v1/metrics/").body == {
        "error": "No file or metrics provided"}


@pytest.mark.parametrize("path, field", [("/v1/trickle", "measurements"), ("/api/v1/metrics/", "metrics")])
def test_a_deeply_nested_statfs_is_skipped_and_the_rest_stored(agent_service, path, field):
    """As Django's views (tests/ingest/test_limits.py): no RecursionError's 500."""
    tick = [dict(item, measurement="[" * 5000 + "]" * 5000) if item["subsystem"] == "statfs[*]" else item
            for item in TICKS[1]]
    body = json.dumps({"identifier": "host-nested", field: tick}).encode()
    answer = agent_post(agent_service.port, _key("nested"), body, path=path)
    assert answer.status == 200, answer
    collector_id = collector_id_of("host-nested")
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM filesystem_sample WHERE collector_id = %(c)s),"
                       " (SELECT count(*) FROM memory_sample WHERE collector_id = %(c)s)", {"c": collector_id})
        assert cursor.fetchone() == (0, 1)


def test_a_body_past_the_limit_is_413_before_it_is_read_whole(agent_service, settings):
    settings.XAT_TRICKLE_MAX_BYTES = 1000
    key = _key("large")
    assert agent_post(agent_service.port, key, b" " * 1001).status == 413
    bomb = gzip.compress(b" " * 100_000)
    assert agent_post(agent_service.port, key, bomb, Content_Encoding="gzip").status == 413


@pytest.mark.parametrize("key, size, status", [(None, 300_000, 401), ("not-a-key", 300_000, 401),
                                               ("valid", 11_000_000, 413)])
def test_an_early_answer_to_an_unread_body_closes_or_keeps_a_usable_connection(agent_service, key, size, status):
    """Issue 23, §7: as for gunicorn (tests/test_request_body.py), the next request on the
    connection is served, or the answer said `Connection: close`."""
    server = http.client.HTTPConnection("127.0.0.1", int(agent_service.port), timeout=30)
    try:
        headers = {"apikey": _key("early") if key == "valid" else key} if key else {}
        try:
            server.request("POST", "/v1/trickle", body=b" " * size, headers=headers)
        except BrokenPipeError:
            pass  # the server answered and closed while the body was still being sent
        answer = server.getresponse()
        answer.read()
        assert answer.status == status
        if (answer.getheader("connection") or "").lower() != "close":
            server.request("GET", "/health/")
            assert server.getresponse().status == 200
    finally:
        server.close()


def test_other_methods_are_405_and_other_paths_are_djangos(agent_service):
    answer = agent_post(agent_service.port, None, b"", method="GET")
    assert (answer.status, answer.headers["allow"]) == (405, "POST")
    assert agent_post(agent_service.port, None, b"", path="/health/", method="GET").status == 200


def _scans(relation: str) -> int:
    """Index and sequential scans of a table or index so far (statistics flushed by each
    backend at most once a second)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT coalesce(sum(idx_scan), 0) + coalesce(sum(seq_scan), 0) FROM pg_stat_user_tables"
                       " WHERE relname = %s", [relation])
        tables = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes WHERE indexrelname = %s",
                       [relation])
        return tables + cursor.fetchone()[0]


@pytest.mark.parametrize("agent_cache_seconds", [3600])  # no check during the test
def test_in_steady_state_a_request_reads_neither_keys_nor_collectors_by_identifier(agent_service):
    key = _key("steady")
    for tick in TICKS[:2]:  # the first request fills the cache
        assert agent_post(agent_service.port, key, envelope("host-steady", tick)).status == 200
    time.sleep(1.5)  # the statistics of those lookups flushed
    keys, identifiers = _scans("accounts_apikey"), _scans("collector_identifier_unique")

    for tick in TICKS[2:42]:
        assert agent_post(agent_service.port, key, envelope("host-steady", tick)).status == 200
    time.sleep(1.5)

    assert (_scans("accounts_apikey"), _scans("collector_identifier_unique")) == (keys, identifiers)
    assert keys > 0 and identifiers > 0  # the first request did look them up


def _refused_within(port: str, key: str, identifier: str, bound: float) -> float:
    """Seconds until a request with key is refused, ticks going on meanwhile; fails past bound."""
    began = time.monotonic()
    for tick in TICKS[5:]:
        answer = agent_post(port, key, envelope(identifier, tick))
        if answer.status == 401:
            return time.monotonic() - began
        assert answer.status in (200, 503) and time.monotonic() - began < bound, answer
        time.sleep(0.05)
    raise AssertionError("still accepted")


@pytest.mark.parametrize("agent_cache_seconds", [1])
def test_a_revoked_key_is_refused_within_the_cache_check_period(agent_service, agent_cache_seconds):
    key = _key("revoked")
    for tick in TICKS[:5]:
        assert agent_post(agent_service.port, key, envelope("host-revoked", tick)).status == 200
    api_key_revoke(key=ApiKey.objects.get(organization__slug="revoked"))
    # The bound: one check period, plus one check's queries and a request.
    assert _refused_within(agent_service.port, key, "host-revoked", bound=agent_cache_seconds + 1) > 0


@pytest.mark.parametrize("agent_cache_seconds", [1])
def test_a_deleted_collectors_key_is_refused_and_nothing_is_written_for_it(agent_service, agent_cache_seconds):
    organization = Organization.objects.create(slug="deleted", name="Deleted")
    collector = Collector.objects.create(organization=organization, name="soon gone")
    key = api_key_make(organization, collector=collector)[1]
    for tick in TICKS[:5]:
        assert agent_post(agent_service.port, key, envelope("host-deleted", tick)).status == 200
    collector_delete(collector=collector)
    _refused_within(agent_service.port, key, "host-deleted", bound=agent_cache_seconds + 1)
    assert not Collector.objects.filter(organization=organization).exists()


@pytest.mark.parametrize("agent_cache_seconds", [3600])  # the group, not a check, finds it gone
def test_an_organization_keys_deleted_collector_is_registered_again_by_the_next_ticks(agent_service):
    """The cache still names the deleted collector: its group finds it gone (503, nothing
    stored) and the cache forgets it, so the agent's retry registers its host again."""
    key = _key("re-registered")
    for tick in TICKS[:3]:
        assert agent_post(agent_service.port, key, envelope("host-again", tick)).status == 200
    collector_delete(collector=Collector.objects.get(identifier="host-again"))

    gone = agent_post(agent_service.port, key, envelope("host-again", TICKS[3]))
    retry = agent_post(agent_service.port, key, envelope("host-again", TICKS[3]))

    assert gone.status == 503 and int(gone.headers["retry-after"]) > 0, gone
    assert retry.status == 200 and retry.body["ticks"] == 1, retry
    assert Collector.objects.filter(identifier="host-again").count() == 1


def test_an_unexpected_failure_is_answered_500_in_json(agent_service, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(app, "envelope_parse", broken)
    answer = agent_post(agent_service.port, _key("bug"), envelope("host-bug", TICKS[0]))
    assert (answer.status, answer.body) == (500, {"detail": "A server error occurred."})
