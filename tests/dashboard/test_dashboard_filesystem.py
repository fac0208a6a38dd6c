"""GET /api/dashboard/collectors/{id}/filesystem/: one item per mount."""

import pytest

from tests.dashboard.capture import FIRST_TICK, LAST_TICK, oracle, replayed

pytestmark = pytest.mark.django_db


def test_it_gives_every_mount_as_an_item(client):
    host = replayed(client)
    answer = host.get("filesystem", hours=1).json()

    assert answer["series"] == {} and answer["resolution"] == "raw"
    assert answer["units"] == {"size_bytes": "bytes", "available_bytes": "bytes", "use_pct": "%"}
    rows = oracle("statfs_ALL")
    assert [item["name"] for item in answer["items"]] == sorted({row["mount"] for row in rows})
    position = {t: index for index, t in enumerate(answer["timestamps"])}
    for item in answer["items"]:
        for row in (row for row in rows if row["mount"] == item["name"]):
            index = position[int(row["timestamp"])]
            assert item["series"]["size_bytes"][index] == int(row["blocksize"]) * int(row["blockstotal"])
            assert item["series"]["available_bytes"][index] == int(row["blocksize"]) * int(row["blocksavail"])
            assert abs(item["series"]["use_pct"][index] - int(row["use"])) <= 1


def test_it_gives_hourly_minima_per_mount(client):
    host = replayed(client)
    answer = host.get("filesystem", start=FIRST_TICK, end=LAST_TICK, points=5, stat="min").json()

    assert answer["resolution"] == "1h"
    rows = oracle("statfs_ALL", mount="/")
    root = next(item for item in answer["items"] if item["name"] == "/")
    hour = answer["timestamps"].index(FIRST_TICK // 3600 * 3600)
    in_hour = [int(row["blocksize"]) * int(row["blocksavail"]) for row in rows
               if int(row["timestamp"]) // 3600 * 3600 == FIRST_TICK // 3600 * 3600]
    assert root["series"]["available_bytes"][hour] <= min(in_hour)
