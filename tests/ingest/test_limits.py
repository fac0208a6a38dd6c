"""The bounds of an agent's request (POST /v1/trickle, and the JSON form of /api/v1/metrics/
that shares its path): a value its column cannot hold, an implausible value or a tick from
the future is skipped as unparsable (200, the rest of the request stored: pcc would retry a
503 forever); the list of unknown subsystems is capped; too many ticks is a 413 naming the
limit; a large request costs what its ticks cost one by one."""

import json
import random
import string
import time

import pytest
from django.db import connection

from metrics import ingest
from tests.ingest.agent import capture_ticks, envelope, organization_with_ingest_key, post_like_pcc
from tests.oracle import CAPTURES, assert_stored_matches_oracle, collector_id_of

pytestmark = pytest.mark.django_db
CAPTURE = next(path for path in CAPTURES if path.name == "azure-pcc-test-01")
TICKS = capture_ticks(CAPTURE)  # 1 vCPU: a `cpu` total and `cpu0`; eth0 and lo; sda, sdb and partitions
FAMILIES = ("cpu_sample", "memory_sample", "network_sample", "disk_sample", "filesystem_sample")
# A name no index row can hold: longer than PostgreSQL's 2,704 bytes even compressed.
LONG_NAME = "".join(random.Random(1).choices(string.ascii_letters, k=4000))
SUBSYSTEM_FAMILY = {"/proc/stat": "cpu_sample", "/proc/meminfo": "memory_sample", "/proc/net/dev": "network_sample",
                    "/proc/diskstats": "disk_sample", "statfs[*]": "filesystem_sample"}


@pytest.fixture
def key():
    return organization_with_ingest_key("limits")[1]


def _rows_at(t: int) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in FAMILIES:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE time = to_timestamp(%s)", [t])
            counts[table] = cursor.fetchone()[0]
    return counts


def _edited(tick: list[dict], subsystem: str, edit) -> list[dict]:
    """The tick with `edit(text)` in place of `subsystem`'s text."""
    return [dict(item, measurement=edit(item["measurement"])) if item["subsystem"] == subsystem else item
            for item in tick]


def _meminfo_field(name: str, value: str):
    return lambda text: "\n".join(f"{name}: {value} kB" if line.startswith(f"{name}:") else line
                                  for line in text.splitlines())


def _statfs_root(**fields):
    def edit(text):
        mounts = [json.loads(line) for line in text.splitlines()]
        return "\n".join(json.dumps(m | fields if m["mount_point"] == "/" else m) for m in mounts)
    return edit


def _first_counter_of(name: str, value: str):
    """Replaces the first counter of the line of `name` (a cpu label, interface or device)."""
    def edit(text):
        lines = []
        for line in text.splitlines():
            tokens = line.replace(":", " ").split()
            if name in tokens[:3]:
                at = tokens.index(name) + 1
                line = line.replace(f" {tokens[at]} ", f" {value} ", 1) if f" {tokens[at]} " in line else line
            lines.append(line)
        return "\n".join(lines)
    return edit


OUT_OF_RANGE = {
    "meminfo value of 2^63 kB": ("/proc/meminfo", _meminfo_field("MemTotal", str(2**63)), "outside 0..2^63-1"),
    "negative meminfo value": ("/proc/meminfo", _meminfo_field("MemFree", "-1"), "outside 0..2^63-1"),
    "MemAvailable above MemTotal": ("/proc/meminfo", _meminfo_field("MemAvailable", "999999999"),
                                    "MemAvailable"),
    "statfs size of 2^64 bytes": ("statfs[*]", _statfs_root(block_size=4096, blocks_total=2**52,
                                                            blocks_available=1), "size in bytes"),
    "statfs blocks_available above blocks_total": ("statfs[*]", _statfs_root(blocks_available=10**12),
                                                   "blocks_available"),
    "statfs count of 2^63": ("statfs[*]", _statfs_root(blocks_total=2**63), "outside 0..2^63-1"),
    "statfs mount point with a NUL": ("statfs[*]", _statfs_root(mount_point="/\u0000x"), "mount point"),
    "statfs mount point with a lone surrogate": ("statfs[*]", lambda text: text.replace('"/"', '"/\\ud800"', 1),
                                                 "no low surrogate"),
    "statfs mount point longer than an index row": ("statfs[*]", _statfs_root(mount_point="/" + LONG_NAME),
                                                    "mount point"),
    "cpu40000": ("/proc/stat", lambda text: text.replace("\ncpu0 ", "\ncpu40000 ", 1), "cpu40000"),
    "negative cpu counter": ("/proc/stat", _first_counter_of("cpu0", "-5"), "outside 0..2^63-1"),
    "network counter of 2^64": ("/proc/net/dev", _first_counter_of("eth0", str(2**64)), "outside 0..2^63-1"),
    "interface name longer than an index row": ("/proc/net/dev", lambda text: text.replace("eth0:", LONG_NAME + ":"),
                                                "name"),
    "disk counter of 2^63": ("/proc/diskstats", _first_counter_of("sda", str(2**63)), "outside 0..2^63-1"),
}


