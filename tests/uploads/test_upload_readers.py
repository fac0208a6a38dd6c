"""The readers' line checks (metrics.uploads), run as the upload job runs them
(upload_read), without the worker: what a line refused is reported as, and what is kept."""

import io
import json
import time

import pytest
from django.conf import settings
from django.db import connection

from metrics.uploads.result import UploadResult
from metrics.uploads.services import upload_read
from tests.personas import collector_make, team_make
from tests.uploads.files import PERFCOLLECTOR1, PORTAL_CSV

pytestmark = pytest.mark.django_db


def _read(content: bytes, format: str) -> tuple[UploadResult, int]:
    """What reading `content` as `format` reported, and the collector it stored to."""
    collector = collector_make(team_make("acme").organization)
    result = UploadResult(format=format, compressed=False, collector_id=collector.pk, on_batch=lambda: None,
                          on_line=lambda: None)
    upload_read(file=io.BytesIO(content), format=format, compressed=False, result=result,
                ids={"organization_id": collector.organization_id, "collector_id": collector.pk})
    return result, collector.pk


def _stored_ticks(collector_id: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM time)::bigint FROM sample_tick WHERE collector_id = %s ORDER BY 1",
                       [collector_id])
        return [t for (t,) in cursor.fetchall()]


def _perfcollector1_lines() -> list[dict]:
    return [json.loads(line) for line in PERFCOLLECTOR1.read_text().splitlines()]


def _jsonl(items: list[dict]) -> bytes:
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)


def test_it_reports_a_perfcollector1_line_without_a_subsystem_by_its_field_name():
    items = _perfcollector1_lines()[:10]
    items[3]["Measurement"]["System"] = 5
    items[4]["Measurement"]["Measurement"] = ["not", "text"]
    result, collector_id = _read(_jsonl(items), "perfcollector1")
    assert result.errors == [
        {"line": 4, "error": "Measurement.System: required: a string such as '/proc/stat'"},
        {"line": 5, "error": "Measurement.Measurement: required: the file's text as a string"},
    ]
    assert result.ingest.ticks == len(_stored_ticks(collector_id)) > 0


def test_it_refuses_a_perfcollector1_line_an_agent_request_could_not_hold():
    items = _perfcollector1_lines()[:5]
    lines = _jsonl(items).splitlines(keepends=True)
    # A lone surrogate: valid to Python's json, not UTF-8 text to store (the agent path refuses it).
    lines[2] = lines[2].replace(b'"Measurement": "', b'"Measurement": "\\ud800', 1)
    result, _ = _read(b"".join(lines), "perfcollector1")
    assert result.errors == [{"line": 3, "error": "not valid JSON"}]


def test_it_refuses_a_processed_row_from_a_clock_ahead_as_the_agent_path_does():
    lines = PORTAL_CSV.read_bytes().splitlines(keepends=True)[:4]
    ahead = int(time.time()) + settings.XAT_TICK_MAX_FUTURE_SECONDS + 60
    cells = lines[3].split(b",")
    lines[3] = b",".join([str(ahead).encode(), *cells[1:]])
    result, collector_id = _read(b"".join(lines), "portal_csv")
    assert [error["line"] for error in result.errors] == [4]
    assert "ahead of this server's clock" in result.errors[0]["error"]
    assert _stored_ticks(collector_id) == [int(line.split(b",")[0]) for line in lines[1:3]]
