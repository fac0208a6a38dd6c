"""GET /api/performance/export/."""

import csv
import io
import json
import zipfile

import pytest

from metrics.exports import HEADER
from metrics.uploads.models import Upload
from tests.oracle import CAPTURES
from tests.personas import api_client, collector_make, team_make
from tests.uploads.files import EXPORT_URL, PORTAL_CSV, export, upload, uploads_run_here, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    team = team_make("acme")
    team.collector = collector_make(team.organization, name="web-1")
    team.client = api_client(team.analyst)
    response = upload(team.client, (CAPTURES[0] / "collection.ndjson").read_bytes(), collector=team.collector)
    assert response.status_code == 202, response.content
    uploads_run_here()
    team.result = Upload.objects.get(pk=response.json()["id"]).result
    return team


def test_it_streams_one_wide_csv_row_per_tick_with_the_documented_header(acme):
    response = acme.client.get(EXPORT_URL, {"collector": acme.collector.pk})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="xat-acme-web-1-raw-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert tuple(rows[0]) == HEADER
    assert len(rows) - 1 == acme.result["ticks"]
    first, second = (dict(zip(HEADER, row)) for row in rows[1:3])
    assert first["time"] == acme.result["first"] == utc(int(first["timestamp"]))
    assert first["cpu_idle_pct"] == "" and float(second["cpu_idle_pct"]) > 0  # no rates for the first tick
    assert int(second["mem_total_kb"]) > 0 and float(second["net_rx_bytes_ps"]) >= 0


def test_it_exports_the_same_rows_as_json_records(acme):
    rows = list(csv.DictReader(io.StringIO(export(acme.client, [acme.collector]).decode())))
    records = json.loads(export(acme.client, [acme.collector], format="json"))
    assert len(records) == len(rows)
    for row, record in zip(rows, records):
        for name in HEADER:
            value = record[name]
            assert (row[name] == "") == (value is None), name
            if isinstance(value, float):
                assert float(row[name]) == value, name  # the CSV's text reads back to the same float


def test_it_limits_the_export_to_start_and_end(acme):
    start, end = acme.result["first"], acme.result["last"]
    records = json.loads(export(acme.client, [acme.collector], format="json", start=start, end=end))
    assert len(records) == acme.result["ticks"] - 1  # end is excluded
    assert records[0]["time"] == start
    bad = acme.client.get(EXPORT_URL, {"collector": acme.collector.pk, "start": end, "end": start})
    assert bad.status_code == 400 and "end" in bad.json()


def test_it_exports_several_collectors_as_one_tree_each(acme):
    other = collector_make(acme.organization, name="=db-1")
    upload(acme.client, PORTAL_CSV.read_bytes(), name="portal.csv", collector=other)
    uploads_run_here()
    response = acme.client.get(EXPORT_URL, {"collector": f"{acme.collector.pk},{other.pk}", "format": "sar"})
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('-sar.zip"')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    folders = {name.split("/")[0] for name in archive.namelist()}
    assert folders == {f"{acme.collector.pk}-web-1", f"{other.pk}-db-1"}
    stat = archive.read(f"{other.pk}-db-1/proc/stat").decode().splitlines()
    assert stat[0] == "#timestamp,CPU,%usr,%nice,%system,%iowait,%steal,%idle"
    assert stat[1].split(",")[1] == "-1"  # a number: not neutralised
    assert archive.read(f"{other.pk}-db-1/proc/diskstats").decode().count("\n") == 1  # the portal has no devices


FORMULA_NAMES = ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "\rx", ";x", "\uff1dHYPERLINK(1)", "\uff0b1",
                 "\uff0d2", "\uff20SUM(A1)"]


@pytest.fixture
def formula_named(acme) -> list:
    """A collector named after each start a spreadsheet runs, each holding the portal's rows."""
    collectors = [collector_make(acme.organization, name=name) for name in FORMULA_NAMES]
    for collector in collectors:
        upload(acme.client, PORTAL_CSV.read_bytes(), name="portal.csv", collector=collector)
    uploads_run_here()
    return collectors


