"""Hostile JSON bodies (issue 23, §3 and §7): nesting past the parser's depth bound, and a
lone surrogate, answer 400 on every JSON endpoint, never a 500 (a RecursionError or a
UnicodeEncodeError), through the one parser every JSON body goes through (xat/parsers.py)."""

import pytest

from accounts.throttling import _digest
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db
DEEP = b"[" * 5000 + b"]" * 5000
# 1,024 levels are accepted (orjson's bound, the agent paths'), 1,025 are not.
JUST_PAST = b"[" * 1025 + b"]" * 1025


def _endpoints(team):
    collector = collector_make(team.organization)
    return [
        ("post", "/api/auth/login/", None),
        ("post", "/api/v1/auth/token/", None),
        ("post", "/api/collectors/", team.admin),
        ("patch", f"/api/v1/collectors/{collector.uuid}/", team.admin),
        ("post", "/api/v1/loadtests/compare/", team.admin),
        ("post", "/api/v1/pcc/benchmark/compare", team.admin),
    ]


@pytest.mark.parametrize("body", [DEEP, JUST_PAST], ids=["5000-deep", "1025-deep"])
def test_nesting_past_the_bound_answers_400_on_every_json_endpoint(body):
    team = team_make("acme")
    for method, url, user in _endpoints(team):
        response = getattr(api_client(user, organization=team.organization), method)(
            url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code, response.content[:200])
        assert "depth limit exceeded" in response.content.decode(), (url, response.content[:200])


def test_a_compare_query_nested_past_the_bound_answers_400():
    team = team_make("acme")
    response = api_client(team.admin, organization=team.organization).get(
        "/api/v1/loadtests/compare/", {"collector_ids": "[" * 5000 + "]" * 5000})
    assert response.status_code == 400, response.content[:200]


@pytest.mark.parametrize("url", ["/api/auth/login/", "/api/v1/auth/token/"])
def test_a_lone_surrogate_in_a_username_answers_400(url):
    response = api_client().post(url, b'{"username": "a\\ud800", "password": "x"}', content_type="application/json")
    assert response.status_code == 400, response.content[:200]


def test_the_throttles_digest_takes_a_lone_surrogate():
    """Two usernames differing only in a lone surrogate count apart (no 500 either)."""
    assert _digest("a\ud800") != _digest("a\ud801") != _digest("a")


def test_nesting_within_the_bound_is_parsed():
    """1,024 levels are read: the view, not the parser, refuses a list where it wants an object."""
    response = api_client().post("/api/auth/login/", b"[" * 1024 + b"]" * 1024, content_type="application/json")
    assert response.status_code == 400
    assert "depth limit exceeded" not in response.content.decode(), response.content[:200]
