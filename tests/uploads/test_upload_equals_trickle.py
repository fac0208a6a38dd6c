"""The same capture uploaded and sent to /v1/trickle, to two collectors of one organization.

A raw capture (pcc) stores identical rows in every table that holds a collector's data
(found in the catalog, so a table added later is compared too): the samples, the ticks,
the host totals, the tick state; and every aggregate level, before and after the upkeep's
run, equal but for the last bits of its sums (relative 1e-12: sum() adds rows in the
order it reads them, and the upload writes 250 ticks at a time, the agent here one).

The processed formats store what they can represent; compared with the trickled rows at
pcprocess's ticks (its first row pairs its tick with the capture's first tick, not the
previous one: left out), within what the format implies:
- pcprocess zip: no row of a device never used since boot (all its counters zero: like
  sar, pcprocess prints none); rates and percentages as pcprocess printed them, the
  shortest text that reads back to its double from arithmetic done in another order
  (relative 1e-9, absolute 1e-6, tests.oracle.close); kB, statfs numbers, counts and
  flags exact;
- portal CSV: percentages the same way; kB exact; bytes/s truncated to whole bytes
  (disk: under 1 byte/s = 1/512 sector/s below ours, network under 1/1024 kB/s).
"""

import json
import math
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client

from metrics import pcprocess
from metrics.aggregates import aggregates_refresh, aggregates_refresh_range
from metrics.host_totals import DISK_TOTAL_SUMS, NETWORK_TOTAL_SUMS
from metrics.ingest import FILESYSTEM_GAUGES
from tests.ingest.agent import capture_ticks, envelope, post_like_pcc
from tests.oracle import CAPTURES, close
from tests.personas import api_client, api_key_make, collector_make, team_make
from tests.uploads.files import PORTAL_CSV, pcprocess_zip, uploaded

pytestmark = pytest.mark.django_db(transaction=True)  # the upload worker reads what the request committed

# Tables with a collector_id whose rows legitimately differ between the two paths.
NOT_COMPARED = {
    "accounts_apikey": "the trickle's key",
    "metrics_upload": "the upload's own record",
    "metrics_tricklesession": "a session is what an agent's live ticks open",
    "aggregate_invalidation": "the ranges to recompute as each write noted them: a request's, a batch's",
}
# Columns that name the collector or the moment of arrival.
NOT_COMPARED_COLUMNS = ("collector_id", "received_at", "id")


@pytest.fixture
def acme():
    team = team_make("acme")
    team.client = api_client(team.analyst)
    return team


def _trickled(organization, capture) -> int:
    """A new collector fed the capture through /v1/trickle (its key's), its aggregates
    computed over the capture's range as an upload's job computes them."""
    collector = collector_make(organization, name="trickled")
    _, key = api_key_make(organization, collector=collector)
    agent = Client()
    ticks = capture_ticks(capture)
    for tick in ticks:
        assert post_like_pcc(agent, key, envelope("trickled-host", tick)).status_code == 200
    times = [tick[0]["timestamp"] for tick in ticks]
    aggregates_refresh_range(organization_id=organization.pk, collector_id=collector.pk,
                             start=datetime.fromtimestamp(min(times), UTC),
                             end=datetime.fromtimestamp(max(times), UTC))
    return collector.pk


def _assert_every_table_equal(uploaded_to: int, trickled: int, *, filled: tuple[str, ...]) -> None:
    relations = _collector_relations()
    for relation in filled:
        assert relation in relations and _rows_of(relation, trickled), relation
    for relation in relations:
        ours, theirs = _rows_of(relation, uploaded_to), _rows_of(relation, trickled)
        assert [_row_key(row) for row in ours] == [_row_key(row) for row in theirs], relation
        differences = [(key, row[key], other[key]) for row, other in zip(ours, theirs) for key in row
                       if not _equal(row[key], other[key], summed="bucket" in row)]
        assert not differences, (relation, len(differences), differences[:5])


def _collector_relations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT table_schema || '.' || table_name FROM information_schema.columns"
                       " WHERE column_name = 'collector_id' AND table_schema IN ('public', 'aggregate_store')"
                       " ORDER BY 1")
        return [name for (name,) in cursor.fetchall() if name.split(".")[1] not in NOT_COMPARED]


