"""A pcd-compatible HTTP server for tests: http.server in a thread on 127.0.0.1, answering
POST /v1/loadtest as pcd does (contract Appendix D.3) or in one of the ways pcd can fail.

    with pcd_serving(units_at_100=12000) as pcd:       # good results, 10 levels
        collector_make(..., pcd_address=pcd.address, pcd_apikey_encrypted=encrypt(pcd.key))
        pcd.requests                                    # [(method, path, headers, body)] received
    pcd_serving(status=503, text="down")                # an error answer
    pcd_serving(behaviour="garbage" | "oversize" | "drip" | "hang" | "redirect" | "pcd_error" | "nested")

A test that uses it admits 127.0.0.1 with the `pcd_admitted` fixture (tests/loadtests/conftest.py).
"""

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connection

from metrics.loadtests.models import LOAD_LEVELS
from metrics.models import Collector

KEY = "pcd-test-key-0123"


def pcd_results(units_at_100: int) -> list[dict]:
    """Ten levels whose work units grow in proportion to busyPct (D.3's example's shape)."""
    return [{"busyPct": level, "workUnits": units_at_100 * level // 100} for level in LOAD_LEVELS]


class CollectorDeletion:
    """An on_request for pcd_serving: deletes `.collector` (set once it is made) while pcd
    "runs", from the server's thread and its own database connection."""

    collector: Collector | None = None

    def __call__(self) -> None:
        Collector.objects.filter(pk=self.collector.pk).delete()
        connection.close()


@dataclass
class FakePcd:
    address: str
    key: str
    requests: list = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def pcd_serving(*, units_at_100: int = 12000, behaviour: str = "good", status: int = 200, text: str = "",
                delay: float = 0.0, results: list | None = None, key: str = KEY, on_request=None):
    """The server (module docstring); `delay` seconds before a good answer (a slow server),
    `on_request()` called once a request arrived, before the answer (what happens meanwhile
    elsewhere); `release` ends a "hang" or "drip" early (the server's threads stop with it)."""
    answer_results = pcd_results(units_at_100) if results is None else results

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            pcd.requests.append((self.command, self.path, dict(self.headers), body))
            if on_request is not None:
                on_request()
            if self.headers.get("apikey") != key:
                return self._send(401, json.dumps({"error": "Invalid API key"}).encode())
            if behaviour == "hang":
                pcd.release.wait(60)
                return None
            if behaviour == "drip":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                for byte in b'{"results": [' + b" " * 10_000:
                    if pcd.release.wait(0.05):
                        return None
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                return None
            if behaviour == "garbage":
                return self._send(200, b"<html>not json</html>")
            if behaviour == "nested":  # 5,000 levels: json's recursion raised RecursionError
                return self._send(200, b'{"results": ' + b"[" * 5000 + b"]" * 5000 + b"}")
            if behaviour == "oversize":
                return self._send(200, b'{"results": [], "padding": "' + b"x" * 200_000 + b'"}')
            if behaviour == "redirect":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if behaviour == "pcd_error":
                return self._send(200, json.dumps({"results": [], "error": "perfcpumeasure crashed"}).encode())
            if status != 200:
                return self._send(status, text.encode())
            time.sleep(delay)
            return self._send(200, json.dumps({"results": answer_results, "hostname": "pcd-host",
                                               "timestamp": int(time.time()), "numCores": 4}).encode())

        def _send(self, code: int, payload: bytes):
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    pcd = FakePcd(address=f"127.0.0.1:{server.server_address[1]}", key=key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pcd
    finally:
        pcd.release.set()
        server.shutdown()
        server.server_close()
