"""The bundled agent against a real HTTP server that answers errors: it keeps ticking,
backs off, says why in its log, never logs its key, and stops cleanly on SIGTERM."""

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from metrics.agent import agent_run
from tests.conftest import ROOT

KEY = "xat_abcdefghij_" + "s3cret" * 8
ANSWERS = {
    302: {"error": "moved"},
    503: {"error": "database unavailable, retry later"},
    401: {"error": "Invalid API key"},
    200: {"error": None},
}


class _Received(list):
    """The trickle requests a server received; .registered: its registrations."""

    registered: list


@contextmanager
def _server(statuses: list[int], registrations: list[int] | None = None):
    """A local server answering trickle POSTs with `statuses` in turn (then 200), and
    registrations with `registrations` in turn (then 200); yields the trickle requests it
    received as (headers, body), with the registrations in `.registered`."""
    received = _Received()
    received.registered = []
    registrations = registrations if registrations is not None else []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = (self.headers, json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            if self.path == "/api/v1/register/":
                received.registered.append(request)
                status = registrations.pop(0) if registrations else 200
            else:
                received.append(request)
                status = statuses.pop(0) if statuses else 200
            answer = json.dumps(ANSWERS[status]).encode()
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()


def _wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_it_keeps_ticking_through_errors_and_backs_off(caplog):
    caplog.set_level(logging.DEBUG)
    stop = threading.Event()
    with _server([302, 503, 401]) as (url, received):
        agent = threading.Thread(target=agent_run, kwargs=dict(
            url=url, key=KEY, identifier="host-errors", interval=1, proc_root=Path("/proc"), stop=stop))
        agent.start()
        _wait_for(lambda: len(received) == 5, 30)
        stop.set()
        agent.join(10)
    assert not agent.is_alive()

    assert all(headers["apikey"] == KEY for headers, _ in received)
    ticks = [body["measurements"][0]["timestamp"] for _, body in received]
    # After the n-th failure in a row the next tick is 2^(n-1) intervals later; after a success, the next.
    assert [later - earlier for earlier, later in zip(ticks, ticks[1:])] == [1, 2, 4, 1]
    for (_, body), tick in zip(received, ticks):
        assert {item["timestamp"] for item in body["measurements"]} == {tick}
    log = caplog.text
    for status in (302, 503, 401):
        assert f"{status} {ANSWERS[status]['error']}" in log
    assert "stored, after 3 failed" in log
    assert KEY not in log and KEY.split("_")[2] not in log


def test_it_logs_a_server_that_does_not_answer_and_carries_on(caplog):
    with _server([]) as (url, _):
        pass  # closed: nobody listens there any more
    stop = threading.Event()
    agent = threading.Thread(target=agent_run, kwargs=dict(
        url=url, key=KEY, identifier="host-down", interval=1, proc_root=Path("/proc"), stop=stop))
    agent.start()
    _wait_for(lambda: caplog.text.count("no answer") >= 2, 30)
    stop.set()
    agent.join(10)
    assert not agent.is_alive()
    assert "Connection refused" in caplog.text and KEY not in caplog.text


def test_it_stops_cleanly_on_sigterm_and_keeps_its_key_out_of_its_output():
    with _server([401]) as (url, received):
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "xat_agent", "--url", url, "--interval", "1"],
            cwd=ROOT, env={**os.environ, "XAT_AGENT_KEY": KEY}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for(lambda: len(received) == 2, 30)
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=10)
        finally:
            process.kill()
    assert process.returncode == 0, output
    assert "401 Invalid API key" in output
    assert KEY not in output
    assert received[0][0]["apikey"] == KEY


def test_it_registers_its_host_until_the_server_stores_it():
    stop = threading.Event()
    with _server([], registrations=[503]) as (url, received):
        agent = threading.Thread(target=agent_run, kwargs=dict(
            url=url, key=KEY, identifier="host-register", interval=1, proc_root=Path("/proc"), stop=stop))
        agent.start()
        _wait_for(lambda: len(received) == 3, 30)
        stop.set()
        agent.join(10)
    # Refused once, then stored: asked before the first two ticks only.
    assert len(received.registered) == 2
    headers, description = received.registered[-1]
    assert headers["apikey"] == KEY
    assert description["identifier"] == "host-register" and description["hostname"]
    assert description["vcpus"] == Path("/proc/cpuinfo").read_text().count("processor\t:")
