"""POST /api/performance/upload/: the checks answered at once, and what the upload's job
stores (the worker run in this process: tests.uploads.files.uploads_work)."""

import io
import json
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from django.db import connection

from bench.upload import capture_write
from metrics.uploads.models import Upload
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES, SAMPLE_TABLES
from tests.personas import api_client, api_key_make, collector_make, team_make
from tests.uploads.files import (
    PERFCOLLECTOR1,
    PORTAL_CSV,
    UPLOAD_URL,
    assert_tree_matches,
    export,
    gzipped,
    pcprocess_zip,
    perfcollector1_as_pcc,
    upload,
    uploaded,
    uploads_work,
    zip_of,
)

pytestmark = pytest.mark.django_db
job = pytest.mark.django_db(transaction=True)  # the worker reads what the request committed
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def acme():
    team = team_make("acme")
    team.collector = collector_make(team.organization, name="web-1")
    team.client = api_client(team.analyst)
    return team


def _rows_of(table: str, collector_id: int) -> list[str]:
    """The collector's rows of `table` as sorted JSON texts, without the collector and the
    time of arrival: two collectors holding the same data give equal lists."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_jsonb(t) - 'collector_id' - 'received_at' FROM {table} t WHERE collector_id = %s",
                       [collector_id])
        return sorted(json.dumps(row, sort_keys=True) for (row,) in cursor.fetchall())


def _count(table: str, collector_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE collector_id = %s", [collector_id])
        return cursor.fetchone()[0]


# --- Round trips ---------------------------------------------------------------------------


@job
@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_reproduces_pcprocess_from_an_uploaded_capture_exported_as_sar(acme, capture):
    shown = uploaded(acme.client, (capture / "collection.ndjson").read_bytes(), collector=acme.collector)
    assert shown["state"] == "done" and shown["bytes_read"] == shown["size_bytes"]
    result = shown["result"]
    assert result["format"] == "pcc" and result["errors"] == []
    assert result["ticks"] == len(capture_ticks(capture))

    exported = zipfile.ZipFile(io.BytesIO(export(acme.client, [acme.collector], format="sar")))
    assert assert_tree_matches(exported, capture) > 1000


@job
def test_it_stores_a_gzipped_capture_as_the_same_rows_as_trickled_ticks(acme, client):
    capture = CAPTURES[0]
    shown = uploaded(acme.client, gzipped((capture / "collection.ndjson").read_bytes()), name="c.ndjson.gz",
                     collector=acme.collector)
    assert shown["compressed"] is True and shown["state"] == "done"

    _, key = api_key_make(acme.organization)
    for tick in capture_ticks(capture):
        assert post_like_pcc(client, key, envelope("trickled-host", tick)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM metrics_collector WHERE identifier = 'trickled-host'")
        (trickled,) = cursor.fetchone()
    for table in SAMPLE_TABLES:
        assert _count(table, acme.collector.pk) > 0, table
        assert _rows_of(table, acme.collector.pk) == _rows_of(table, trickled), table


@job
def test_it_stores_a_perfcollector1_capture_as_the_same_capture_in_pcc_form(acme):
    other = collector_make(acme.organization, name="web-2")
    first = uploaded(acme.client, PERFCOLLECTOR1.read_bytes(), name="original_capture.jsonl", collector=acme.collector)
    second = uploaded(acme.client, perfcollector1_as_pcc(), collector=other)
    assert first["result"]["format"] == "perfcollector1"
    assert first["result"]["ticks"] == 119
    assert first["result"]["rows_by_family"] == second["result"]["rows_by_family"]
    for table in SAMPLE_TABLES:
        assert _rows_of(table, acme.collector.pk) == _rows_of(table, other.pk), table

    records = json.loads(export(acme.client, [acme.collector], format="json"))
    assert len(records) == 119
    assert sum(r["cpu_idle_pct"] is not None for r in records) == 118  # the first tick has no rates


@job
def test_it_stores_a_pcprocess_zip_that_exports_as_the_same_tree(acme):
    capture = CAPTURES[0]
    result = uploaded(acme.client, pcprocess_zip(capture, folder="pcprocess/"), name="tree.zip",
                      collector=acme.collector)["result"]
    assert result["format"] == "pcprocess_zip" and result["errors"] == []

    exported = zipfile.ZipFile(io.BytesIO(export(acme.client, [acme.collector], format="sar")))
    assert assert_tree_matches(exported, capture) > 1000
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT cardinality(counters) FROM cpu_sample WHERE collector_id = %s",
                       [acme.collector.pk])
        assert cursor.fetchall() == [(0,)]


@job
def test_it_stores_a_portal_csv_that_exports_the_same_numbers(acme):
    assert uploaded(acme.client, PORTAL_CSV.read_bytes(), name="portal.csv", collector=acme.collector)["result"][
        "ticks"] == 130

    rows = json.loads(export(acme.client, [acme.collector], format="json"))
    portal = PORTAL_CSV.read_text().splitlines()
    names = portal[0].split(",")
    assert len(rows) == len(portal) - 1
    ours_of = {
        "cpu_user": "cpu_user_pct", "cpu_system": "cpu_system_pct", "cpu_idle": "cpu_idle_pct",
        "cpu_iowait": "cpu_iowait_pct", "cpu_steal": "cpu_steal_pct", "mem_total_kb": "mem_total_kb",
        "mem_used_kb": "mem_used_kb", "mem_free_kb": "mem_free_kb", "mem_cached_kb": "mem_cached_kb",
        "disk_read_bytes": "disk_read_bytes_ps", "disk_write_bytes": "disk_write_bytes_ps",
        "net_rx_bytes": "net_rx_bytes_ps", "net_tx_bytes": "net_tx_bytes_ps",
    }
    for line, ours in zip(portal[1:], rows):
        theirs = dict(zip(names, line.split(",")))
        assert ours["timestamp"] == int(theirs["timestamp"])
        for column, our_column in ours_of.items():
            assert ours[our_column] == float(theirs[column]), (column, theirs, ours)


@job
def test_it_computes_what_the_portal_csv_says_from_the_raw_capture(acme):
    capture = PORTAL_CSV.parent
    uploaded(acme.client, (capture / "collection.ndjson").read_bytes(), collector=acme.collector)
    ours = {r["timestamp"]: r for r in json.loads(export(acme.client, [acme.collector], format="json"))}
    portal = PORTAL_CSV.read_text().splitlines()
    names = portal[0].split(",")
    for line in portal[2:]:  # the first row pairs the 3rd tick with the 1st, as pcprocess does
        theirs = dict(zip(names, line.split(",")))
        mine = ours[int(theirs["timestamp"])]
        for column in ("cpu_user", "cpu_system", "cpu_idle", "cpu_iowait", "cpu_steal"):
            assert mine[f"{column}_pct"] == pytest.approx(float(theirs[column]), rel=1e-9, abs=1e-6)
        for column in ("mem_used_kb", "mem_free_kb", "mem_cached_kb"):
            assert mine[column] == int(theirs[column])


# --- Idempotency ---------------------------------------------------------------------------


@job
def test_it_stores_nothing_twice_when_the_same_file_comes_again(acme):
    content = (CAPTURES[0] / "collection.ndjson").read_bytes()
    first = uploaded(acme.client, content, collector=acme.collector)
    again = uploaded(acme.client, gzipped(content), collector=acme.collector)
    assert again["result"]["ticks"] == 0 and again["result"]["rows"] == 0
    assert again["result"]["duplicate_ticks"] == first["result"]["ticks"]
    assert first["sha256"] != again["sha256"]  # a different file (gzipped), the same ticks
    assert Upload.objects.filter(collector=acme.collector).count() == 2


@job
def test_it_stores_only_what_trickled_data_lacks(acme, client):
    capture = CAPTURES[0]
    ticks = capture_ticks(capture)
    key, secret = api_key_make(acme.organization, collector=acme.collector)
    for tick in ticks[40:70]:
        assert post_like_pcc(client, secret, envelope("host-a", tick)).status_code == 200
    result = uploaded(acme.client, (capture / "collection.ndjson").read_bytes(), collector=acme.collector)["result"]
    assert result["duplicate_ticks"] == 30 and result["ticks"] == len(ticks) - 30

    whole = collector_make(acme.organization, name="whole")
    uploaded(acme.client, (capture / "collection.ndjson").read_bytes(), collector=whole)
    for table in SAMPLE_TABLES:
        assert _rows_of(table, acme.collector.pk) == _rows_of(table, whole.pk), table


@job
def test_it_keeps_processed_ticks_out_of_the_rates_of_raw_ticks(acme, client):
    """A raw tick next to a processed one (no counters) gets no rate from it, and a late raw
    tick does not rewrite a processed tick's values."""
    capture = PORTAL_CSV.parent
    ticks = capture_ticks(capture)
    portal = PORTAL_CSV.read_text().splitlines()
    uploaded(acme.client, "\n".join([portal[0], *portal[9:19]]).encode() + b"\n", name="p.csv",
             collector=acme.collector)  # the portal's rows of ticks 10..19 (its row k is tick k + 1)
    _, secret = api_key_make(acme.organization, collector=acme.collector)
    for tick in [ticks[20], ticks[21], ticks[9], ticks[8]]:  # after them, then late, just before them
        assert post_like_pcc(client, secret, envelope("host-p", tick)).status_code == 200, tick[0]["timestamp"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM time)::bigint, idle_pct, cardinality(counters) FROM cpu_sample "
                       "WHERE collector_id = %s AND cpu = -1 ORDER BY time", [acme.collector.pk])
        rows = {t: (idle, counters) for t, idle, counters in cursor.fetchall()}
    t = lambda index: ticks[index][0]["timestamp"]  # noqa: E731
    assert rows[t(20)] == (None, 10)         # its previous tick (19) is processed: no rate
    assert rows[t(21)][0] is not None        # paired with 20
    assert rows[t(9)][0] is not None         # paired with 8, which came after it
    assert rows[t(10)] == (float(portal[9].split(",")[3]), 0)  # the processed tick after 9: unchanged