def _rows_of(relation: str, collector_id: int) -> list[dict]:
    dropped = " - ".join(f"'{column}'" for column in NOT_COMPARED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (to_jsonb(r) - {dropped})::text FROM {relation} r WHERE collector_id = %s",
                       [collector_id])
        return sorted((json.loads(row) for (row,) in cursor.fetchall()), key=_row_key)


def _row_key(row: dict) -> list:
    """What names a row: its texts (time or bucket, level, device, interface, mount) and cpu."""
    return sorted((name, value) for name, value in row.items() if isinstance(value, str) or name == "cpu")


def _equal(ours, theirs, *, summed: bool) -> bool:
    """Exact, except in an aggregate's row: sum() adds rows in the order it reads them, which
    follows how they were written (a batch, or a tick, at a time): the last bits may differ."""
    if summed and isinstance(ours, int | float) and isinstance(theirs, int | float):
        return math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-12)
    return ours == theirs


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_stores_identical_rows_in_every_table_from_an_uploaded_capture(acme, capture):
    uploaded_to = collector_make(acme.organization, name="uploaded")
    shown = uploaded(acme.client, (capture / "collection.ndjson").read_bytes(), collector=uploaded_to)
    assert shown["state"] == "done" and shown["result"]["errors"] == []
    trickled = _trickled(acme.organization, capture)
    _assert_every_table_equal(uploaded_to.pk, trickled, filled=(
        "public.sample_tick", "public.disk_total_sample", "public.network_total_sample", "public.collector_tick_state",
        "public.cpu_1m", "public.disk_total_1h", "public.network_total_1d"))

    aggregates_refresh()  # the upkeep's run: the levels below its watermarks are stored
    _assert_every_table_equal(uploaded_to.pk, trickled, filled=(
        "aggregate_store.cpu_1m", "aggregate_store.disk_total_1h", "aggregate_store.network_total_1d"))


# --- Processed formats: what they represent ------------------------------------------------


def _stored(table: str, collector_id: int, item: str | None, columns) -> dict[tuple[int, str], dict]:
    """{(time, item): {column: value}} of the collector's rows of `table`."""
    key = f"{item}::text" if item else "''"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT extract(epoch FROM time)::bigint, {key}, {', '.join(columns)}"
                       f" FROM {table} WHERE collector_id = %s", [collector_id])
        return {(t, key): dict(zip(columns, values)) for t, key, *values in cursor.fetchall()}


def _differences(table, ours: dict, trickled: dict, ticks: set[int], equal) -> list:
    """Where the uploaded rows at `ticks` differ from the trickled ones (`equal(column,
    uploaded, trickled)`), or lack or add a row."""
    ours = {key: row for key, row in ours.items() if key[0] in ticks}
    theirs = {key: row for key, row in trickled.items() if key[0] in ticks}
    assert ours.keys() == theirs.keys(), (table, sorted(ours.keys() ^ theirs.keys())[:5])
    return [(table, key, column, row[column], theirs[key][column])
            for key, row in ours.items() for column in row if not equal(column, row[column], theirs[key][column])]


def _never_used_devices(collector_id: int) -> set[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM time)::bigint, device FROM disk_sample"
                       " WHERE collector_id = %s AND 0 = ALL(counters)", [collector_id])
        return set(cursor.fetchall())


