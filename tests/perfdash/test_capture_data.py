"""GET /api/v1/pcc/captures/{id}/data (§9.3): an upload's series per tick, checked against
pcprocess: CPU busy %, memory used %, disk MiB/s, network Mbit/s (decimal), naive UTC
timestamps; 0 where a subsystem is missing; another organization's upload is 404."""

import uuid
from datetime import UTC, datetime

import pytest

from metrics import dashboard
from metrics.host_totals import interface_in_total
from metrics.uploads.models import Upload
from tests.perfdash.replay import (CAPTURE, ORACLES, TICKS, assert_rounded, oracle_rows,  # noqa: F401
                                   retention_keeps_the_captures, uploaded, DAY, days_of_ticks)
from tests.personas import api_client, team_make

pytestmark = pytest.mark.django_db


def _url(upload_uuid) -> str:
    return f"/api/v1/pcc/captures/{upload_uuid}/data"


def _naive(t: int) -> str:
    """The contract's naive UTC wall time of Unix second t (§1.5)."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _network_bytes(column: str) -> dict[int, float]:
    """{tick: bytes/s over the physical interfaces} from pcprocess's kB/s."""
    sums: dict[int, float] = {}
    for row in oracle_rows(CAPTURE, "proc/net/dev"):
        if interface_in_total(row["IFACE"]):
            sums[int(row["timestamp"])] = sums.get(int(row["timestamp"]), 0.0) + float(row[column]) * 1024
    return sums


def test_it_gives_pcprocess_values_per_tick():
    team = team_make("acme")
    capture = uploaded(team)

    response = api_client(team.viewer).get(_url(capture.uuid))

    assert response.status_code == 200
    answer = response.json()
    assert list(answer) == ["id", "name", "serverName", "capturedAt", "timeSeries"]
    assert (answer["id"], answer["serverName"]) == (str(capture.uuid), capture.collector.name)
    assert answer["name"] == f"Collection {capture.created_at.astimezone(UTC):%Y-%m-%d %H:%M}"
    assert answer["capturedAt"] == capture.created_at.astimezone(UTC).isoformat()
    series = answer["timeSeries"]
    assert list(series) == ["timestamps", "cpu", "memory", "diskRead", "diskWrite", "networkRx", "networkTx"]
    cpu, memory, disk = ORACLES["cpu"](), ORACLES["memory"](), ORACLES["disk"]()
    rx, tx = _network_bytes("rxkB/s"), _network_bytes("txkB/s")
    ticks = sorted(cpu)
    assert series["timestamps"] == [_naive(t) for t in ticks]
    for index, t in enumerate(ticks):
        assert_rounded(series["cpu"][index], 100 - cpu[t]["cpu_idle"], t)
        assert_rounded(series["memory"][index], memory[t]["mem_used_percent"], t)
        assert_rounded(series["diskRead"][index], disk[t]["disk_read_mbps"], t)
        assert_rounded(series["diskWrite"][index], disk[t]["disk_write_mbps"], t)
        assert_rounded(series["networkRx"][index], rx[t] * 8 / 1e6, t)
        assert_rounded(series["networkTx"][index], tx[t] * 8 / 1e6, t)


def test_it_gives_0_where_a_subsystem_is_missing():
    team = team_make("acme")
    without = {TICKS[50][0]["timestamp"]}
    ticks = [[m for m in tick if not (m["timestamp"] in without and m["subsystem"] in ("/proc/meminfo",
                                                                                      "/proc/diskstats"))]
             for tick in TICKS]
    capture = uploaded(team, ticks=ticks)

    series = api_client(team.viewer).get(_url(capture.uuid)).json()["timeSeries"]

    index = series["timestamps"].index(_naive(min(without)))
    assert series["memory"][index] == 0 and series["diskRead"][index] == 0 and series["diskWrite"][index] == 0
    assert series["cpu"][index] > 0 and series["memory"][index + 1] > 0


def test_it_hides_other_organizations_uploads():
    acme, globex = team_make("acme"), team_make("globex")
    theirs = uploaded(globex)
    assert api_client(globex.viewer).get(_url(theirs.uuid)).status_code == 200

    for user in (acme.admin, acme.analyst, acme.viewer):
        for upload_uuid in (theirs.uuid, uuid.uuid4()):
            response = api_client(user).get(_url(upload_uuid))
            assert (response.status_code, response.json()) == (404, {"error": "Collection not found"})


def test_it_wants_a_token():
    team = team_make("acme")
    capture = uploaded(team)

    assert api_client().get(_url(capture.uuid)).status_code == 401


def test_it_shows_the_newest_days_of_a_longer_upload(monkeypatch):
    # 1,000 days of data would hold thousands of chunks in one test transaction (out of
    # shared memory for their locks in a full run): the bound is lowered to 10 days instead.
    monkeypatch.setattr(dashboard, "POINTS_DEFAULT", 10)
    team = team_make("acme")
    capture = uploaded(team, ticks=days_of_ticks(15))

    series = api_client(team.viewer).get(_url(capture.uuid)).json()["timeSeries"]

    t = TICKS[1][0]["timestamp"]
    assert series["timestamps"] == [_naive((t - back * DAY) // 3600 * 3600) for back in range(9, -1, -1)]  # at 1h
    cpu, memory = ORACLES["cpu"]()[t], ORACLES["memory"]()[t]
    for busy, used in zip(series["cpu"], series["memory"], strict=True):
        assert_rounded(busy, 100 - cpu["cpu_idle"], t)
        assert_rounded(used, memory["mem_used_percent"], t)


def test_it_gives_the_data_of_an_upload_of_ticks_already_held():
    team = team_make("acme")
    first = uploaded(team)
    before = api_client(team.viewer).get(_url(first.uuid)).json()["timeSeries"]
    Upload.objects.filter(pk=first.pk).delete()  # the record only: the samples stay

    again = uploaded(team, collector=first.collector)

    assert again.result["ticks"] == 0  # every tick was held already
    series = api_client(team.viewer).get(_url(again.uuid)).json()["timeSeries"]
    assert series == before and len(series["timestamps"]) > 100
