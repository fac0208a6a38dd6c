"""The perf-dashboard chart and replay tests' data: a real capture sent the way pcc sends it
(trickle) or uploaded as a file, and what pcprocess computed from it (the oracle) in the
contract's fields and units (§1.9), computed here from pcprocess's CSVs alone.

The capture is replayed without its 2nd tick and without its 1st tick's /proc/meminfo:
pcprocess prints nothing before the 3rd tick and pairs that one with the 1st, so XAT then
holds a sample at exactly the ticks pcprocess prints, each from the same pair of ticks, and
every value and average can be compared with nothing left over."""

import json
import uuid

import pytest

from metrics.host_totals import disks_in_total, interface_in_total
from metrics.models import Collector
from metrics.perfdash.charts import CONVERSIONS
from metrics.uploads.models import Upload
from tests.ingest.agent import capture_ticks
from tests.oracle import CAPTURES, oracle_rows  # noqa: F401 (oracle_rows: for the tests)
from tests.personas import Team, api_client, collector_make, team_make
from tests.uploads.files import upload, uploads_run_here

CAPTURE = next(path for path in CAPTURES if path.name == "azure-loadtest-3")
_TICKS = capture_ticks(CAPTURE)
TICKS = [[m for m in _TICKS[0] if m["subsystem"] != "/proc/meminfo"], *_TICKS[2:]]
FIRST_TICK, LAST_TICK = TICKS[0][0]["timestamp"], TICKS[-1][0]["timestamp"]
MIB = 1024 * 1024
ROUNDING = 0.005 + 1e-9  # a value rounded to 2 decimals is this close to the exact one


@pytest.fixture(autouse=True)
def retention_keeps_the_captures(settings):
    """The capture is older than the default retention, which would make every chart read a
    coarser level: nothing is dropped here unless a test says so."""
    settings.XAT_RETENTION_DAYS = dict.fromkeys(("raw", "1m", "1h", "1d"), 0)


def ndjson(ticks=TICKS) -> bytes:
    """The ticks as the NDJSON file pcc writes in local mode."""
    return b"".join(json.dumps(measurement).encode() + b"\n" for tick in ticks for measurement in tick)


def uploaded(team: Team, *, collector: Collector | None = None, ticks=TICKS) -> Upload:
    """The ticks uploaded as a file (POST /api/performance/upload/) into collector (default:
    a new one of team, "web-<n>")."""
    collector = collector or collector_make(
        team.organization, name=f"web-{Collector.objects.filter(organization=team.organization).count() + 1}")
    response = upload(api_client(team.analyst), ndjson(ticks), collector=collector)
    assert response.status_code == 202, response.content
    uploads_run_here()
    return Upload.objects.get(pk=response.json()["id"])


# -- the oracle: {tick: {contract field: value}} from pcprocess's CSVs ---------------------------

def _by_tick(name: str) -> dict[int, list[dict]]:
    ticks: dict[int, list[dict]] = {}
    for row in oracle_rows(CAPTURE, name):
        ticks.setdefault(int(row["timestamp"]), []).append(row)
    return ticks


def oracle_cpu() -> dict[int, dict[str, float]]:
    """pcprocess prints no %irq and %soft: the contract's cpu_system (system + irq +
    softirq) is what its other columns leave of 100, the five groups sharing out all time."""
    answer = {}
    for t, rows in _by_tick("proc/stat").items():
        (row,) = [row for row in rows if row["CPU"] == "-1"]
        f = {column: float(value) for column, value in row.items() if column.startswith("%")}
        user, iowait, idle, steal = f["%usr"] + f["%nice"], f["%iowait"], f["%idle"], f["%steal"]
        answer[t] = {"cpu_user": user, "cpu_system": 100 - user - iowait - steal - idle, "cpu_iowait": iowait,
                     "cpu_idle": idle, "cpu_steal": steal}
    return answer


def oracle_memory() -> dict[int, dict[str, float]]:
    """MemTotal is not a column: it is kbmemused / %memused x 100 (a whole number of kB)."""
    answer = {}
    for t, (row,) in _by_tick("proc/meminfo").items():
        f = {column: float(value) for column, value in row.items()}
        total = round(f["kbmemused"] / f["%memused"] * 100)
        available = f["kbavail"] or f["kbmemfree"] + f["kbbuffers"] + f["kbcached"]
        answer[t] = {"mem_used_percent": (total - available) / total * 100, "mem_total": total / 1024,
                     "mem_used": (total - available) / 1024, "mem_available": available / 1024,
                     "mem_buffers": f["kbbuffers"] / 1024, "mem_cached": f["kbcached"] / 1024}
    return answer