# --- Who may upload, and where ---------------------------------------------------------------


def test_it_refuses_viewers_and_anonymous_users(acme):
    content = (CAPTURES[0] / "collection.ndjson").read_bytes()
    assert upload(api_client(acme.viewer), content, collector=acme.collector).status_code == 403
    assert upload(api_client(), content, collector=acme.collector).status_code == 401


def test_it_answers_404_for_a_collector_of_another_organization(acme):
    globex = team_make("globex")
    theirs = collector_make(globex.organization, name="globex-web")
    response = upload(acme.client, (CAPTURES[0] / "collection.ndjson").read_bytes(), collector=theirs)
    assert response.status_code == 404
    assert _count("sample_tick", theirs.pk) == 0


def test_it_accepts_an_agent_key(acme):
    content = (CAPTURES[0] / "collection.ndjson").read_bytes()
    _, collector_secret = api_key_make(acme.organization, collector=acme.collector)
    client = api_client()
    client.credentials(HTTP_APIKEY=collector_secret)
    response = upload(client, content)
    assert response.status_code == 202, response.content
    assert response.json()["collector"] == acme.collector.pk and response.json()["uploaded_by"] is None
    assert response.json()["state"] == "queued"

    other = collector_make(acme.organization, name="web-2")
    assert upload(client, content, collector=other).status_code == 404  # a collector key writes its own only
    client.credentials(HTTP_APIKEY="xat_nothing_real")
    assert upload(client, content).status_code == 401


