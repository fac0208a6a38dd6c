"""Two web nodes, each gunicorn as deployed (xat/gunicorn_conf.py) on a port of its own,
against one database: the web tier keeps no state, so what one node does the other sees.
Agents post the way pcc does (tests/faults/stage.py, agent_post), split between the nodes."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken

from metrics.models import TrickleSession
from tests.conftest import agent_service_serving, gunicorn_serving
from tests.faults.stage import Answer, agent_post
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of, stored_samples
from tests.personas import api_key_make, team_make

CAPTURE = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")
TICKS = capture_ticks(CAPTURE)
HOSTS, AGENTS_PER_HOST = 8, 4  # 32 agents
LOGIN_LIMIT = 10  # per username and hour, on both nodes together
AGENT_CACHE_SECONDS = 2  # the agent service's check period (docs/guarantees.md)
WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def nodes(django_db_setup, django_db_blocker, tmp_path_factory) -> tuple[dict, str, str]:
    """The two nodes' gunicorn ports, and their shared environment: the suite's database, its
    signing key (tokens made here), the login throttle per username only, LOGIN_LIMIT an hour."""
    database = connection.settings_dict
    env = {"PGHOST": database["HOST"], "PGPORT": str(database["PORT"]), "PGUSER": database["USER"],
           "PGDATABASE": database["NAME"], "SECRET_KEY": settings.SECRET_KEY, "WEB_CONCURRENCY": "1",
           "XAT_WEB_THREADS": "16", "XAT_THROTTLE_LOGIN_ADDRESS": "",
           "XAT_THROTTLE_LOGIN_USERNAME": f"{LOGIN_LIMIT}/hour", "XAT_AGENT_CACHE_SECONDS": str(AGENT_CACHE_SECONDS)}
    folder = tmp_path_factory.mktemp("web-nodes")
    with (gunicorn_serving(env=env, log=folder / "node-a.log") as (node_a, _),
          gunicorn_serving(env=env, log=folder / "node-b.log") as (node_b, _)):
        yield env, node_a, node_b


@pytest.mark.django_db(transaction=True)
def test_32_agents_on_two_nodes_store_every_tick_once_as_one_agent_replaying_stores(nodes):
    """Each of HOSTS hosts has AGENTS_PER_HOST agents: two on each node, one sending the even
    ticks and the other the odd ones, so every tick of a host arrives twice, once through each
    node, at about the same time. Each host then holds every tick once, with the values of a
    lone agent's in-order replay (pcprocess's), and one active session."""
    _, node_a, node_b = nodes
    _, key = organization_with_ingest_key("two-nodes")
    for tick in TICKS:
        assert agent_post(node_a, key, envelope("host-alone", tick)).status == 200
    start = threading.Barrier(HOSTS * AGENTS_PER_HOST)

    def agent(node: str, identifier: str, ticks: list[list[dict]]) -> list[Answer]:
        start.wait(WAIT_SECONDS)
        return [agent_post(node, key, envelope(identifier, tick)) for tick in ticks]

    with ThreadPoolExecutor(HOSTS * AGENTS_PER_HOST) as pool:
        replays = {(host, node, half): pool.submit(agent, node, f"host-{host}", TICKS[half::2])
                   for host in range(HOSTS) for node in (node_a, node_b) for half in (0, 1)}
        answers = {agent: replay.result(timeout=600) for agent, replay in replays.items()}

    refused = [answer for replay in answers.values() for answer in replay if answer.status != 200]
    assert not refused, refused[:3]
    alone = stored_samples("host-alone")
    assert len(alone["sample_tick"]) == len(TICKS)
    for host in range(HOSTS):
        host_answers = [answer.body for (of, _, _), replay in answers.items() if of == host for answer in replay]
        # Each tick stored by exactly one of its two requests; the other counted it a duplicate.
        assert sum(body["ticks"] for body in host_answers) == len(TICKS)
        assert sum(body["skipped"]["duplicate_ticks"] for body in host_answers) == len(TICKS)
        assert stored_samples(f"host-{host}") == alone
        assert TrickleSession.objects.filter(collector_id=collector_id_of(f"host-{host}"), status="active").count() == 1
    assert assert_stored_matches_oracle(CAPTURE, collector_id_of("host-0")) > 1000


@pytest.mark.django_db(transaction=True)
def test_the_login_throttle_holds_across_both_nodes(nodes):
    """The throttle's counts are rows in the database (accounts/throttling.py): LOGIN_LIMIT
    guesses of one username an hour in all, whichever node each reaches."""
    _, node_a, node_b = nodes
    now = datetime.now().timestamp()
    if 3600 - now % 3600 < 30:  # all guesses in one window of the hour
        time.sleep(3600 - now % 3600 + 1)
    team_make("guessed")
    guess = b'{"username": "guessed-admin", "password": "not the password"}'

    def login(node: str) -> int:
        return agent_post(node, None, guess, path="/api/auth/login/", **{"Content-Type": "application/json"}).status

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(login, [node_a, node_b] * LOGIN_LIMIT))
    assert sorted(statuses) == [401] * LOGIN_LIMIT + [429] * LOGIN_LIMIT, statuses


@pytest.mark.django_db(transaction=True)
def test_a_key_revoked_through_one_node_is_refused_by_the_other(nodes, tmp_path):
    """Through the other node's gunicorn at once (it reads the key on each request), through
    its agent service (keys in memory) within XAT_AGENT_CACHE_SECONDS and one check's queries."""
    env, node_a, node_b = nodes
    team = team_make("revoking")
    api_key, key = api_key_make(team.organization)
    tick = envelope("revoked-host", TICKS[0])
    admin = {"Authorization": f"Bearer {AccessToken.for_user(team.admin)}", "X-Organization": team.organization.slug}
    with agent_service_serving(env={**env, "XAT_AGENT_WORKERS": "1"}, log=tmp_path / "agents-b.log") as (agents_b, _):
        assert agent_post(node_b, key, tick).status == 200
        assert agent_post(agents_b, key, tick).status == 200  # the key in its memory now
        assert agent_post(node_a, None, b"", path=f"/api/keys/{api_key.pk}/", method="DELETE", **admin).status == 204
        revoked = time.monotonic()
        assert agent_post(node_b, key, tick).status == 401
        while (status := agent_post(agents_b, key, tick).status) == 200:
            assert time.monotonic() - revoked < WAIT_SECONDS
            time.sleep(0.05)
        refused_after = time.monotonic() - revoked
    assert status == 401
    assert refused_after <= AGENT_CACHE_SECONDS + 1, refused_after