@pytest.mark.parametrize("case", OUT_OF_RANGE, ids=str)
def test_it_skips_a_value_out_of_range_as_unparsable_and_stores_the_rest(client, key, case):
    subsystem, edit, reason = OUT_OF_RANGE[case]
    assert post_like_pcc(client, key, envelope("host-r", TICKS[0])).status_code == 200
    tick = _edited(TICKS[1], subsystem, edit)
    assert tick != TICKS[1], "the edit changed nothing: the test looks at the wrong text"
    t = tick[0]["timestamp"]

    response = post_like_pcc(client, key, envelope("host-r", tick))

    assert response.status_code == 200, response.content
    (skipped,) = response.json()["skipped"]["unparsable"]
    assert (skipped["timestamp"], skipped["subsystem"]) == (t, subsystem)
    assert reason in skipped["reason"]
    stored = _rows_at(t)
    assert stored.pop(SUBSYSTEM_FAMILY[subsystem]) == 0
    assert all(stored.values()), stored  # nothing else of the tick lost
    assert response.json()["ticks"] == 1


def test_it_skips_a_tick_from_the_future_as_unparsable_and_stores_the_others(client, key, settings):
    settings.XAT_TICK_MAX_FUTURE_SECONDS = 300
    now = int(time.time())
    soon, later = now + 240, now + 360
    request = TICKS[0] + [dict(item, timestamp=soon) for item in TICKS[1]] + [dict(item, timestamp=later)
                                                                             for item in TICKS[2]]

    response = post_like_pcc(client, key, envelope("host-f", request))

    assert response.status_code == 200, response.content
    skipped = response.json()["skipped"]["unparsable"]
    assert sorted(item["subsystem"] for item in skipped) == sorted(item["subsystem"] for item in TICKS[2])
    assert {item["timestamp"] for item in skipped} == {later}
    assert all("the future" in item["reason"] for item in skipped)
    assert response.json()["ticks"] == 2
    assert all(_rows_at(TICKS[0][0]["timestamp"]).values()) and all(_rows_at(soon).values())
    assert not any(_rows_at(later).values())


def test_it_skips_a_tick_before_2000_as_unparsable(client, key):
    response = post_like_pcc(client, key, envelope("host-f", [dict(item, timestamp=946684799) for item in TICKS[0]]))

    assert response.status_code == 200
    assert len(response.json()["skipped"]["unparsable"]) == len(TICKS[0]) and response.json()["ticks"] == 0


def test_it_lists_at_most_20_unknown_subsystems_and_counts_the_rest(client, key):
    t = TICKS[0][0]["timestamp"]
    unknown = [{"timestamp": t, "subsystem": f"/proc/unknown{n}", "measurement": ""} for n in range(25)]
    unknown += [{"timestamp": t, "subsystem": "/proc/unknown24", "measurement": ""},
                {"timestamp": t, "subsystem": "/proc/unknown0", "measurement": ""}]

    response = post_like_pcc(client, key, envelope("host-u", TICKS[0] + unknown))

    assert response.status_code == 200
    skipped = response.json()["skipped"]
    assert skipped["ignored_subsystems"] == {f"/proc/unknown{n}": 2 if n == 0 else 1 for n in range(20)}
    assert skipped["ignored_subsystems_unlisted"] == {"subsystems": 5, "measurements": 6}
    assert response.json()["ticks"] == 1