def oracle_disk() -> dict[int, dict[str, float]]:
    """Sums over the whole disks (XAT's host-total rule), sectors of 512 bytes."""
    ticks = _by_tick("proc/diskstats")
    whole = disks_in_total({row["DEV"] for rows in ticks.values() for row in rows})
    assert whole == {"sda", "sdb"}
    answer = {}
    for t, rows in ticks.items():
        counted = [row for row in rows if row["DEV"] in whole]
        total = {column: sum(float(row[column]) for row in counted) for column in ("rtps", "wtps", "bread/s", "bwrtn/s")}
        answer[t] = {"disk_read_iops": total["rtps"], "disk_write_iops": total["wtps"],
                     "disk_read_mbps": total["bread/s"] * 512 / MIB, "disk_write_mbps": total["bwrtn/s"] * 512 / MIB}
    return answer


def oracle_network() -> dict[int, dict[str, float]]:
    """Sums over the physical interfaces (XAT's host-total rule); MiB/s, not Mbit/s."""
    answer = {}
    for t, rows in _by_tick("proc/net/dev").items():
        counted = [row for row in rows if interface_in_total(row["IFACE"])]
        total = {column: sum(float(row[column]) for row in counted)
                 for column in ("rxkB/s", "txkB/s", "rxpck/s", "txpck/s")}
        answer[t] = {"net_rx_mbps": total["rxkB/s"] / 1024, "net_tx_mbps": total["txkB/s"] / 1024,
                     "net_rx_pps": total["rxpck/s"], "net_tx_pps": total["txpck/s"]}
    return answer


ORACLES = {"cpu": oracle_cpu, "memory": oracle_memory, "disk": oracle_disk, "network": oracle_network}


def assert_rounded(ours: float, exact: float, what) -> None:
    """ours is exact rounded to 2 decimals."""
    assert isinstance(ours, (int, float)) and abs(ours - exact) <= ROUNDING, (what, ours, exact)


# -- what every chart endpoint answers ----------------------------------------------------------

def assert_chart_shape(answer: dict, family: str, collector: Collector) -> None:
    """The contract's envelope (§6.x): the keys in order, parallel arrays of numbers rounded to
    2 decimals, offset-style UTC timestamps."""
    names = list(CONVERSIONS[family].names)
    assert list(answer) == ["collector_id", "collector_name", "timestamps", *names]
    assert answer["collector_id"] == str(collector.uuid) and answer["collector_name"] == collector.name
    assert answer["timestamps"] and all(text.endswith("+00:00") for text in answer["timestamps"])
    for name in names:
        assert len(answer[name]) == len(answer["timestamps"])
        assert all(isinstance(value, (int, float)) and round(value, 2) == value for value in answer[name]), name


def assert_hidden_from_other_organizations(family: str) -> None:
    """globex's collector, with samples, is 404 {"error": "Collector not found"} to every
    member of acme, as a collector that exists nowhere (§11.2 S1), while globex reads it."""
    acme, globex = team_make("acme"), team_make("globex")
    theirs = uploaded(globex).collector
    url = f"/dashboard/api/collectors/{{}}/{family}/"
    assert api_client(globex.viewer).get(url.format(theirs.uuid)).status_code == 200
    for user in (acme.admin, acme.analyst, acme.viewer):
        for collector_uuid in (theirs.uuid, uuid.uuid4()):
            response = api_client(user).get(url.format(collector_uuid))
            assert (response.status_code, response.json()) == (404, {"error": "Collector not found"})


def assert_no_data_without_samples(family: str) -> None:
    team = team_make("acme")
    empty = collector_make(team.organization, name="never-sent")
    response = api_client(team.viewer).get(f"/dashboard/api/collectors/{empty.uuid}/{family}/")
    assert (response.status_code, response.json()) == (404, {"error": "No data available"})


DAY = 86400


def days_of_ticks(days: int) -> list[list[dict]]:
    """The capture's first pair of ticks (/proc/stat and /proc/meminfo only) once a day, on
    each of `days` days ending with the capture's: a CPU and a memory sample a day, each
    pcprocess's first row (its counters fall from one day to the next: no rate across)."""
    pair = [[m for m in tick if m["subsystem"] in ("/proc/stat", "/proc/meminfo")] for tick in TICKS[:2]]
    return [[{**m, "timestamp": m["timestamp"] - back * DAY} for m in tick]
            for back in range(days - 1, -1, -1) for tick in pair]
