"""GET /api/dashboard/collectors/{id}/summary/: latest, min, avg, max, p95 of the headline
metrics, against numpy over pcprocess's rows of the same capture."""

from datetime import timedelta

import numpy
import pytest
from django.utils import timezone

from metrics.aggregates import aggregates_refresh, retention_apply
from metrics.host_totals import disks_in_total, interface_in_total
from tests.dashboard.capture import FAR_FUTURE, LAST_TICK, close, host_totals, oracle, replayed, same_answer
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db


def _expected() -> dict[str, dict[int, float]]:
    """Per metric, {time: value} from pcprocess (host totals summed over whole disks and
    physical interfaces)."""
    series = {"cpu_busy": {}, "memory_used": {}}
    for row in oracle("proc/stat", CPU="-1"):
        series["cpu_busy"][int(row["timestamp"])] = 100 - float(row["%idle"])
    for row in oracle("proc/meminfo"):
        series["memory_used"][int(row["timestamp"])] = float(row["%memused"])
    whole = disks_in_total({row["DEV"] for row in oracle("proc/diskstats")})
    series["disk_read"] = host_totals("proc/diskstats", "DEV", whole.__contains__, "bread/s")
    series["disk_written"] = host_totals("proc/diskstats", "DEV", whole.__contains__, "bwrtn/s")
    series["network_rx"] = host_totals("proc/net/dev", "IFACE", interface_in_total, "rxkB/s")
    series["network_tx"] = host_totals("proc/net/dev", "IFACE", interface_in_total, "txkB/s")
    return series


def test_it_gives_the_statistics_of_the_raw_samples_with_an_exact_p95(client):
    host = replayed(client)
    expected = _expected()
    start = min(expected["cpu_busy"])  # pcprocess's first row: the range covers exactly its rows
    answer = host.get("summary", start=start, end=LAST_TICK).json()

    assert answer["resolution"] == "raw"
    assert answer["metrics"]["cpu_busy"]["unit"] == "%" and answer["metrics"]["network_rx"]["unit"] == "kB/s"
    for name, by_time in expected.items():
        values = [by_time[t] for t in sorted(by_time)]
        ours = answer["metrics"][name]
        assert close(ours["latest"], values[-1]), name
        assert close(ours["min"], min(values)) and close(ours["max"], max(values)), name
        assert close(ours["avg"], float(numpy.mean(values))), name
        assert close(ours["p95"], float(numpy.percentile(values, 95))), name  # linear, as percentile_cont


def test_it_reads_minutes_beyond_a_day_with_exact_averages(client):
    host = replayed(client)
    day = host.get("summary", hours=24).json()
    week = host.get("summary", hours=24 * 7).json()

    assert (day["resolution"], week["resolution"]) == ("raw", "1m")
    for name, ours in week["metrics"].items():
        # The capture lies inside both ranges: the same samples, summed by minute or not.
        for stat in ("latest", "min", "avg", "max"):
            assert close(ours[stat], day["metrics"][name][stat]), (name, stat)
        # p95 of the 1-minute averages: between their extremes.
        assert ours["min"] <= ours["p95"] <= ours["max"], name


def test_it_reads_the_finest_level_retention_kept(client, settings):
    host = replayed(client)
    raw = host.get("summary", hours=24).json()
    aggregates_refresh()
    settings.XAT_RETENTION_DAYS = {"raw": 30, "1m": 90, "1h": 730, "1d": 0}
    # 98 days after the capture arrived: past the raw samples' 31 days (30 and a 1-day chunk)
    # and the minutes' 97 (90 and a 7-day chunk), within the hours' 820 (730 and 90).
    retention_apply(now=timezone.now() + timedelta(days=98))
    hourly = host.get("summary", hours=24).json()

    assert (raw["resolution"], hourly["resolution"]) == ("raw", "1h")
    for name, ours in hourly["metrics"].items():
        # Sums and counts, minima and maxima roll up exactly into hours.
        for stat in ("min", "avg", "max"):
            assert close(ours[stat], raw["metrics"][name][stat]), (name, stat)


def test_it_answers_the_same_before_and_after_materialising(client):
    host = replayed(client)
    before = [host.get("summary", hours=hours).json() for hours in (1, 24 * 7)]
    aggregates_refresh(now=FAR_FUTURE)
    assert same_answer([host.get("summary", hours=hours).json() for hours in (1, 24 * 7)], before)


def test_it_answers_nulls_for_a_collector_without_data():
    team = team_make("acme")
    collector = collector_make(team.organization, name="silent")
    answer = api_client(team.viewer).get(f"/api/dashboard/collectors/{collector.pk}/summary/").json()

    assert answer["metrics"]["cpu_busy"] == {"unit": "%", "latest": None, "min": None, "avg": None, "max": None,
                                             "p95": None}


@pytest.mark.parametrize("params, field", [
    ({"start": "soon"}, "start"), ({"end": LAST_TICK, "start": LAST_TICK}, "end"), ({"hours": 0}, "hours"),
])
def test_it_refuses_bad_input_naming_the_parameter(params, field):
    team = team_make("acme")
    collector = collector_make(team.organization, name="web")
    response = api_client(team.viewer).get(f"/api/dashboard/collectors/{collector.pk}/summary/", params)

    assert response.status_code == 400 and list(response.json()) == [field]


def test_it_answers_404_for_another_organizations_collector():
    team, outsider = team_make("acme"), team_make("globex")
    collector = collector_make(team.organization, name="web")
    response = api_client(outsider.admin).get(f"/api/dashboard/collectors/{collector.pk}/summary/")
    assert response.status_code == 404
