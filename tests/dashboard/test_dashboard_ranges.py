"""metrics/dashboard.py's range arithmetic, without a database."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from metrics.dashboard import Window, bucket_count, instant_parse, resolution_choose, window_resolve

LATEST = datetime(2026, 1, 10, 20, 45, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["1768077930", "1768077930.0", "2026-01-10T20:45:30Z", "2026-01-10T20:45:30",
                                  "2026-01-10T21:45:30+01:00", " 2026-01-10 20:45:30+00:00 "])
def test_it_reads_iso_dates_and_unix_seconds(text):
    assert instant_parse(text) == LATEST


@pytest.mark.parametrize("text", ["", "soon", "inf", "nan", "1e400", "2026-02-30T00:00:00"])
def test_it_refuses_what_is_no_instant(text):
    with pytest.raises(ValueError):
        instant_parse(text)


def test_it_counts_back_from_the_latest_sample():
    assert window_resolve(start=None, end=None, hours=None, latest=LATEST) == Window(LATEST - timedelta(hours=24),
                                                                                    LATEST)
    assert window_resolve(start=None, end=None, hours=0.5, latest=LATEST).start == LATEST - timedelta(minutes=30)
    assert window_resolve(start=None, end=None, hours=None, latest=None) is None


@pytest.mark.parametrize("params, field", [
    ({"start": LATEST, "end": LATEST}, "end"),
    ({"start": LATEST, "hours": 1}, "hours"),
    ({"start": LATEST + timedelta(seconds=1)}, "start"),
])
def test_it_names_the_parameter_of_an_empty_range(params, field):
    with pytest.raises(ValidationError) as raised:
        window_resolve(**{"start": None, "end": None, "hours": None, "latest": LATEST, **params})
    assert list(raised.value.message_dict) == [field]


def test_it_counts_buckets_from_the_first_to_the_last_touched():
    window = Window(datetime(2026, 1, 1, 0, 59, 59, tzinfo=UTC), datetime(2026, 1, 1, 1, 0, 0, tzinfo=UTC))
    assert [bucket_count(window, level) for level in ("raw", "1m", "1h", "1d")] == [1, 2, 2, 1]
    assert resolution_choose(window=window, points=1, now=window.end) == "raw"
    day = Window(LATEST - timedelta(days=1), LATEST)
    assert [bucket_count(day, level) for level in ("raw", "1m", "1h", "1d")] == [17281, 1441, 25, 2]
    assert resolution_choose(window=day, points=25, now=LATEST) == "1h"
    assert resolution_choose(window=day, points=24, now=LATEST) == "1d"


@pytest.fixture
def retention(settings):
    settings.XAT_RETENTION_DAYS = {"raw": 30, "1m": 90, "1h": 730, "1d": 0}


@pytest.mark.parametrize("days_ago, resolution", [
    (29, "raw"),
    (31, "1m"),    # raw samples dropped: the finest level that still holds the start
    (89, "1m"),
    (91, "1h"),
    (800, "1d"),   # only the days are kept
])
def test_it_reads_a_level_that_retention_kept(retention, days_ago, resolution):
    hour = Window(LATEST - timedelta(days=days_ago, hours=1), LATEST - timedelta(days=days_ago))
    assert resolution_choose(window=hour, points=1000, now=LATEST) == resolution


def test_it_goes_coarser_for_points_among_the_kept_levels_only(retention):
    day = Window(LATEST - timedelta(days=41), LATEST - timedelta(days=40))
    assert resolution_choose(window=day, points=1441, now=LATEST) == "1m"
    assert resolution_choose(window=day, points=1440, now=LATEST) == "1h"
    assert resolution_choose(window=day, points=1, now=LATEST) == "1d"


def test_it_takes_the_coarsest_level_when_retention_dropped_them_all(settings):
    settings.XAT_RETENTION_DAYS = {"raw": 1, "1m": 1, "1h": 1, "1d": 1}
    hour = Window(LATEST - timedelta(days=2, hours=1), LATEST - timedelta(days=2))
    assert resolution_choose(window=hour, points=1000, now=LATEST) == "1d"
