"""The proof of the console (issue 22) in a real browser: headless Chromium, driven by
tests/console/driver.mjs (the pinned playwright-core of tests/console/package-lock.json,
which scripts/test.sh installs), uses the console served by gunicorn as a person would, and
prints what it saw as JSON; this test checks it against the API's own answers. One browser
session, as a person's is (signed in once: the tokens live in the page's memory), its steps
checked one after the other: collectors and search, a chart against its answer, live mode,
exports, a month's chart, sessions, an upload, admin pages, refusals in the API's words, an
outage, the keyboard, the organization switch, a viewer, phone width.

Screenshots of the main pages are written to tests/console/screenshots/ (not kept in git),
with result.json, the driver's whole answer (the draw times among it)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from metrics.uploads.models import Upload
from tests.dashboard.capture import LAST_TICK, TICKS
from tests.personas import PASSWORD, api_client
from tests.uploads.files import upload

HERE = Path(__file__).parent
SCREENSHOTS = HERE / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
NOT_A_CAPTURE = b"shopping list\n"


def drive(plan: str) -> dict:
    assert CHROMIUM.exists(), "Chromium is missing: apt-get install chromium (scripts/test.sh does, as root)"
    assert (HERE / "node_modules" / "playwright-core").is_dir(), "run tests/console's npm ci (scripts/test.sh does)"
    done = subprocess.run(["node", str(HERE / "driver.mjs"), plan], cwd=HERE, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.splitlines()[-1])


def plan_of(world, url: str, screenshots: Path, password: str) -> str:
    """The driver's argument (driver.mjs) for a ConsoleWorld (conftest.py) served at url."""
    team = world.acme.team
    return json.dumps({
        "url": url, "screenshots": str(screenshots),
        "admin": {"username": team.admin.username, "password": password},
        "viewer": {"username": team.viewer.username, "password": password}, "memberEmail": team.viewer.email,
        "host": world.acme.collector.pk, "month": world.month.pk, "monthName": world.month.name,
        "uploadInto": world.upload_into.pk, "foreign": world.foreign.pk, "uploadFile": str(world.upload_file),
        "liveTick": {"key": world.live_key, "file": str(world.live_tick_file)}, "notCapture": NOT_A_CAPTURE.decode(),
    })


