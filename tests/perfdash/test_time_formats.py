"""Every date-time the perf-dashboard API answers, in the style the contract gives its field
(§1.5, xat/timestamps.py): Z for the objects DRF serialises in the reference (collector,
uploaded file), an offset for every /dashboard/api/ answer and a capture's capturedAt,
naive UTC wall time for capture data's timestamps. Every ISO date-time in each answer is
checked, so a field added later cannot slip through in another style."""

import re
from datetime import datetime, timedelta, timezone

import pytest

from metrics.models import TrickleSession
from tests.perfdash.replay import retention_keeps_the_captures, uploaded  # noqa: F401
from tests.perfdash.session_ticks import TICKS, ending_now, trickle
from tests.personas import api_client, api_key_make, collector_make, team_make
from xat.timestamps import iso_naive, iso_offset, iso_z

pytestmark = pytest.mark.django_db
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
STYLES = {
    "z": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$"),
    "offset": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$"),
    "naive": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$"),
}


def _date_times(answer, key=None):
    """(the key that holds it, text) for every ISO date-time string in a JSON answer."""
    if isinstance(answer, dict):
        for name, value in answer.items():
            yield from _date_times(value, name)
    elif isinstance(answer, list):
        for item in answer:
            yield from _date_times(item, key)
    elif isinstance(answer, str) and DATE_TIME.match(answer):
        yield key, answer


@pytest.fixture
def world():
    acme = team_make("acme")
    web = collector_make(acme.organization, name="web")
    _, secret = api_key_make(acme.organization, collector=web)
    trickle(api_client(), secret, ending_now(TICKS[:4]))
    capture = uploaded(acme)
    session = TrickleSession.objects.get(collector=web)
    return {"collector": web.uuid, "session": session.pk, "capture": capture.uuid,
            "capture_collector": capture.collector.uuid, "viewer": acme.viewer}


# path, {key: style} of every date-time the answer holds (the contract's §2.2, §7, §9.2, §9.3, §9.6)
CASES = [
    ("/api/v1/collectors/{collector}/", {"created_at": "z", "updated_at": "z", "last_seen": "z"}),
    ("/api/v1/collectors/{capture_collector}/data/", {"created_at": "z", "data_start": "z", "data_end": "z"}),
    ("/dashboard/api/collectors/{collector}/live/", {"timestamps": "offset"}),
    ("/dashboard/api/collectors/{collector}/cpu/", {"timestamps": "offset"}),
    ("/dashboard/api/collectors/{collector}/trickle-status/", {"last_data_at": "offset",
                                                               "collector_last_seen": "offset"}),
    ("/dashboard/api/trickle/active/", {"started_at": "offset", "last_data_at": "offset"}),
    ("/dashboard/api/sessions/{session}/", {"started_at": "offset", "timestamps": "offset"}),
    ("/api/v1/pcc/captures", {"capturedAt": "offset"}),
    ("/api/v1/pcc/captures/{capture}/data", {"capturedAt": "offset", "timestamps": "naive"}),
]


@pytest.mark.parametrize("path, styles", CASES, ids=[case[0] for case in CASES])
def test_it_writes_each_date_time_in_its_fields_style(world, path, styles):
    response = api_client(world["viewer"]).get(path.format(**world))
    assert response.status_code == 200, response.content
    found = list(_date_times(response.json()))
    assert {key for key, _ in found} == set(styles)
    wrong = [(key, text) for key, text in found if not STYLES[styles[key]].match(text)]
    assert not wrong


def test_it_writes_every_style_in_utc_with_a_fraction_only_when_there_is_one():
    moment = datetime(2026, 1, 22, 16, 5, 11, tzinfo=timezone(timedelta(hours=2)))
    assert (iso_z(moment), iso_offset(moment), iso_naive(moment)) == (
        "2026-01-22T14:05:11Z", "2026-01-22T14:05:11+00:00", "2026-01-22T14:05:11")
    assert iso_z(moment.replace(microsecond=482913)) == "2026-01-22T14:05:11.482913Z"
    assert iso_offset(1769090711) == "2026-01-22T14:05:11+00:00"
    assert (iso_z(None), iso_offset(None), iso_naive(None)) == (None, None, None)
