"""The production front (deploy/nginx/xat.conf.template, issue 23 item 2): Debian's nginx
runs that configuration in front of gunicorn and the agent service, as compose's `proxy`
service does with the official image. Slow clients cost nginx a connection, never a
gunicorn thread; nginx's own refusals are JSON; the agents' paths reach the agent service.

nginx is a Debian package that scripts/test.sh installs when it is missing."""

import http.client
import json
import re
import selectors
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from django.db import connection

from tests.conftest import ROOT, agent_service_serving, free_port, gunicorn_serving

TEMPLATE = ROOT / "deploy" / "nginx" / "xat.conf.template"
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SLOW_CONNECTIONS = 200
HEALTH_P99_MS = 100
# The template's client_body_timeout and client_header_timeout.
CLIENT_TIMEOUT_SECONDS = 10

pytestmark = pytest.mark.django_db(transaction=True)


def _rendered(*, listen: str, web: str, agents: str, replace: dict | None = None) -> str:
    """The template with its three variables set, as the official image's envsubst does."""
    text = TEMPLATE.read_text()
    for name, value in {"XAT_PROXY_LISTEN": listen, "XAT_WEB_UPSTREAM": web, "XAT_AGENTS_UPSTREAM": agents}.items():
        text = text.replace("${" + name + "}", value)
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    assert "${" not in text
    return text


@contextmanager
def nginx_serving(folder: Path, *, web: str, agents: str, replace: dict | None = None):
    """Debian's nginx with the template (an http context) inside a minimal main
    configuration of its own folder, on a free port; yields the port."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: scripts/test.sh installs Debian's package"
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "xat.conf").write_text(_rendered(listen=f"127.0.0.1:{port}", web=web, agents=agents, replace=replace))
    temporary = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(f"""
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 1024; }}
http {{
    access_log {folder / "access.log"};
    {temporary}
    include {folder / "xat.conf"};
}}
""")
    proxy = subprocess.Popen([nginx, "-c", str(folder / "nginx.conf"), "-p", str(folder), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=(folder / "stderr.log").open("wb"))
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
                break
            except OSError:
                assert proxy.poll() is None and time.monotonic() < deadline, (folder / "stderr.log").read_text()
                time.sleep(0.1)
        yield port
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn as the probe found it (2 workers x 16 threads), the agent service, and nginx in
    front of both, on the test database. Yields (proxy port, gunicorn's log, agents' log)."""
    database = connection.settings_dict
    env = {"PGHOST": database["HOST"], "PGPORT": str(database["PORT"]), "PGUSER": database["USER"],
           "PGDATABASE": database["NAME"], "WEB_CONCURRENCY": "2", "XAT_WEB_THREADS": "16",
           "XAT_AGENT_WORKERS": "1", "XAT_ACCESS_LOG": "1",
           # gunicorn's arguments behind the proxy, as compose gives them.
           "GUNICORN_CMD_ARGS": COMPOSE["services"]["web"]["environment"]["GUNICORN_CMD_ARGS"]}
    folder = tmp_path_factory.mktemp("proxy")
    web_log, agents_log = folder / "gunicorn.log", folder / "agents.log"
    with (gunicorn_serving(env=env, log=web_log) as (web, _),
          agent_service_serving(env=env, log=agents_log) as (agents, _),
          nginx_serving(folder / "nginx", web=f"127.0.0.1:{web}", agents=f"127.0.0.1:{agents}") as port):
        yield port, web_log, agents_log


def _raw(port: str, request: bytes, *, timeout: float = 10) -> bytes:
    """What the server answers to these bytes, until it closes the connection."""
    with socket.create_connection(("127.0.0.1", int(port)), timeout=timeout) as client:
        client.sendall(request)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        return answer