def test_it_lists_every_unknown_subsystem_up_to_20(client, key):
    t = TICKS[0][0]["timestamp"]
    unknown = [{"timestamp": t, "subsystem": f"/proc/unknown{n}", "measurement": ""} for n in range(20)]

    skipped = post_like_pcc(client, key, envelope("host-u", TICKS[0] + unknown)).json()["skipped"]

    assert len(skipped["ignored_subsystems"]) == 20 and "ignored_subsystems_unlisted" not in skipped


def _ticks_body(count: int) -> list[dict]:
    return [item for tick in TICKS[:count] for item in tick]


@pytest.mark.parametrize("path", ["/v1/trickle", "/api/v1/metrics/"])
def test_it_takes_the_most_ticks_and_answers_413_naming_the_limit_past_them(client, key, settings, path):
    settings.XAT_TRICKLE_MAX_TICKS = 3

    def post(ticks: int):
        body = {"identifier": "host-l", "measurements" if path == "/v1/trickle" else "metrics": _ticks_body(ticks)}
        return post_like_pcc(client, key, json.dumps(body).encode(), path=path)

    too_many = post(4)
    assert too_many.status_code == 413, too_many.content
    assert "at most 3 ticks" in too_many.json()["error"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sample_tick")
        assert cursor.fetchone()[0] == 0
    at_the_limit = post(3)
    assert at_the_limit.status_code == 200, at_the_limit.content
    assert at_the_limit.json()["metrics_count"] == 3


def _largest_statement_parameters(client, key, identifier: str, measurements: list[dict]) -> int:
    """Posts one request and returns the size of the largest statement's parameters."""
    sizes = []

    def measure(execute, sql, params, many, context):
        sizes.append(len(json.dumps(params, default=str)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(measure):
        response = post_like_pcc(client, key, envelope(identifier, measurements))
    assert response.status_code == 200, response.content
    return max(sizes)


def test_each_statement_of_a_large_request_is_as_large_as_that_of_a_small_one(client, key, monkeypatch):
    """A request's ticks are placed and written a slice at a time: no statement (its
    parameters, its work) grows with the request, so the cost per tick stays flat."""
    monkeypatch.setattr(ingest, "TICKS_PER_WRITE", 10, raising=False)
    slice_sized = _largest_statement_parameters(client, key, "host-small", _ticks_body(10))
    four_slices = _largest_statement_parameters(client, key, "host-large", _ticks_body(40))
    assert four_slices < 1.5 * slice_sized, (slice_sized, four_slices)


def test_a_request_written_in_slices_stores_what_pcprocess_computed(client, key, monkeypatch):
    """Slices in order, then a request of late ticks whose slices land between stored ones."""
    monkeypatch.setattr(ingest, "TICKS_PER_WRITE", 7, raising=False)
    stored_first, late = TICKS[::2], TICKS[1::2]
    for part in (stored_first, late):
        response = post_like_pcc(client, key, envelope("host-s", [item for tick in part for item in tick]))
        assert response.status_code == 200 and response.json()["ticks"] == len(part)
    assert assert_stored_matches_oracle(CAPTURE, collector_id_of("host-s")) > 1000


# A statfs[*] line nested 5,000 deep (issue 23, §4): the standard library's decoder raised
# RecursionError (a 500, and an upload failed whole); now that subsystem is skipped with its
# reason, as any other unparsable text (the upload's case: tests/uploads/test_upload.py).
NESTED_STATFS = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("path, field", [("/v1/trickle", "measurements"), ("/api/v1/metrics/", "metrics")])
def test_it_skips_a_deeply_nested_statfs_and_stores_the_rest(client, key, path, field):
    tick = _edited(TICKS[1], "statfs[*]", lambda text: NESTED_STATFS)
    t = tick[0]["timestamp"]

    response = post_like_pcc(client, key, json.dumps({"identifier": "host-n", field: tick}).encode(), path=path)

    assert response.status_code == 200, response.content[:300]
    stored = _rows_at(t)
    assert stored.pop("filesystem_sample") == 0
    assert all(stored.values()), stored
    if path == "/v1/trickle":
        (skipped,) = response.json()["skipped"]["unparsable"]
        assert (skipped["timestamp"], skipped["subsystem"]) == (t, "statfs[*]")
        assert "depth limit exceeded" in skipped["reason"]
