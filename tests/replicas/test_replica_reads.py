"""The heavy reads on a healthy read replica, the primary otherwise (xat/replicas.py), with a
real hot standby and gunicorn as deployed (tests/replicas/conftest.py). Which server
answered is read from the standby's own statistics, or from what only the primary holds."""

import http.client
import json
import time

import psycopg
import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from metrics.models import Collector, TrickleSession
from metrics.uploads.models import Upload
from tests.dashboard.capture import FIRST_TICK, LAST_TICK, TICKS, replayed
from tests.ingest.agent import envelope, post_like_pcc
from tests.personas import api_client, api_key_make
from tests.replicas.conftest import CHECK_SECONDS, MAX_LAG_SECONDS
from xat.timestamps import iso_z

pytestmark = pytest.mark.django_db(transaction=True)


def _replayed_and_uploaded():
    """The capture replayed into a collector, and an upload of it: what every read reads."""
    host = replayed(Client())
    Upload.objects.create(organization=host.team.organization, collector=host.collector, file_name="capture.ndjson",
                          size_bytes=1, sha256="0" * 64, format="pcc", state="done",
                          result={"first": iso_z(FIRST_TICK), "last": iso_z(LAST_TICK), "ticks": len(TICKS)})
    return host


def _reads(host) -> list[str]:
    """Reads routed to a replica: the dashboard's chart, summary and live feed, the
    perf-dashboard's chart, live view, session (the replay's), captures and capture, an
    export."""
    collector = host.collector
    session = TrickleSession.objects.get(collector=collector)
    upload = Upload.objects.get(collector=collector)
    return [f"/api/dashboard/collectors/{collector.pk}/cpu/?hours=24",
            f"/api/dashboard/collectors/{collector.pk}/summary/?hours=24",
            f"/api/dashboard/collectors/{collector.pk}/live/?since={LAST_TICK - 60}",
            f"/dashboard/api/collectors/{collector.uuid}/cpu/",
            f"/dashboard/api/collectors/{collector.uuid}/live/?since={LAST_TICK - 60}",
            f"/dashboard/api/sessions/{session.pk}/",
            "/api/v1/pcc/captures",
            f"/api/v1/pcc/captures/{upload.uuid}/data",
            f"/api/performance/export/?collector={collector.pk}&format=csv"]


def _get(web, host, path: str) -> tuple[int, bytes]:
    """GET path from the web tier, as the host's organization's admin."""
    server = http.client.HTTPConnection("127.0.0.1", int(web.port), timeout=30)
    try:
        server.request("GET", path, headers={"Authorization": f"Bearer {AccessToken.for_user(host.team.admin)}"})
        answer = server.getresponse()
        return answer.status, answer.read()
    finally:
        server.close()


def _from_primary(host, path: str) -> bytes:
    """The same read in this process, on the primary."""
    answer = api_client(host.team.admin).get(path)
    assert answer.status_code == 200
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def _chart(web, host) -> dict:
    path = f"/api/dashboard/collectors/{host.collector.pk}/cpu/?hours=24"
    status, chart = _get(web, host, path)
    assert status == 200, chart
    assert chart == _from_primary(host, path)
    return json.loads(chart)


def _rows_read_on(standby) -> int:
    """Rows the standby's own backends read from the application's tables and the samples'
    chunks (pg_stat_user_tables): not the catalogs, which every new session reads."""
    with standby.session() as session:
        return session.execute("SELECT coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0)"
                               " FROM pg_stat_user_tables WHERE schemaname IN ('public', '_timescaledb_internal')"
                               ).fetchone()[0]


def _wait_read_on(standby, before: int, rows: int, timeout: float = 20) -> None:
    """Until the standby's statistics count at least `rows` more rows read than `before`: a
    backend reports them once idle, within a second or so."""
    deadline = time.monotonic() + timeout
    while _rows_read_on(standby) - before < rows:
        assert time.monotonic() < deadline, f"the standby read fewer than {rows} rows: the primary answered"
        time.sleep(0.2)


def _read_failures(web) -> int:
    """Reads that failed on the replica and ran again on the primary (the web tier's log)."""
    return web.log.read_text().count("replica replica1 failed during a read")