def test_it_registers_the_host_a_capture_names(acme):
    lines = (CAPTURES[0] / "collection.ndjson").read_text().splitlines()
    named = "\n".join(json.dumps(json.loads(line) | {"identifier": "d2da98c4b4f5454cbdb311f4701ad1a1"})
                      for line in lines).encode()
    first = upload(api_client(acme.admin), named)
    assert first.status_code == 202, first.content
    again = upload(api_client(acme.admin), named)
    assert first.json()["collector"] == again.json()["collector"] != acme.collector.pk
    assert upload(acme.client, (CAPTURES[0] / "collection.ndjson").read_bytes()).json() == {
        "collector": ["Required: this file does not name its host."]}


# --- Bad input -----------------------------------------------------------------------------


def test_it_answers_415_naming_what_it_recognised(acme):
    cases = {
        b"": "empty",
        b"\x00\x01\x02binary": "binary",
        gzipped(b'{"foo": 1}\n'): "gzip-compressed JSON lines",
        b"a,b,c\n1,2,3\n": "csv",
        b"hello\n": "text",
        gzipped(zip_of({"a": b"x"})): "gzip, zip",
        zip_of({"readme.txt": b"hello"}): "zip",
        b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}\n": "text",  # past the depth bound: not a RecursionError
    }
    for content, recognised in cases.items():
        response = upload(acme.client, content, collector=acme.collector)
        assert response.status_code == 415, (content, response.content)
        assert recognised in response.json()["recognised"], (recognised, response.json())
    assert Upload.objects.count() == 0


