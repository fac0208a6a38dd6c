"""Sessions made by POST /v1/trickle (contract §2.3, §8.3): opened by the first tick after
a gap, joined by later ones, completed after 2 idle minutes, safe under concurrent
requests, written in the ingest's transaction; and the trickle answer's contract fields."""

import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from metrics.models import Collector, TrickleSession
from tests.conftest import another_session
from tests.ingest.agent import envelope, post_like_pcc
from tests.perfdash.session_ticks import HOST, TICKS, at
from tests.personas import api_key_make, collector_make, team_make


def _post(client, key: str, *ticks: list[dict]):
    response = post_like_pcc(client, key, envelope(HOST, [item for tick in ticks for item in tick]))
    assert response.status_code == 200, response.content
    return response.json()


def _idle_for(session: TrickleSession, idle: timedelta) -> None:
    TrickleSession.objects.filter(pk=session.pk).update(last_received_at=timezone.now() - idle)


@pytest.fixture
def key():
    team = team_make("acme")
    return api_key_make(team.organization)[1]


@pytest.mark.django_db
def test_it_opens_a_session_at_the_first_samples_time_and_answers_its_id(client, key):
    answer = _post(client, key, TICKS[0], TICKS[1])

    session = TrickleSession.objects.get()
    assert (session.status, session.name, session.sample_count) == ("active", f"Trickle {HOST}", 2)
    assert (session.started_at, session.last_data_at, session.ended_at) == (at(TICKS[0]), at(TICKS[1]), None)
    assert answer["status"] == "ok" and answer["identifier"] == HOST and answer["metrics_count"] == 2
    assert answer["session_id"] == str(session.pk)
    assert answer["error"] is None and answer["ticks"] == 2  # XAT's own fields stay
    assert session.organization_id == session.collector.organization_id


@pytest.mark.django_db
def test_it_joins_the_active_session_with_later_ticks(client, key):
    first = _post(client, key, TICKS[0])
    later = [_post(client, key, tick) for tick in TICKS[1:4]]

    session = TrickleSession.objects.get()
    assert {answer["session_id"] for answer in later} == {first["session_id"]} == {str(session.pk)}
    assert (session.sample_count, session.started_at, session.last_data_at) == (4, at(TICKS[0]), at(TICKS[3]))


@pytest.mark.django_db
def test_it_counts_only_new_ticks_and_leaves_the_session_alone_when_none_is_stored(client, key):
    _post(client, key, TICKS[0], TICKS[1])
    before = TrickleSession.objects.get()
    again = _post(client, key, TICKS[1])

    assert again["metrics_count"] == 0 and again["session_id"] is None
    after = TrickleSession.objects.get()
    assert (after.sample_count, after.last_received_at) == (2, before.last_received_at)


@pytest.mark.django_db
def test_it_completes_a_session_idle_for_over_2_minutes_and_opens_a_new_one(client, key):
    _post(client, key, TICKS[0], TICKS[1])
    old = TrickleSession.objects.get()
    _idle_for(old, timedelta(minutes=2, seconds=1))

    answer = _post(client, key, TICKS[2])

    old.refresh_from_db()
    assert (old.status, old.ended_at, old.sample_count) == ("completed", at(TICKS[1]), 2)
    new = TrickleSession.objects.get(status="active")
    assert answer["session_id"] == str(new.pk) != str(old.pk)
    assert (new.started_at, new.sample_count) == (at(TICKS[2]), 1)


@pytest.mark.django_db
def test_the_upkeep_completes_idle_sessions_of_every_organization(client, key):
    _post(client, key, TICKS[0], TICKS[1])
    idle = TrickleSession.objects.get()
    _idle_for(idle, timedelta(minutes=2, seconds=1))
    globex = team_make("globex")
    globex_key = api_key_make(globex.organization)[1]
    _post(client, globex_key, TICKS[0])  # just received: stays active

    call_command("xat_aggregates", "maintain")

    idle.refresh_from_db()
    assert (idle.status, idle.ended_at, idle.sample_count) == ("completed", at(TICKS[1]), 2)
    assert TrickleSession.objects.get(organization=globex.organization).status == "active"


@pytest.mark.django_db
def test_it_keeps_a_session_idle_for_less_than_2_minutes(client, key):
    _post(client, key, TICKS[0])
    _idle_for(TrickleSession.objects.get(), timedelta(minutes=1, seconds=50))
    _post(client, key, TICKS[1])
    assert TrickleSession.objects.get().sample_count == 2


@pytest.mark.django_db
def test_it_records_the_agents_contact_even_when_nothing_is_stored(client, key):
    _post(client, key, TICKS[0])
    long_ago = timezone.now() - timedelta(days=1)
    Collector.objects.update(last_contact_at=long_ago)
    _post(client, key, TICKS[0])
    assert Collector.objects.get().last_contact_at > long_ago


@pytest.mark.django_db
def test_it_answers_200_without_touching_anything_when_measurements_are_empty(client, key):
    response = post_like_pcc(client, key, json.dumps({"identifier": HOST, "measurements": []}).encode())
    assert response.status_code == 200
    assert response.json() == {"error": None, "status": "ok", "message": "No measurements to process"}
    assert not Collector.objects.exists() and not TrickleSession.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_stores_neither_ticks_nor_session_when_the_session_cannot_be_written(client, key):
    _post(client, key, TICKS[0])
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    try:
        with another_session() as blocker:
            blocker.execute("LOCK TABLE metrics_tricklesession IN ACCESS EXCLUSIVE MODE")
            response = post_like_pcc(client, key, envelope(HOST, TICKS[1]))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert response.status_code == 503
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sample_tick")
        assert cursor.fetchone()[0] == 1  # the first request's tick only
    assert TrickleSession.objects.get().sample_count == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("registered", [True, False], ids=["known collector", "host registering"])
def test_simultaneous_first_ticks_open_exactly_one_session(registered):
    team = team_make("acme")
    if registered:
        collector_make(team.organization, name="host", identifier=HOST)
    _, secret = api_key_make(team.organization)
    start = threading.Barrier(6)
    statuses = []

    def agent(tick):
        try:
            start.wait()
            statuses.append(post_like_pcc(Client(), secret, envelope(HOST, tick)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=agent, args=(tick,)) for tick in TICKS[:6]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 6
    session = TrickleSession.objects.get()
    assert (session.status, session.sample_count) == ("active", 6)
    assert (session.started_at, session.last_data_at) == (min(map(at, TICKS[:6])), max(map(at, TICKS[:6])))