@pytest.mark.django_db(transaction=True)
def test_it_shows_charts_live_ticks_uploads_and_admin_pages_in_a_browser(console_world, console_server):
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir()
    seen = drive(plan_of(console_world, console_server, SCREENSHOTS, PASSWORD))
    (SCREENSHOTS / "result.json").write_text(json.dumps(seen, indent=2))
    print(f"\nconsole screenshots and result: {SCREENSHOTS}")
    month = seen["month"]
    print(f"30-day CPU chart ({month.get('points')} points; {month.get('series')} series answered) drawn in"
          f" {month.get('drawMs')} ms after its answer; every chart of the month:", month.get("charts"))
    failed = {step: outcome["error"] for step, outcome in seen.items()
              if isinstance(outcome, dict) and "error" in outcome}
    assert not failed, failed
    # A strict Content-Security-Policy breaks a page silently: nothing was refused, nothing thrown.
    refused = [e for e in seen["errors"] if "Content Security Policy" in e or e.startswith("pageerror")]
    assert not refused, seen["errors"]

    world = console_world
    acme = world.acme
    admin = api_client(acme.team.admin, organization=acme.team.organization)

    # Collectors: acme's three, not globex's; the search narrows the list.
    assert sorted(map(int, seen["collectors"]["listed"])) == sorted(
        [acme.collector.pk, world.month.pk, world.upload_into.pk])
    assert seen["collectors"]["searched"] == [str(world.month.pk)]

    # The CPU chart over 1 hour holds exactly the points the API answers for the same range
    # (asked again with its start and end: the live tick came since, after that end).
    hour = seen["hour"]
    again = admin.get(f"/api/dashboard/collectors/{acme.collector.pk}/cpu/",
                      {"start": hour["start"], "end": hour["end"]})
    assert again.status_code == 200, again.content
    assert hour["status"] == 200 and hour["points"] == hour["answered"] == len(again.json()["timestamps"]), hour
    assert hour["answered"] == len(TICKS) - 1  # every tick of the capture but the one held back, at raw
    assert hour["resolution"] == "raw" and "raw" in hour["shownResolution"], hour

    # Live mode: the tick sent through /v1/trickle during the test is a new point within 10 s.
    live = seen["live"]
    assert live["trickleStatus"] == 200, live
    assert live["lastAfter"] == LAST_TICK and live["after"] == live["before"] + 1, live
    assert live["elapsedMs"] < 10_000, live

    # The export links save the shown range as CSV, JSON and the sar tree (a zip), named by the server.
    export = seen["export"]
    assert export["csv"]["fileName"].endswith(".csv"), export
    assert export["csv"]["header"].startswith("collector_id,collector,time"), export
    # The shown hour ends at the live tick: every tick, that one included (the export excludes
    # its end, the chart includes it).
    assert export["csv"]["rows"] == len(TICKS), export
    assert export["json"]["fileName"].endswith(".json") and export["json"]["rows"] == export["csv"]["rows"], export
    assert export["sar"]["fileName"].endswith(".zip") and export["sar"]["magic"] == "PK", export

    # A month at the API-picked hourly resolution, shown as such.
    assert month["resolution"] == "1h" and "1h" in month["shownResolution"], month
    assert month["points"] == month["answered"] == 721, month

    # Sessions: the replayed ticks' session opens as a chart range.
    sessions = seen["sessions"]
    assert sessions["rows"] >= 1 and sessions["opened"]["points"] == sessions["opened"]["answered"] > 100, sessions

    # An upload: a file of no known format refused in the API's words; a capture's bar follows
    # its job (part read, then 100 %), and its ticks are in the chart.
    uploaded = seen["upload"]
    unknown = upload(api_client(acme.team.analyst), NOT_A_CAPTURE, collector=world.upload_into)
    assert unknown.status_code == 415 and unknown.json()["error"] in uploaded["refusal"], uploaded["refusal"]
    assert uploaded["sent"] == 100 and not uploaded["errorShown"], uploaded  # the refusal went with its file
    assert uploaded["seen"] == sorted(uploaded["seen"]) and uploaded["seen"][-1] == 100, uploaded["seen"]
    assert any(0 < value < 100 for value in uploaded["seen"]), uploaded["seen"]
    (done,) = Upload.objects.filter(collector=world.upload_into)
    assert done.state == "done" and f"{done.result['ticks']} ticks stored" in uploaded["state"], uploaded
    assert uploaded["recent"] == ["collection.ndjson", "month.csv"], uploaded  # newest first
    charted = uploaded["charted"]
    assert charted["points"] == charted["answered"] > 0, charted

    # Admin pages: the members, and a new key shown once with its install line.
    assert seen["admin"]["members"] == 3
    assert seen["admin"]["keysAfter"] == seen["admin"]["keysBefore"] + 1, seen["admin"]
    assert not seen["admin"]["errorAfterKey"], seen["admin"]  # the refusal before it is gone
    assert seen["admin"]["newKey"].startswith("xat_") and seen["admin"]["newKey"] in seen["admin"]["installLine"]

    # Refusals in the API's words, the field and its reason: the only admin made a viewer (the
    # menu then shows the role kept), a member's own address invited.
    membership = acme.team.organization.memberships.get(user=acme.team.admin)
    kept = admin.patch(f"/api/organization/members/{membership.pk}/", {"role": "viewer"}, format="json")
    ((field, reasons),) = kept.json().items()
    assert kept.status_code == 400 and seen["admin"]["lastAdmin"] == {
        "refusal": f"{field}: {' '.join(reasons)}", "role": "admin"}, seen["admin"]
    assert seen["admin"]["refusal"] == "email: A member of this organization has this address.", seen["admin"]

    # The database away, then the connection lost: the page says so, retries, then shows the list.
    outage = seen["outage"]
    assert outage["calls"] >= 3 and outage["listed"] == 3 and outage["after"] == "", outage
    assert any("503" in text for text in outage["statuses"]), outage
    assert any("connection" in text.lower() for text in outage["statuses"]), outage

    # Keyboard only: Tab reaches a collector's link, Enter opens its charts.
    keyboard = seen["keyboard"]
    assert keyboard["hash"] == f"#/collectors/{keyboard['focused']}" and keyboard["opened"]["points"] > 0, keyboard

    # The organization switch: globex's collector there, acme's three back here.
    switch = seen["switch"]
    assert switch["organizations"] == ["acme", "globex"], switch
    assert switch["globex"] == [str(world.foreign.pk)], switch
    assert sorted(map(int, switch["acme"])) == sorted([acme.collector.pk, world.month.pk, world.upload_into.pk]), switch

    # A viewer: no admin link or page; another organization's collector is "not found".
    viewer = seen["viewer"]
    assert viewer["adminLinks"] == 0 and viewer["adminTables"] == 0, viewer
    # nor export links (the API refuses a viewer's export): a sentence says who may export.
    assert viewer["exportLinks"] == 0 and "analyst or admin" in viewer["exportsShown"], viewer
    assert "not found" in viewer["notFound"].lower(), viewer
    # Its sessions page: the API's 404, as the API words it.
    foreign = api_client(acme.team.viewer).get(f"/api/collectors/{world.foreign.pk}/")
    assert foreign.status_code == 404 and viewer["foreignSessions"] == foreign.json()["detail"], viewer

    # Readable at phone width: no page wider than the screen (a wide table scrolls on its own).
    assert seen["phone"]["horizontalOverflowPx"] <= 0, seen["phone"]
    assert seen["admin"]["phone"]["horizontalOverflowPx"] <= 0, seen["admin"]["phone"]
