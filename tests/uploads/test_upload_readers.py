"""The readers' line checks (metrics.uploads), run by the upload job in this thread
(uploads_run_here), without the worker: what a line refused is reported as, and what is
kept."""

import io
import json
import time
import zipfile

import pytest
from django.conf import settings
from django.db import connection

from metrics.uploads.models import Upload, UploadState
from tests.oracle import CAPTURES
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import PERFCOLLECTOR1, PORTAL_CSV, pcprocess_zip, upload, uploads_run_here, zip_of

pytestmark = pytest.mark.django_db


def _uploaded(content: bytes) -> Upload:
    """The upload of `content` once its job read it."""
    team = team_make("acme")
    response = upload(api_client(team.analyst), content, collector=collector_make(team.organization))
    assert response.status_code == 202, response.content
    uploads_run_here()
    return Upload.objects.get(pk=response.json()["id"])


def _read(content: bytes, format: str) -> tuple[dict, int]:
    """What reading `content` (detected as `format`) reported, and the collector it stored to."""
    read = _uploaded(content)
    assert read.result["format"] == format
    return read.result, read.collector_id


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
    assert result["errors"] == [
        {"line": 4, "error": "Measurement.System: required: a string such as '/proc/stat'"},
        {"line": 5, "error": "Measurement.Measurement: required: the file's text as a string"},
    ]
    assert result["ticks"] == len(_stored_ticks(collector_id)) > 0


def test_it_refuses_a_perfcollector1_line_an_agent_request_could_not_hold():
    items = _perfcollector1_lines()[:5]
    lines = _jsonl(items).splitlines(keepends=True)
    # A lone surrogate: valid to Python's json, not UTF-8 text to store (the agent path refuses it).
    lines[2] = lines[2].replace(b'"Measurement": "', b'"Measurement": "\\ud800', 1)
    result, _ = _read(b"".join(lines), "perfcollector1")
    assert result["errors"] == [{"line": 3, "error": "not valid JSON"}]


def test_it_refuses_a_processed_row_from_a_clock_ahead_as_the_agent_path_does():
    lines = PORTAL_CSV.read_bytes().splitlines(keepends=True)[:4]
    ahead = int(time.time()) + settings.XAT_TICK_MAX_FUTURE_SECONDS + 60
    cells = lines[3].split(b",")
    lines[3] = b",".join([str(ahead).encode(), *cells[1:]])
    result, collector_id = _read(b"".join(lines), "portal_csv")
    assert [error["line"] for error in result["errors"]] == [4]
    assert "ahead of this server's clock" in result["errors"][0]["error"]
    assert _stored_ticks(collector_id) == [int(line.split(b",")[0]) for line in lines[1:3]]


def _idle_limit_failure(limit: int, line: int) -> str:
    return (f"stopped at line {line}: more than {limit} lines were blank or could not be read"
            " (XAT_UPLOAD_MAX_IDLE_LINES)")


def test_it_stops_a_portal_csv_at_the_idle_line_limit_naming_the_line(settings):
    settings.XAT_UPLOAD_MAX_IDLE_LINES = 5
    lines = PORTAL_CSV.read_bytes().splitlines(keepends=True)
    # Lines 4-6 not UTF-8, 7-10 blank: the sixth of them, line 9, passes the limit.
    read = _uploaded(b"".join([*lines[:3], *[b"\xff\xfe,1\n"] * 3, *[b"\n"] * 4, *lines[3:]]))
    assert read.state == UploadState.FAILED and read.failure == _idle_limit_failure(5, 9)
    assert read.result["errors"][0] == {"line": 4, "error": "not UTF-8 text: skipped"}


def test_it_stops_a_pcprocess_zip_at_the_idle_line_limit_naming_the_line(settings):
    settings.XAT_UPLOAD_MAX_IDLE_LINES = 5
    tree = zipfile.ZipFile(io.BytesIO(pcprocess_zip(CAPTURES[0])))
    members = {name: tree.read(name) for name in tree.namelist()}
    stat = members["proc/stat"].splitlines(keepends=True)
    # Lines 4-9 of proc/stat without a time: the sixth, line 9, passes the limit.
    members["proc/stat"] = b"".join([*stat[:3], *[b"x,-1,1,0,1,0,0,98\n"] * 6, *stat[3:]])
    read = _uploaded(zip_of(members))
    assert read.state == UploadState.FAILED and read.failure == _idle_limit_failure(5, 9)