def test_it_answers_400_listing_the_columns_a_csv_or_a_zipped_tree_lacks_at_once(acme):
    response = upload(acme.client, b"timestamp,cpu_user,mem_total_kb\n1767813021,1,2\n", name="p.csv",
                      collector=acme.collector)
    assert response.status_code == 400
    assert "cpu_system" in response.json()["missing_columns"] and "timestamp" not in response.json()["missing_columns"]
    tree = zipfile.ZipFile(io.BytesIO(pcprocess_zip(CAPTURES[0])))
    members = {name: tree.read(name) for name in tree.namelist()}
    members["proc/meminfo"] = members["proc/meminfo"].replace(b"kbmemused", b"kbused", 1)
    response = upload(acme.client, zip_of(members), name="tree.zip", collector=acme.collector)
    assert response.status_code == 400 and response.json()["missing_columns"] == ["kbmemused"]
    assert Upload.objects.count() == 0


@job
def test_it_reports_bad_rows_by_line_and_stores_the_rest(acme):
    portal = PORTAL_CSV.read_text().splitlines()
    portal[3] = portal[3].replace(",", ",x", 1)  # line 4: a bad cpu_user
    portal[5] = "1767813046,1,2"                  # line 6: too few cells
    result = uploaded(acme.client, "\n".join(portal).encode(), name="p.csv", collector=acme.collector)["result"]
    assert [e["line"] for e in result["errors"]] == [4, 6]
    assert result["ticks"] == 128

    lines = (CAPTURES[0] / "collection.ndjson").read_bytes().splitlines()
    lines[2] = b"{not json"
    lines[7] = lines[7].replace(b'"timestamp":', b'"timestamp":"x", "was":')
    meminfo = next(i for i in range(12, 40) if b'"/proc/meminfo"' in lines[i])
    lines[meminfo] = json.dumps(json.loads(lines[meminfo]) | {"measurement": "MemTotal: lots kB"}).encode()
    other = collector_make(acme.organization, name="web-2")
    result = uploaded(acme.client, b"\n".join(lines), collector=other)["result"]
    assert [e["line"] for e in result["errors"]] == [3, 8, meminfo + 1], result["errors"]
    assert "MemTotal" in result["errors"][2]["error"]
    assert result["errors_total"] == 3 and result["ticks"] > 100


@job
def test_it_skips_a_deeply_nested_statfs_and_stores_the_rest(acme):
    """Issue 23, §4: the file failed whole ("the file could not be read (RecursionError)")."""
    lines = (CAPTURES[0] / "collection.ndjson").read_bytes().splitlines()
    statfs = next(i for i in range(12, 40) if b'"statfs[*]"' in lines[i])
    lines[statfs] = json.dumps(json.loads(lines[statfs]) | {"measurement": "[" * 5000 + "]" * 5000}).encode()
    shown = uploaded(acme.client, b"\n".join(lines), collector=acme.collector)
    assert shown["state"] == "done", shown
    result = shown["result"]
    assert [e["line"] for e in result["errors"]] == [statfs + 1], result["errors"]
    assert "depth limit exceeded" in result["errors"][0]["error"]
    assert result["ticks"] == len({json.loads(line)["timestamp"] for line in lines})


