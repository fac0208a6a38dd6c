"""Every dashboard answer is bounded (issue 12, finding 5: a network chart from year 1 to
9999 at 1d answered 466 MB): at most `points` timestamps, also at the coarsest resolution,
at most CHART_VALUES_MAX values with the items, and the summary and live feed whatever the
range. Each refusal is a 400 naming the parameter to change."""

from datetime import UTC, datetime

import pytest

from metrics import dashboard
from tests.dashboard.capture import (CAPTURE, FIRST_TICK, LAST_TICK, TICKS, by_minute, close, moved_back, oracle,
                                     replayed)
from tests.oracle import oracle_rows
from xat import sqlfiles

pytestmark = pytest.mark.django_db
FAMILIES = ("cpu", "memory", "disk", "network", "filesystem")
YEAR_1, YEAR_9999 = "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"
DAY = 86400
ADDED_INTERFACES = 40


def _values(answer: dict) -> int:
    """How many values the answer holds: every series of the host and of each item."""
    series = [*answer["series"].values(), *(v for item in answer.get("items", []) for v in item["series"].values())]
    assert all(len(values) == len(answer["timestamps"]) for values in series)
    return len(answer["timestamps"]) * len(series)


@pytest.mark.parametrize("family", FAMILIES)
def test_it_refuses_more_days_than_points_naming_points(client, family):
    host = replayed(client, [*moved_back(TICKS[-2:], 40 * DAY), *TICKS])  # data over the 41 days
    response = host.get(family, start=FIRST_TICK - 40 * DAY, end=LAST_TICK, points=10)

    assert response.status_code == 400
    assert list(response.json()) == ["points"] and "give points=41 or more" in response.json()["points"][0]
    answer = host.get(family, start=FIRST_TICK - 40 * DAY, end=LAST_TICK, points=41).json()
    assert answer["resolution"] == "1d" and len(answer["timestamps"]) == 41


@pytest.mark.parametrize("family, extra", [*((family, {}) for family in FAMILIES), ("cpu", {"per_core": 1})])
def test_it_refuses_year_1_to_9999_naming_start(client, family, extra):
    host = replayed(client)
    response = host.get(family, start=YEAR_1, end=YEAR_9999, points=dashboard.POINTS_MAX, **extra)

    assert response.status_code == 400 and list(response.json()) == ["start"]
    assert len(response.content) < 500


def test_it_answers_1d_buckets_up_to_points(client):
    # pcprocess's rows start at the third tick; an earlier sample makes the data span the 41 days.
    host = replayed(client, [*moved_back(TICKS[-2:], 40 * DAY), *TICKS[2:]])
    answer = host.get("memory", start=FIRST_TICK - 40 * DAY, end=LAST_TICK, points=41).json()

    day = FIRST_TICK // DAY * DAY
    assert answer["resolution"] == "1d"
    assert answer["timestamps"] == [day - 40 * DAY + index * DAY for index in range(41)]
    used = [float(row["%memused"]) for row in oracle_rows(CAPTURE, "proc/meminfo")]
    values = answer["series"]["mem_used_pct"]
    assert values[0] is not None and values[1:-1] == [None] * 39 and close(values[-1], sum(used) / len(used))


def _with_interfaces(ticks, count: int) -> list[list[dict]]:
    """The ticks with count more interfaces, each a copy of eth0 (vethbound<n>)."""
    def more(text: str) -> str:
        eth0 = next(line for line in text.splitlines() if line.strip().startswith("eth0:"))
        return text.rstrip("\n") + "\n" + "\n".join(eth0.replace("eth0:", f"vethbound{n}:") for n in range(count)) + "\n"

    return [[{**m, "measurement": more(m["measurement"])} if m["subsystem"] == "/proc/net/dev" else m for m in tick]
            for tick in ticks]


def test_it_refuses_more_values_than_the_bound_with_the_items_naming_points(client):
    # Rates from pcprocess's second row on; an earlier sample makes the data span the 6 days.
    ticks = [*moved_back(TICKS[-2:], 6 * DAY - 60), *TICKS[2:]]
    host = replayed(client, _with_interfaces(ticks, ADDED_INTERFACES))
    start, end = LAST_TICK - 6 * DAY, LAST_TICK  # 8,641 minutes: 1m at 10,000 points

    response = host.get("network", start=start, end=end, points=dashboard.POINTS_MAX)

    # 8,641 timestamps x (11 host series + 46 interfaces x 12) = 4.9 million values
    assert response.status_code == 400 and list(response.json()) == ["points"]
    assert len(response.content) < 500
    answer = host.get("network", start=start, end=end).json()
    assert answer["resolution"] == "1h" and len(answer["items"]) == 6 + ADDED_INTERFACES
    assert _values(answer) <= dashboard.CHART_VALUES_MAX
    minutes = by_minute(oracle("proc/net/dev", IFACE="eth0"), lambda row: float(row["rxkB/s"]))
    hours: dict[int, list[float]] = {}
    for minute, values in minutes.items():
        hours.setdefault(minute // 3600 * 3600, []).extend(values)
    added = next(item for item in answer["items"] if item["name"] == "vethbound7")
    for hour, values in hours.items():
        assert close(added["series"]["rx_kb_ps"][answer["timestamps"].index(hour)], sum(values) / len(values))


def test_it_reads_no_more_rows_than_the_bound_allows(client, monkeypatch):
    host = replayed(client, _with_interfaces(TICKS, 4))
    monkeypatch.setattr(dashboard, "CHART_VALUES_MAX", 1000)
    read = []

    def counted(name, **params):
        columns, rows = fetch_rows(name, **params)
        read.append(len(rows))
        return columns, rows

    fetch_rows = sqlfiles.fetch_rows
    monkeypatch.setattr(sqlfiles, "fetch_rows", counted)
    response = host.get("network", hours=1)

    assert response.status_code == 400 and list(response.json()) == ["points"]
    # 126 ticks x (the total and 10 interfaces) are stored; the LIMIT stops at the first row too many.
    assert max(read) == 1000 // 11 + 1


def test_it_bounds_the_summary_of_year_1_to_9999(client):
    host = replayed(client, TICKS[2:])  # rates from pcprocess's second row on
    response = host.get("summary", start=YEAR_1, end=YEAR_9999)

    assert response.status_code == 200 and len(response.content) < 2000
    answer = response.json()
    busy = [100 - float(row["%idle"]) for row in oracle("proc/stat", CPU="-1")]
    assert answer["resolution"] == "1m" and close(answer["metrics"]["cpu_busy"]["latest"], busy[-1])
    assert close(answer["metrics"]["cpu_busy"]["avg"], sum(busy) / len(busy))
    assert close(answer["metrics"]["cpu_busy"]["min"], min(busy)) and close(answer["metrics"]["cpu_busy"]["max"], max(busy))


def test_it_bounds_the_live_feed_to_an_hour_of_ticks(client):
    host = replayed(client)
    refused = host.get("live", since=YEAR_1)
    answer = host.get("live", since=datetime.fromtimestamp(LAST_TICK - 3600, UTC).isoformat()).json()

    assert refused.status_code == 400 and list(refused.json()) == ["since"] and len(refused.content) < 500
    assert answer["timestamps"] == [tick[0]["timestamp"] for tick in TICKS]