def _status_and_json(answer: bytes) -> tuple[int, str, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    content_type = re.search(rb"(?im)^content-type:\s*([^;\r\n]+)", head)
    return status, content_type.group(1).decode() if content_type else "", json.loads(body)


def test_slow_clients_leave_health_fast_and_are_closed_by_the_proxy(servers):
    """200 connections send their headers slowly or a 100 kB body one byte at a time (the
    probe's 34 stalled gunicorn's 32 threads), then stall: /health/ stays fast throughout,
    and nginx closes every one of them."""
    port = servers[0]
    selector = selectors.DefaultSelector()
    slow = []
    for number in range(SLOW_CONNECTIONS):
        client = socket.create_connection(("127.0.0.1", int(port)))
        client.setblocking(False)
        if number % 2:  # the body, slowly
            client.send(b"POST /api/auth/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 100000\r\n\r\n{")
        else:  # the headers, slowly
            client.send(b"POST /api/auth/login/ HTTP/1.1\r\nHost: localhost\r\n")
        selector.register(client, selectors.EVENT_READ)
        slow.append((client, b" " if number % 2 else b"X: 1\r\n"))

    latencies, stop = [], threading.Event()

    def health() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            server = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
            try:
                server.request("GET", "/health/")
                assert server.getresponse().status == 200
            finally:
                server.close()
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)

    checker = threading.Thread(target=health)
    checker.start()
    try:
        # One byte every 3 s, twice, as the probe sent them; then nothing.
        for _ in range(2):
            time.sleep(3)
            for client, more in slow:
                client.send(more)
        closed, answers = set(), []
        deadline = time.monotonic() + CLIENT_TIMEOUT_SECONDS + 10
        while len(closed) < len(slow) and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.5):
                client = key.fileobj
                try:
                    chunk = client.recv(65536)
                except ConnectionError:
                    chunk = b""
                if chunk:
                    answers.append(chunk)
                else:
                    closed.add(client)
                    selector.unregister(client)
    finally:
        stop.set()
        checker.join()
        for client, _ in slow:
            client.close()

    assert len(latencies) >= 100, latencies
    p99 = sorted(latencies)[int(len(latencies) * 0.99) - 1]
    assert p99 <= HEALTH_P99_MS, f"/health/ p99 {p99:.0f} ms over {len(latencies)} requests"
    assert len(closed) == SLOW_CONNECTIONS, f"{SLOW_CONNECTIONS - len(closed)} slow connections still open"
    assert answers == []  # nginx closes a client that timed out without answering it


@pytest.mark.parametrize("request_bytes, status", [
    (b"GARBAGE\r\n\r\n", 400),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
    (b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400),
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 5000 + b"\r\n\r\n", 431),
    (b"POST /api/auth/login/ HTTP/1.1\r\nHost: x\r\nContent-Length: 300000000\r\n\r\n", 413),
    (b"POST /v1/trickle HTTP/1.1\r\nHost: x\r\nContent-Length: 11000000\r\n\r\n", 413),
], ids=["bad-request-line", "two-lengths", "length-and-chunked", "http-9.9", "raw-bytes-in-path", "uri-too-long",
        "header-too-large", "body-too-large", "trickle-too-large"])
def test_the_proxys_own_refusals_are_json(servers, request_bytes, status):
    answer = _raw(servers[0], request_bytes)
    assert _status_and_json(answer)[:2] == (status, "application/json"), answer[:300]


def test_many_header_fields_reach_xat(servers):
    """More than gunicorn's default 100 fields, within nginx's sizes: XAT answers, not
    gunicorn's HTML 431."""
    fields = b"".join(b"X-Field-%d: 1\r\n" % number for number in range(150))
    answer = _raw(servers[0], b"GET /health/ HTTP/1.1\r\nHost: localhost\r\n" + fields + b"Connection: close\r\n\r\n")
    assert _status_and_json(answer)[:2] == (200, "application/json"), answer[:300]


def test_an_upstream_down_or_too_slow_is_json(tmp_path):
    """502 when nothing listens; 504 when the upstream does not answer (the read timeout
    shortened to 1 s here: the template's 35 s is gunicorn's 30 s and some)."""
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    silent_port = silent.getsockname()[1]
    try:
        with nginx_serving(tmp_path / "nginx", web=f"127.0.0.1:{free_port()}", agents=f"127.0.0.1:{silent_port}",
                           replace={"proxy_read_timeout 35s;": "proxy_read_timeout 1s;"}) as port:
            down = _raw(port, b"GET /health/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert _status_and_json(down) == (502, "application/json",
                                              {"detail": "XAT is unavailable; retry later."}), down
            assert b"\r\nRetry-After: 5\r\n" in down
            late = _raw(port, b"POST /v1/trickle HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n"
                              b"\r\n{}")
            assert _status_and_json(late) == (504, "application/json",
                                              {"detail": "XAT did not answer in time."}), late
    finally:
        silent.close()


def test_the_agents_paths_reach_the_agent_service_and_the_rest_gunicorn(servers):
    port, web_log, agents_log = servers
    agent_paths = ["/v1/trickle", "/v1/trickle/", "/api/trickle/ingest/", "/api/v1/metrics/"]
    for path in [*agent_paths, "/api/auth/login/"]:
        server = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
        try:
            server.request("POST", path, body=b"{}", headers={"Content-Type": "application/json"})
            answer = server.getresponse()
            assert answer.getheader("Content-Type", "").startswith("application/json"), path
            answer.read()
        finally:
            server.close()
    time.sleep(0.5)  # the access logs written
    agents, web = agents_log.read_text(), web_log.read_text()
    for path in agent_paths:
        assert f'"POST {path} HTTP/1.1"' in agents and f'"POST {path} HTTP/1.1"' not in web, path
    assert '"POST /api/auth/login/ HTTP/1.1"' in web and '"POST /api/auth/login/ HTTP/1.1"' not in agents