def _ready(standby) -> None:
    """What was committed reached the standby, and the web tier's health cache saw it."""
    standby.wait_replayed()
    time.sleep(CHECK_SECONDS + 0.5)


def test_it_serves_a_chart_from_the_replica(replaying, web):
    host = replayed(Client())
    _ready(replaying)
    before = _rows_read_on(replaying)
    chart = _chart(web, host)
    assert len(chart["timestamps"]) == len(TICKS)
    _wait_read_on(replaying, before, len(chart["timestamps"]))


def test_it_writes_nothing_to_the_replica(replaying, web):
    host = _replayed_and_uploaded()
    _ready(replaying)
    before, failures = _rows_read_on(replaying), _read_failures(web)
    for path in _reads(host):
        assert _get(web, host, path)[0] == 200
    _wait_read_on(replaying, before, len(TICKS))
    # None of them failed there (a read that writes, a row or a temporary table, fails on a
    # standby: not an OperationalError, so it is not run again on the primary but answered 500).
    assert _read_failures(web) == failures
    # A write through the same server lands on the primary.
    server = http.client.HTTPConnection("127.0.0.1", int(web.port), timeout=30)
    server.request("POST", "/api/collectors/", body=json.dumps({"name": "written-on-the-primary"}),
                   headers={"Authorization": f"Bearer {AccessToken.for_user(host.team.admin)}",
                            "Content-Type": "application/json"})
    assert server.getresponse().status == 201
    server.close()
    assert Collector.objects.filter(organization=host.team.organization, name="written-on-the-primary").exists()
    replaying.wait_replayed()
    with replaying.session() as session:
        # A hot standby refuses writes; its own backends wrote no row (replay is not counted).
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            session.execute("CREATE TABLE written_on_the_replica ()")
        assert session.execute("SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database"
                               " WHERE datname = current_database()").fetchone()[0] == 0
        # The collector written on the primary reached the standby by replay.
        assert session.execute("SELECT count(*) FROM metrics_collector WHERE name = 'written-on-the-primary'"
                               ).fetchone()[0] == 1


def test_it_reads_from_the_primary_when_the_replica_is_stopped(replaying, web):
    host = _replayed_and_uploaded()
    replaying.wait_replayed()
    chart_path, *_, export_path = _reads(host)
    # Within the health cache's time the replica is still taken for healthy: the read fails
    # there and runs again on the primary. Once per way a read can fail: a chart's query, an
    # export's stream (its first query, run before the answer starts).
    for path in (chart_path, export_path):
        replaying.start()
        time.sleep(CHECK_SECONDS + 0.5)
        _chart(web, host)  # the replica checked, found healthy
        replaying.stop()
        failures = _read_failures(web)
        status, answer = _get(web, host, path)
        assert status == 200, (path, answer)
        assert answer == _from_primary(host, path), path
        assert _read_failures(web) == failures + 1, "the read did not reach the replica"
    # After it, the check finds the replica gone: every read on the primary.
    time.sleep(CHECK_SECONDS + 0.5)
    for path in _reads(host):
        status, answer = _get(web, host, path)
        assert status == 200, (path, answer)
        assert answer == _from_primary(host, path), path


def test_it_reads_from_the_primary_past_the_lag_bound_then_from_the_replica_again(replaying, web):
    *earlier, last = TICKS
    host = replayed(Client(), earlier)
    _ready(replaying)
    with replaying.session() as session:
        session.execute("SELECT pg_wal_replay_pause()")
    # The primary's newest commit then lies past the bound after the standby's newest replayed one.
    time.sleep(MAX_LAG_SECONDS + 1)
    _, secret = api_key_make(host.team.organization, name="the write")
    assert post_like_pcc(Client(), secret, envelope("host", last)).status_code == 200
    time.sleep(CHECK_SECONDS + 0.5)
    chart = _chart(web, host)
    assert chart["timestamps"][-1] == last[0]["timestamp"], "the paused standby answered"

    with replaying.session() as session:
        session.execute("SELECT pg_wal_replay_resume()")
    _ready(replaying)
    before = _rows_read_on(replaying)
    again = _chart(web, host)
    assert again == chart
    _wait_read_on(replaying, before, len(again["timestamps"]))