@job
def test_it_keeps_only_the_first_100_errors(acme):
    content = b"timestamp," + ",".join(["cpu_user", "cpu_system", "cpu_idle", "cpu_iowait", "cpu_steal",
                                         "mem_total_kb", "mem_used_kb", "mem_free_kb", "mem_cached_kb",
                                         "disk_read_bytes", "disk_write_bytes", "net_rx_bytes",
                                         "net_tx_bytes"]).encode() + b"\n" + b"bad\n" * 150
    result = uploaded(acme.client, content, name="p.csv", collector=acme.collector)["result"]
    assert len(result["errors"]) == 100 and result["errors_total"] == 150


def test_it_answers_413_to_a_file_over_the_limit(acme, settings):
    settings.XAT_UPLOAD_MAX_BYTES = 100_000
    response = upload(acme.client, (CAPTURES[0] / "collection.ndjson").read_bytes(), collector=acme.collector)
    assert response.status_code == 413
    assert _count("sample_tick", acme.collector.pk) == 0


@pytest.mark.parametrize("name, members, reason", [
    ("outside", {"../proc/stat": b"#x\n"}, "outside its root"),
    ("absolute", {"/etc/proc/stat": b"#x\n"}, "outside its root"),
    ("windows", {"C:/proc/stat": b"#x\n"}, "outside its root"),
    ("many", {f"f{i}": b"" for i in range(100)}, "entries"),
    ("bomb", {"proc/stat": b"0" * 5_000_000}, "zip bomb"),
    ("missing", {"proc/stat": b"#timestamp,CPU\n"}, "lacks required files"),
])
def test_it_refuses_unsafe_or_incomplete_zips(acme, tmp_path, name, members, reason):
    response = upload(acme.client, zip_of(members), name=f"{name}.zip", collector=acme.collector)
    assert response.status_code == 400, response.content
    assert reason in response.json()["error"]
    assert _count("sample_tick", acme.collector.pk) == 0


def test_it_refuses_a_zip_with_a_symbolic_link(acme):
    link = zipfile.ZipInfo("proc/stat")
    link.create_system = 3
    link.external_attr = (0o120777 << 16)
    response = upload(acme.client, zip_of({"proc/stat": b"/etc/passwd"}, **{"proc/stat": link}),
                      name="link.zip", collector=acme.collector)
    assert response.status_code == 400 and "symbolic link" in response.json()["error"]


def test_it_refuses_a_zip_whose_declared_total_is_too_large(acme, settings):
    settings.XAT_UPLOAD_MAX_INFLATED_BYTES = 10_000
    response = upload(acme.client, pcprocess_zip(CAPTURES[0]), name="tree.zip", collector=acme.collector)
    assert response.status_code == 400 and "zip bomb" in response.json()["error"]


@job
def test_it_stops_a_gzip_bomb_at_the_inflated_limit(acme, settings):
    settings.XAT_UPLOAD_MAX_INFLATED_BYTES = 200_000
    content = (CAPTURES[0] / "collection.ndjson").read_bytes()
    result = uploaded(acme.client, gzipped(content), collector=acme.collector)["result"]
    assert "larger than 200000 bytes" in result["errors"][-1]["error"]
    assert 0 < result["ticks"] < len(capture_ticks(CAPTURES[0]))


