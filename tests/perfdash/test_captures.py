"""GET /api/v1/pcc/captures (§9.2): the organization's uploads, newest first, each with a
summary read from the stored series, checked against pcprocess; a long capture is read at
an aggregate level, and the list costs one summary query per level, not one per upload."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from metrics.aggregates import aggregates_refresh, retention_apply
from metrics.uploads.models import Upload
from tests.perfdash.replay import (ORACLES, TICKS, retention_keeps_the_captures,  # noqa: F401
                                   uploaded)
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/pcc/captures"


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def _shifted(ticks, seconds: int):
    return [[{**m, "timestamp": m["timestamp"] + seconds} for m in tick] for tick in ticks]


def test_it_lists_the_organizations_uploads_newest_first():
    acme, globex = team_make("acme"), team_make("globex")
    older = uploaded(acme)
    newer = uploaded(acme, ticks=_shifted(TICKS, 86400))
    Upload.objects.filter(pk=newer.pk).update(description="After the upgrade")
    theirs = uploaded(globex)
    orphan = uploaded(acme, ticks=_shifted(TICKS, 2 * 86400))
    orphan.collector.delete()  # the upload stays, without a collector: nothing to replay

    response = api_client(acme.viewer).get(URL)

    assert response.status_code == 200
    captures = response.json()["captures"]
    assert [c["id"] for c in captures] == [str(newer.uuid), str(older.uuid)]
    assert str(theirs.uuid) not in response.content.decode()
    first = captures[1]
    assert list(first) == ["id", "name", "serverName", "serverId", "duration", "capturedAt", "metrics",
                           "sampleCount", "summary"]
    assert first["name"] == f"Collection {older.created_at.astimezone(UTC):%Y-%m-%d %H:%M}"
    assert captures[0]["name"] == "After the upgrade"
    assert (first["serverName"], first["serverId"]) == (older.collector.name, str(older.collector.uuid))
    # Ticks stored (XAT reads several formats), not the reference's NDJSON lines.
    assert first["sampleCount"] == len(TICKS) and first["duration"] == f"{len(TICKS)} samples"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", first["capturedAt"])
    assert datetime.fromisoformat(first["capturedAt"]) == older.created_at
    assert sorted(first["metrics"]) == ["cpu", "disk", "memory", "network"]


def test_it_summarises_each_capture_as_pcprocess_does():
    team = team_make("acme")
    uploaded(team)

    summary = api_client(team.viewer).get(URL).json()["captures"][0]["summary"]

    cpu, memory, disk = ORACLES["cpu"](), ORACLES["memory"](), ORACLES["disk"]()
    assert list(summary) == ["avgCpu", "avgMemory", "avgDiskIO"]
    assert abs(summary["avgCpu"] - _mean(100 - v["cpu_idle"] for v in cpu.values())) <= 0.05 + 1e-9
    assert abs(summary["avgMemory"] - _mean(v["mem_used_percent"] for v in memory.values())) <= 0.05 + 1e-9
    exact_disk = _mean(v["disk_read_mbps"] + v["disk_write_mbps"] for v in disk.values())
    assert abs(summary["avgDiskIO"] - exact_disk) <= 0.005 + 1e-9
    assert summary["avgCpu"] > 10 and summary["avgDiskIO"] > 0  # a load test: values to compare


def test_it_answers_zeros_for_an_upload_that_stored_nothing():
    team = team_make("acme")
    capture = uploaded(team)
    Upload.objects.filter(pk=capture.pk).update(result={**capture.result, "first": None, "last": None, "ticks": 0})

    (listed,) = api_client(team.viewer).get(URL).json()["captures"]

    assert listed["summary"] == {"avgCpu": 0.0, "avgMemory": 0.0, "avgDiskIO": 0.0}
    assert listed["sampleCount"] == 0


def test_it_reads_long_captures_at_an_aggregate_level_in_one_query_per_level():
    team = team_make("acme")
    for _ in range(3):
        uploaded(team)  # 10 minutes each: raw samples
    # 3 days between its two halves: more than 1,000 samples or minutes, 73 hours.
    long = uploaded(team, ticks=TICKS[:60] + _shifted(TICKS[60:], 3 * 86400))

    with CaptureQueriesContext(connection) as queries:
        captures = api_client(team.viewer).get(URL).json()["captures"]

    assert len(captures) == 4
    summaries = [q["sql"] for q in queries.captured_queries if "idle_pct_sum" in q["sql"]]
    # Queries: the user with their memberships, the uploads with their collectors, and one
    # summary statement per level in use: raw for the three short captures, 1h for the long one.
    assert len(queries.captured_queries) == 4, [q["sql"][:80] for q in queries.captured_queries]
    assert sorted(re.search(r"level = '(\w+)'", sql).group(1) for sql in summaries) == ["1h", "raw"]
    long_summary = next(c["summary"] for c in captures if c["id"] == str(long.uuid))
    cpu = ORACLES["cpu"]()
    assert min(100 - v["cpu_idle"] for v in cpu.values()) <= long_summary["avgCpu"] <= 100


def test_it_summarises_at_minutes_a_capture_whose_raw_samples_retention_dropped(settings):
    team = team_make("acme")
    # The refresher has run, as it does every minute: the capture's range lies below its
    # watermarks, where the upload's job computes every aggregate level of it.
    aggregates_refresh()
    uploaded(team)
    settings.XAT_RETENTION_DAYS = {"raw": 30, "1m": 90, "1h": 0, "1d": 0}
    # 30 days and the raw chunk interval (1 day) after the capture arrived: its raw samples
    # go, its minutes stay (97 days). By age alone (the capture is older than 90 days) it
    # would be summarised hourly.
    retention_apply(now=timezone.now() + timedelta(days=31, minutes=1))

    with CaptureQueriesContext(connection) as queries:
        (capture,) = api_client(team.viewer).get(URL).json()["captures"]

    (summary_sql,) = [q["sql"] for q in queries.captured_queries if "idle_pct_sum" in q["sql"]]
    assert re.search(r"level = '(\w+)'", summary_sql).group(1) == "1m"
    cpu = ORACLES["cpu"]()
    assert abs(capture["summary"]["avgCpu"] - _mean(100 - v["cpu_idle"] for v in cpu.values())) <= 0.05 + 1e-9


def test_it_wants_a_token():
    assert api_client().get(URL).status_code == 401


def test_it_lists_an_upload_of_ticks_already_held_from_its_collectors_samples():
    """The same file uploaded again into the same collector (the first upload's record
    deleted, its samples kept) stores no row: its ticks are held already. It is a capture
    of those ticks all the same, once listed as empty ("0 samples", no metrics)."""
    team = team_make("acme")
    first = uploaded(team)
    before = api_client(team.viewer).get(URL).json()["captures"][0]
    Upload.objects.filter(pk=first.pk).delete()  # the record only: the samples stay

    again = uploaded(team, collector=first.collector)

    assert again.result["ticks"] == 0 and again.result["duplicate_ticks"] == len(TICKS)
    (listed,) = api_client(team.viewer).get(URL).json()["captures"]
    assert listed["sampleCount"] == len(TICKS) and listed["duration"] == f"{len(TICKS)} samples"
    assert listed["metrics"] == before["metrics"] == ["cpu", "memory", "disk", "network"]
    assert listed["summary"] == before["summary"]