def test_it_neutralises_text_cells_that_a_spreadsheet_would_run(acme, formula_named):
    rows = list(csv.DictReader(io.StringIO(export(acme.client, formula_named).decode(), newline="")))
    assert {row["collector"] for row in rows} == {"'" + name for name in FORMULA_NAMES}
    assert all(not row["cpu_user_pct"].startswith("'") for row in rows)
    negative = [row for row in rows if row["collector"] == "'-2"]
    assert len(negative) == 130


def test_it_keeps_names_exactly_in_json(acme, formula_named):
    records = json.loads(export(acme.client, formula_named, format="json"))
    assert {record["collector"] for record in records} == set(FORMULA_NAMES)
    assert len(records) == 130 * len(FORMULA_NAMES)


def test_it_accepts_only_known_resolutions_and_formats(acme):
    for params, field in (({"resolution": "1w"}, "resolution"), ({"resolution": "5s"}, "resolution"),
                          ({"format": "xlsx"}, "format"), ({}, "collector")):
        query = {"collector": acme.collector.pk, **params} if field != "collector" else {}
        response = acme.client.get(EXPORT_URL, query)
        assert response.status_code == 400 and field in response.json(), (params, response.content)
    assert "unknown resolution" in acme.client.get(
        EXPORT_URL, {"collector": acme.collector.pk, "resolution": "1w"}).json()["resolution"][0]


def test_it_is_for_analysts_and_admins_of_the_organization_only(acme):
    query = {"collector": acme.collector.pk}
    assert api_client(acme.admin).get(EXPORT_URL, query).status_code == 200
    assert api_client(acme.viewer).get(EXPORT_URL, query).status_code == 403
    assert api_client().get(EXPORT_URL, query).status_code == 401
    globex = team_make("globex")
    theirs = collector_make(globex.organization, name="globex-web")
    assert acme.client.get(EXPORT_URL, {"collector": theirs.pk}).status_code == 404
    assert acme.client.get(EXPORT_URL, {"collector": f"{acme.collector.pk},{theirs.pk}"}).status_code == 404
    assert api_client(globex.analyst).get(EXPORT_URL, query).status_code == 404


def test_it_exports_bucket_averages_at_1m_1h_and_1d(acme):
    raw = json.loads(export(acme.client, [acme.collector], format="json"))
    by_minute = {}
    for record in raw:
        by_minute.setdefault(record["timestamp"] // 60 * 60, []).append(record)
    minutes = json.loads(export(acme.client, [acme.collector], format="json", resolution="1m"))
    assert [m["timestamp"] for m in minutes] == sorted(by_minute)
    for bucket in minutes:
        ticks = by_minute[bucket["timestamp"]]
        for column in ("cpu_idle_pct", "mem_used_kb", "disk_read_bytes_ps", "net_rx_bytes_ps"):
            values = [t[column] for t in ticks if t[column] is not None]
            expected = sum(values) / len(values) if values else None
            assert bucket[column] == pytest.approx(expected, rel=1e-9), (bucket["time"], column)
    hours = list(csv.DictReader(io.StringIO(export(acme.client, [acme.collector], resolution="1h").decode())))
    days = json.loads(export(acme.client, [acme.collector], format="json", resolution="1d"))
    assert len(hours) == len({r["timestamp"] // 3600 for r in raw}) and len(days) == 1
    assert days[0]["time"].endswith("T00:00:00Z")
    sar = acme.client.get(EXPORT_URL, {"collector": acme.collector.pk, "format": "sar", "resolution": "1h"})
    assert sar.status_code == 400 and "format" in sar.json()


@pytest.mark.parametrize("format", ["csv", "json"])
def test_it_exports_year_1_to_9999_as_the_stored_ticks_only(acme, format):
    everything = export(acme.client, [acme.collector], format=format)
    widest = export(acme.client, [acme.collector], format=format, start="0001-01-01T00:00:00Z",
                    end="9999-12-31T23:59:59Z")

    assert widest == everything
    rows = json.loads(widest) if format == "json" else list(csv.DictReader(io.StringIO(widest.decode())))
    assert len(rows) == acme.result["ticks"]