def _newlines_gzip(megabytes: int, *, head: bytes = b"", tail: bytes = b"") -> bytes:
    """A gzip of `megabytes` MB of newlines (1 MB inflates from ~1 kB) between head and tail."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    newlines = b"\n" * 1024 * 1024
    parts = [packer.compress(head), *(packer.compress(newlines) for _ in range(megabytes)), packer.compress(tail)]
    return b"".join(parts) + packer.flush()


def test_it_refuses_a_gzip_of_blank_lines_at_once(acme):
    """The format is named from the first non-blank line, looked for in the first MB only:
    a line after 2 MB of newlines is not reached (the request would read them all)."""
    line = (CAPTURES[0] / "collection.ndjson").read_bytes().splitlines()[0]
    response = upload(acme.client, _newlines_gzip(2, tail=line), collector=acme.collector)
    assert response.status_code == 415, response.content
    assert response.json()["recognised"] == "gzip-compressed blank lines"
    assert not Upload.objects.exists()


@job
def test_it_answers_202_before_reading_a_gzip_of_newlines(acme, settings):
    """The request reads the first line, queues the file and answers: the 200 MB of newlines
    behind it are the worker's (which stops at the inflated limit and reports where)."""
    line = (CAPTURES[0] / "collection.ndjson").read_bytes().splitlines()[0]
    content = _newlines_gzip(200, head=line + b"\n")
    assert len(content) < 500_000
    response = upload(acme.client, content, collector=acme.collector)
    assert response.status_code == 202, response.content
    assert _count("sample_tick", acme.collector.pk) == 0
    queued = acme.client.get(response.json()["url"]).json()
    assert (queued["state"], queued["bytes_read"], queued["result"]) == ("queued", 0, {})

    settings.XAT_UPLOAD_MAX_INFLATED_BYTES = 20_000_000
    settings.XAT_UPLOAD_MAX_IDLE_LINES = 10**9  # the inflated limit here (test_upload_bounds.py: this one)
    uploads_work()
    done = acme.client.get(response.json()["url"]).json()
    assert done["state"] == "done", done
    assert "larger than 20000000 bytes" in done["result"]["errors"][-1]["error"]


# --- Memory ----------------------------------------------------------------------------------


# The upload worker in a child process, as `manage.py procrastinate worker --one-shot` runs
# it, reporting its peak resident memory.
CHILD = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xat.settings")
django.setup()
from django.core.management import call_command
def hwm():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
before = hwm()
call_command("procrastinate", "worker", "--one-shot")
print(before, hwm())
"""


def _capture_of(path: Path, megabytes: float) -> Path:
    capture_write(path, megabytes)  # the benchmark's: azure-loadtest-3 repeated in time order
    return path


def _child_upload(client, path: Path, collector) -> tuple[int, int, int]:
    """(VmHWM KiB after setup, at the end, ticks stored) of a worker reading the file."""
    with path.open("rb") as handle:
        assert client.post(UPLOAD_URL, {"file": handle, "collector": collector.pk}).status_code == 202
    env = {**os.environ, "PGDATABASE": connection.settings_dict["NAME"]}
    child = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]
    before_kb, peak_kb = map(int, child.stdout.split())
    done = Upload.objects.get(collector=collector)
    assert done.state == "done", done.failure
    return before_kb, peak_kb, done.result["ticks"]


@job
def test_it_ingests_a_large_capture_in_bounded_memory(tmp_path):
    """A 10 MB and a 40 MB capture (a real one repeated with shifted times) read by the
    upload worker in child processes: the peak resident memory (VmHWM) stays far below the
    issue's 300 MB, and does not grow with the file (at most three batches are held at a time)."""
    team = team_make("big")
    client = api_client(team.analyst)
    small_before, small_peak, _ = _child_upload(client, _capture_of(tmp_path / "small.ndjson", 10),
                                                collector_make(team.organization, name="small"))
    large = _capture_of(tmp_path / "large.ndjson", 40)
    before, peak, ticks = _child_upload(client, large, collector_make(team.organization, name="large"))
    print(f"{large.stat().st_size / 1e6:.0f} MB, {ticks} ticks: VmHWM {before // 1024} MB after setup, "
          f"{peak // 1024} MB at the end; 10 MB: {small_peak // 1024} MB")
    assert ticks > 3000
    assert peak < 200 * 1024
    assert (peak - before) - (small_peak - small_before) < 8 * 1024  # KiB: 4x the file, not 4x the memory
