"""The proof in a real browser (issue 11): headless Chromium loads a page from a second
origin (tests/perfdash/browser/index.html) that logs in at the live server, refreshes twice
with its first refresh token, and reads the user, the collector dropdown and a CPU chart of
data sent through /v1/trickle, all through CORS with the Bearer access token. Chromium is
required (scripts/test.sh installs Debian's package when run as root): without it this fails."""

import html
import json
import re
import subprocess
import threading
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.dashboard.capture import replayed
from tests.perfdash.replay import (ORACLES, TICKS, assert_rounded,  # noqa: F401
                                   retention_keeps_the_captures)
from tests.personas import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
PAGE_DIR = Path(__file__).parent / "browser"
RESULT = re.compile(r'<pre id="result">(.*?)</pre>', re.S)


class _QuietPageHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def page_origin():
    """http://127.0.0.1:<port>, serving PAGE_DIR: another origin than the live server's
    http://localhost:<port>."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietPageHandler, directory=PAGE_DIR))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def browse(url: str, profile: Path) -> dict:
    """The page's #result once its script is done, as Chromium left the DOM."""
    assert CHROMIUM.exists(), "Chromium is missing: apt-get install chromium (scripts/test.sh does, as root)"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--virtual-time-budget=20000", "--dump-dom", url]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
    assert 'data-done="yes"' in dom, dom[-2000:]
    return json.loads(html.unescape(RESULT.search(dom).group(1)))


@pytest.mark.django_db(transaction=True)
def test_it_serves_the_dashboards_calls_to_a_browser_on_another_origin(client, live_server, page_origin, settings,
                                                                     tmp_path):
    settings.CORS_ALLOWED_ORIGINS = [page_origin]
    host = replayed(client, TICKS)  # through POST /v1/trickle, one tick per request, as pcc sends
    page = f"{page_origin}/index.html?" + urlencode(
        {"api": live_server.url, "username": host.team.viewer.username, "password": PASSWORD})

    result = browse(page, tmp_path / "profile")

    # A step the browser withholds (no CORS permission) is {"error": "TypeError: Failed to fetch"}.
    assert result["login"].get("status") == 200, result
    assert result["login"]["body"]["user"]["username"] == "acme-viewer"
    assert [result[step].get("status") for step in ("refresh1", "refresh2")] == [200, 200], result
    assert result["refresh1"]["body"]["access"] != result["refresh2"]["body"]["access"]
    assert result["user"]["status"] == 200
    user = result["user"]["body"]
    joined = user.pop("date_joined")
    assert joined.endswith("Z") and datetime.fromisoformat(joined) == host.team.viewer.date_joined
    assert user == {"id": host.team.viewer.pk, "username": "acme-viewer", "email": "acme-viewer@example.com",
                    "first_name": "", "last_name": ""}
    assert result["collectors"]["status"] == 200
    assert [(item["id"], item["name"]) for item in result["collectors"]["body"]] == [
        (str(host.collector.uuid), host.collector.name)]
    expected = ORACLES["cpu"]()
    fields = list(next(iter(expected.values())))  # the contract's cpu_* fields
    # 24 and 1 hour back from the newest sample: every sample, each as pcprocess computed it
    # (the capture spans 10 minutes: raw whatever the range, issue 19).
    assert result["cpu_day"] == result["cpu_hour"]
    samples = result["cpu_hour"]
    assert samples["status"] == 200, samples
    assert _seconds(samples["body"]["timestamps"]) == sorted(expected)
    for field in fields:
        for value, t in zip(samples["body"][field], sorted(expected), strict=True):
            assert_rounded(value, expected[t][field], (field, t))


def _seconds(timestamps: list[str]) -> list[int]:
    return [int(datetime.fromisoformat(text).timestamp()) for text in timestamps]
