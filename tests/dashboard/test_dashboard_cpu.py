"""GET /api/dashboard/collectors/{id}/cpu/, against pcprocess's rows of the same capture."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.aggregates import aggregates_refresh
from tests.dashboard.capture import (FAR_FUTURE, FIRST_TICK, LAST_TICK, TICKS, by_minute, close, full_minutes,
                                     moved_back, oracle, replayed, same_answer)
from tests.personas import api_client, collector_make, team_make

pytestmark = pytest.mark.django_db

WHOLE = {"start": FIRST_TICK, "end": LAST_TICK}
TICKS_FEW = TICKS[:3]  # enough for the tests of parameters


def test_it_gives_the_raw_samples_pcprocess_computed(client):
    host = replayed(client)
    answer = host.get("cpu", hours=1).json()

    assert answer["resolution"] == "raw"
    assert answer["collector"] == {"id": host.collector.pk, "name": host.collector.name}
    assert answer["end"] == datetime.fromtimestamp(LAST_TICK, UTC).isoformat().replace("+00:00", "Z")
    assert answer["timestamps"] == list(range(FIRST_TICK, LAST_TICK + 1, 5))
    assert answer["units"]["user"] == "%" and "items" not in answer
    position = {t: index for index, t in enumerate(answer["timestamps"])}
    rows = oracle("proc/stat", CPU="-1")
    for row in rows:
        index = position[int(row["timestamp"])]
        assert close(answer["series"]["user"][index], float(row["%usr"])), row
        assert close(answer["series"]["idle"][index], float(row["%idle"])), row
        assert close(answer["series"]["busy"][index], 100 - float(row["%idle"])), row
    assert answer["series"]["user"][0] is None  # the first tick has no rate
    assert len(rows) > 100


def test_it_gives_minute_averages_equal_to_the_mean_of_pcprocess_rows(client):
    host = replayed(client)
    answer = host.get("cpu", points=100, **WHOLE).json()

    assert answer["resolution"] == "1m"
    rows = oracle("proc/stat", CPU="-1")
    minutes = by_minute(rows, lambda row: float(row["%usr"]))
    compared = 0
    for minute in full_minutes(rows):
        values = minutes[minute]
        ours = answer["series"]["user"][answer["timestamps"].index(minute)]
        assert close(ours, sum(values) / len(values)), minute
        compared += 1
    assert compared >= 9


@pytest.mark.parametrize("stat, pick", [("max", max), ("min", min)])
def test_it_gives_the_chosen_bucket_statistic(client, stat, pick):
    host = replayed(client)
    answer = host.get("cpu", points=100, stat=stat, **WHOLE).json()

    rows = oracle("proc/stat", CPU="-1")
    users = by_minute(rows, lambda row: float(row["%usr"]))
    idles = by_minute(rows, lambda row: float(row["%idle"]))
    other = min if pick is max else max
    for minute in full_minutes(rows):
        index = answer["timestamps"].index(minute)
        assert close(answer["series"]["user"][index], pick(users[minute]))
        # busy = 100 - idle: its max is 100 - the idle minimum
        assert close(answer["series"]["busy"][index], 100 - other(idles[minute]))


def test_it_gives_each_core_with_per_core(client):
    host = replayed(client)
    answer = host.get("cpu", per_core=1, hours=1).json()

    assert [item["name"] for item in answer["items"]] == ["cpu0", "cpu1", "cpu2", "cpu3"]
    position = {t: index for index, t in enumerate(answer["timestamps"])}
    for core, item in enumerate(answer["items"]):
        assert len(item["series"]["system"]) == len(answer["timestamps"])
        for row in oracle("proc/stat", CPU=str(core)):
            assert close(item["series"]["system"][position[int(row["timestamp"])]], float(row["%system"]))


def test_it_fills_buckets_without_samples_with_null(client):
    # The capture and, an hour before it, an earlier sample: the data span the range.
    host = replayed(client, [*moved_back(TICKS[-2:], LAST_TICK - FIRST_TICK + 3600), *TICKS])
    answer = host.get("cpu", start=FIRST_TICK - 3600, end=LAST_TICK + 1800, points=200).json()

    assert answer["resolution"] == "1m"
    first, last = (FIRST_TICK - 3600) // 60 * 60, (LAST_TICK + 1800) // 60 * 60
    assert answer["timestamps"] == list(range(first, last + 1, 60))
    filled = [t for t, value in zip(answer["timestamps"], answer["series"]["user"]) if value is not None]
    assert filled == [(FIRST_TICK - 3600) // 60 * 60, *range(FIRST_TICK // 60 * 60, LAST_TICK // 60 * 60 + 1, 60)]
    assert all(len(values) == len(answer["timestamps"]) for values in answer["series"].values())


@pytest.mark.parametrize("params, resolution, count", [
    ({"hours": 1}, "raw", 721),           # 3600 / 5 + 1 nominal samples <= 1000
    ({"hours": 24}, "1h", 25),            # 1m: 1441 buckets > 1000
    ({"hours": 24, "points": 1441}, "1m", 1441),
    ({"hours": 24, "points": 10000}, "1m", 1441),  # raw: 17281 > 10000
    ({"hours": 24 * 7}, "1h", 169),
    ({"hours": 24 * 30}, "1h", 721),
    ({"hours": 24 * 90}, "1d", 91),       # 1h: 2161 > 1000
])
def test_it_picks_the_finest_resolution_within_points(client, params, resolution, count):
    # A sample at the range's start too: the data span the range (a resolution follows the
    # data inside it, test_dashboard_data_span.py).
    host = replayed(client, [*moved_back(TICKS_FEW[-2:], params["hours"] * 3600 - 60), *TICKS_FEW])
    answer = host.get("cpu", **params).json()

    assert answer["resolution"] == resolution
    if resolution != "raw":
        assert len(answer["timestamps"]) == count
    else:
        assert len(answer["timestamps"]) <= count


def test_it_counts_hours_back_from_the_latest_sample_not_from_now(client):
    host = replayed(client)
    answer = host.get("cpu").json()  # 24 hours, default

    last = datetime.fromtimestamp(LAST_TICK, UTC)
    assert answer["end"] == last.isoformat().replace("+00:00", "Z")
    assert answer["start"] == datetime.fromtimestamp(LAST_TICK - 86400, UTC).isoformat().replace("+00:00", "Z")
    assert any(value is not None for value in answer["series"]["user"])


def test_it_takes_iso_dates_and_unix_seconds_alike(client):
    host = replayed(client)
    iso = {key: datetime.fromtimestamp(value, UTC).isoformat() for key, value in WHOLE.items()}
    assert host.get("cpu", **iso).json() == host.get("cpu", **WHOLE).json()


def test_it_answers_the_same_before_and_after_materialising(client):
    host = replayed(client)
    ranges = [dict(points=100, **WHOLE), dict(points=5, **WHOLE), dict(points=41, hours=24 * 40), {"hours": 1}]
    before = [host.get("cpu", per_core=1, stat=stat, **params).json() for params in ranges for stat in ("avg", "max")]
    # 40 days at 41 points are 1d by their length, but the capture spans 10 minutes of one
    # hour: 1h over that hour (1m would be more than 41 buckets).
    assert [answer["resolution"] for answer in before[::2]] == ["1m", "1h", "1h", "raw"]

    aggregates_refresh(now=FAR_FUTURE)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM aggregate_store.cpu_1h WHERE collector_id = %s", [host.collector.pk])
        assert cursor.fetchone()[0] > 0
    after = [host.get("cpu", per_core=1, stat=stat, **params).json() for params in ranges for stat in ("avg", "max")]
    assert same_answer(before, after)


def test_it_answers_empty_arrays_for_a_collector_without_data():
    team = team_make("acme")
    collector = collector_make(team.organization, name="silent")
    response = api_client(team.viewer).get(f"/api/dashboard/collectors/{collector.pk}/cpu/", {"per_core": 1})

    assert response.status_code == 200
    answer = response.json()
    assert answer["timestamps"] == [] and answer["items"] == [] and answer["resolution"] is None
    assert answer["series"]["user"] == [] and answer["units"]["user"] == "%"


def test_it_answers_404_for_another_organizations_collector(client):
    host = replayed(client)
    outsider = team_make("globex")

    response = host.get("cpu", user=outsider.admin)

    assert response.status_code == 404
    assert "host" not in response.content.decode()


@pytest.mark.parametrize("params, field", [
    ({"stat": "median"}, "stat"),
    ({"start": FIRST_TICK, "end": FIRST_TICK}, "end"),
    ({"start": FIRST_TICK, "end": FIRST_TICK - 5}, "end"),
    ({"start": "yesterday"}, "start"),
    ({"end": "2026-13-45T00:00:00"}, "end"),
    ({"start": "nan"}, "start"),
    ({"points": 0}, "points"),
    ({"points": 10001}, "points"),
    ({"points": "many"}, "points"),
    ({"hours": -1}, "hours"),
    ({"hours": "two"}, "hours"),
    ({"start": FIRST_TICK, "hours": 1}, "hours"),
    ({"start": FIRST_TICK + 3600}, "start"),  # after the latest sample, no end given
    ({"per_core": "maybe"}, "per_core"),
])
def test_it_refuses_bad_input_naming_the_parameter(client, params, field):
    host = replayed(client, TICKS_FEW)
    response = host.get("cpu", **params)

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]


def test_it_reads_the_chart_in_one_query(client, django_assert_num_queries):
    host = replayed(client)
    viewer = api_client(host.team.viewer)
    url = f"/api/dashboard/collectors/{host.collector.pk}/cpu/?hours=1&per_core=1"
    # 1. the user of the JWT with their memberships and organizations
    # (accounts.authentication), 2. the collector (collector_get_for_org), 3. generic plans for
    # the transaction (dashboard_plans_generic), 4. the chart (dashboard_cpu).
    with django_assert_num_queries(4):
        assert viewer.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        viewer.get(url)
    assert "cpu_levels" in queries.captured_queries[-1]["sql"]


@pytest.mark.django_db(transaction=True)  # the ticks committed: the connection is closed below
def test_it_runs_a_charts_first_query_on_a_connection_prepared_with_its_generic_plan(client):
    host = replayed(client)
    connection.close()  # a server thread's new connection: nothing prepared on it yet
    assert api_client(host.team.viewer).get(f"/api/dashboard/collectors/{host.collector.pk}/cpu/?hours=1"
                                            ).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                       " WHERE statement LIKE '%%FROM cpu_levels%%'")
        # Prepared at its first run (not its 5th), planned once for any parameters.
        assert cursor.fetchall() == [(1, 0)]



@pytest.mark.django_db(transaction=True)
def test_it_prepares_nothing_where_prepared_statements_are_off(client):
    host = replayed(client)
    connection.close()
    connection.ensure_connection()
    connection.connection.prepare_threshold = None  # PGPREPARE_THRESHOLD=0: a pooler that cannot keep them
    assert api_client(host.team.viewer).get(f"/api/dashboard/collectors/{host.collector.pk}/cpu/?hours=1"
                                            ).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)
    connection.close()  # the next test's connection prepares again