def _close_or_exact(exact: set[str]):
    def equal(column, ours, trickled):
        return ours == trickled if column in exact else close(ours, repr(trickled))

    return equal


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda path: path.name)
def test_it_stores_what_a_pcprocess_zip_represents_as_the_trickled_capture(acme, capture):
    uploaded_to = collector_make(acme.organization, name="uploaded")
    shown = uploaded(acme.client, pcprocess_zip(capture), name="tree.zip", collector=uploaded_to)
    assert shown["result"]["format"] == "pcprocess_zip" and shown["result"]["errors"] == []
    trickled = _trickled(acme.organization, capture)
    ticks = set(t for t, _ in _stored("memory_sample", uploaded_to.pk, None, ("mem_used_kb",)))
    ticks.discard(min(ticks))
    assert len(ticks) > 100

    carried_net = [column for column in pcprocess.NET_DEV.columns.values() if column in NETWORK_TOTAL_SUMS]
    memory_kb = [c for c in pcprocess.MEMINFO.columns.values() if c.endswith("_kb")] + ["mem_total_kb"]
    compared = {
        # table: (item column, columns, columns compared exactly)
        "cpu_sample": ("cpu", list(pcprocess.STAT.columns.values()), set()),
        "memory_sample": (None, list(pcprocess.MEMINFO.columns.values()) + ["mem_total_kb"], set(memory_kb)),
        "network_sample": ("interface", list(pcprocess.NET_DEV.columns.values()) + ["in_total"], {"in_total"}),
        "disk_sample": ("device", list(pcprocess.DISKSTATS.columns.values()) + ["in_total"], {"in_total"}),
        "filesystem_sample": ("mount", list(FILESYSTEM_GAUGES), set(FILESYSTEM_GAUGES) - {"use_pct"}),
        "disk_total_sample": (None, list(DISK_TOTAL_SUMS) + ["disks"], {"disks"}),
        "network_total_sample": (None, carried_net + ["interfaces"], {"interfaces"}),
    }
    never_used = _never_used_devices(trickled)
    assert never_used, "the captures hold unused loop devices: the rule below is exercised"
    differences = []
    for table, (item, columns, exact) in compared.items():
        theirs = {key: row for key, row in _stored(table, trickled, item, columns).items()
                  if table != "disk_sample" or key not in never_used}
        differences += _differences(table, _stored(table, uploaded_to.pk, item, columns), theirs, ticks,
                                    _close_or_exact(exact))
    assert not differences, f"{len(differences)} differences, first: {differences[:5]}"


def test_it_stores_what_a_portal_csv_represents_as_the_trickled_capture(acme):
    uploaded_to = collector_make(acme.organization, name="uploaded")
    shown = uploaded(acme.client, PORTAL_CSV.read_bytes(), name="portal.csv", collector=uploaded_to)
    assert shown["result"]["format"] == "portal_csv" and shown["result"]["errors"] == []
    trickled = _trickled(acme.organization, PORTAL_CSV.parent)
    ticks = set(t for t, _ in _stored("memory_sample", uploaded_to.pk, None, ("mem_used_kb",)))
    ticks.discard(min(ticks))
    assert len(ticks) > 100

    def whole_bytes(per_byte):
        # The portal truncates bytes/s to a whole number: ours (exact) is at most 1 byte/s above.
        def equal(column, ours, trickled):
            return 0 <= (trickled - ours) * per_byte < 1 + 1e-6

        return equal

    cpu_columns = ["user_pct", "system_pct", "idle_pct", "iowait_pct", "steal_pct"]
    differences = _differences("cpu_sample", _stored("cpu_sample", uploaded_to.pk, "cpu", cpu_columns),
                               {key: row for key, row in _stored("cpu_sample", trickled, "cpu", cpu_columns).items()
                                if key[1] == "-1"}, ticks, _close_or_exact(set()))
    # mem_total_kb is not compared: the portal's is used + free + buffers + cached, not MemTotal.
    memory = ["mem_used_kb", "mem_free_kb", "cached_kb"]
    differences += _differences("memory_sample", _stored("memory_sample", uploaded_to.pk, None, memory),
                                _stored("memory_sample", trickled, None, memory), ticks, _close_or_exact(set(memory)))
    # The totals' disks and interfaces are not compared: the portal's row names one device.
    disk = ["read_sectors_ps", "written_sectors_ps"]
    differences += _differences("disk_total_sample", _stored("disk_total_sample", uploaded_to.pk, None, disk),
                                _stored("disk_total_sample", trickled, None, disk), ticks, whole_bytes(512))
    network = ["rx_kb_ps", "tx_kb_ps"]
    differences += _differences("network_total_sample", _stored("network_total_sample", uploaded_to.pk, None, network),
                                _stored("network_total_sample", trickled, None, network), ticks, whole_bytes(1024))
    assert not differences, f"{len(differences)} differences, first: {differences[:5]}"
