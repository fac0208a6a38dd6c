"""The pcd daemon beside a collector (contract Appendix D): the one outbound call whose
target a user chooses, so its address is checked twice against server-side request
forgery (the contract's S8): when it is saved and here, at connect time
(metrics/pcd_address.py says which targets).

    pcd_loadtest_call(*, address, api_key) -> PcdLoadTest
        POST http://<address>/v1/loadtest with header `apikey` and body {}; PcdError otherwise

How the call is bounded: XAT_PCD_CONNECT_TIMEOUT_SECONDS to connect, XAT_PCD_TIMEOUT_SECONDS
for the whole answer (a watchdog closes the socket then, so an answer that drips a byte at a
time cannot hold a worker longer), at most XAT_PCD_MAX_ANSWER_BYTES of body; redirects are
not followed (any status but 200 is pcd's error) and no proxy is used. The key is sent only
in the `apikey` header: never logged, never in an error. Errors carry the contract's message
and the status its run endpoint answered (D.4); none repeats pcd's body (S10).
"""

import http.client
import logging
import math
import socket
import threading
import time
from dataclasses import dataclass, field

import orjson
from django.conf import settings

from metrics.loadtests.models import LOAD_LEVELS
from metrics.pcd_address import PcdError, pcd_address_parse, pcd_address_resolve

logger = logging.getLogger(__name__)

_INT32_MAX = 2**31 - 1


@dataclass
class PcdLoadTest:
    """pcd's answer: work units per busy level (every level of LOAD_LEVELS; 0 where pcd gave
    none) and the (busyPct, workUnits) points it gave that hit a level, in its order."""

    levels: dict[int, int]
    points: list[tuple[int, int]] = field(default_factory=list)


def pcd_loadtest_call(*, address: str, api_key: str) -> PcdLoadTest:
    """Runs pcd's load test (module docstring): its levels, or PcdError."""
    host, port = pcd_address_parse(address)
    target = pcd_address_resolve(address, host, port)
    started = time.monotonic()
    connection = http.client.HTTPConnection(str(target), port, timeout=settings.XAT_PCD_CONNECT_TIMEOUT_SECONDS)
    watchdog = None
    try:
        connection.connect()
        watchdog = _Watchdog(connection.sock, settings.XAT_PCD_TIMEOUT_SECONDS - (time.monotonic() - started))
        connection.sock.settimeout(max(0.001, settings.XAT_PCD_TIMEOUT_SECONDS - (time.monotonic() - started)))
        connection.request("POST", "/v1/loadtest", body=b"{}", headers={
            "Host": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "apikey": api_key, "Content-Type": "application/json", "Connection": "close",
            "User-Agent": "xat-pcd-client"})
        response = connection.getresponse()
        body = _bounded_body(response)
    except TimeoutError:
        raise PcdError("pcd daemon timed out", 504) from None
    except (OSError, http.client.HTTPException) as error:
        if watchdog is not None and watchdog.fired:
            raise PcdError("pcd daemon timed out", 504) from None
        if watchdog is None:  # refused, reset or unreachable while connecting
            raise PcdError(f"Could not connect to pcd daemon at {address}", 502) from None
        logger.warning("pcd at %s: the answer broke off (%s)", address, type(error).__name__)
        raise PcdError("Error communicating with pcd daemon: the answer broke off", 500) from None
    finally:
        if watchdog is not None:
            watchdog.cancel()
        connection.close()
    if watchdog.fired:
        raise PcdError("pcd daemon timed out", 504)
    if response.status != 200:
        logger.warning("pcd at %s answered %s: %r", address, response.status, body[:200])
        raise PcdError(f"pcd daemon returned error: {response.status}", 502)
    return pcd_answer_parse(body)


def pcd_answer_parse(body: bytes) -> PcdLoadTest:
    """pcd's 200 answer (D.3) as levels. `results` items go to the level their busyPct names
    (10..100, as a number or the same digits as text; others are dropped; of a repeated
    level the last wins), a missing workUnits counts 0; a set `error` is the test's failure."""
    try:
        answer = orjson.loads(body)  # depth-bounded: json's recursion raised out of the job (xat/parsers.py)
    except orjson.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("results", []), list):
        raise PcdError("Error communicating with pcd daemon: the answer is not a JSON object of results", 500)
    if answer.get("error"):
        raise PcdError(f"pcd load test failed: {str(answer['error'])[:200]}", 500)
    levels, points = dict.fromkeys(LOAD_LEVELS, 0), []
    for item in answer.get("results", []):
        if not isinstance(item, dict):
            raise PcdError("Error communicating with pcd daemon: a result is not an object", 500)
        level = _level(item.get("busyPct"))
        if level is None:
            continue
        units = _work_units(item.get("workUnits", 0))
        levels[level] = units
        points.append((level, units))
    return PcdLoadTest(levels=levels, points=points)


def _level(busy) -> int | None:
    if isinstance(busy, str) and busy.isdigit():
        busy = int(busy)
    return busy if isinstance(busy, int) and not isinstance(busy, bool) and busy in LOAD_LEVELS else None


def _work_units(value) -> int:
    """A level's work units: a whole number 0..2^31-1 (a fraction is truncated, as the
    reference stored it); PcdError for anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
            and 0 <= value <= _INT32_MAX:
        return int(value)
    raise PcdError("Error communicating with pcd daemon: workUnits must be a number from 0 to 2147483647", 500)


def _bounded_body(response: http.client.HTTPResponse) -> bytes:
    limit = settings.XAT_PCD_MAX_ANSWER_BYTES
    declared = response.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PcdError(f"Error communicating with pcd daemon: the answer is larger than {limit} bytes", 500)
    body = b""
    while len(body) <= limit and (chunk := response.read(min(65536, limit + 1 - len(body)))):
        body += chunk
    if len(body) > limit:
        raise PcdError(f"Error communicating with pcd daemon: the answer is larger than {limit} bytes", 500)
    return body


class _Watchdog:
    """Shuts the socket down once `seconds` have passed: the call's total deadline."""

    def __init__(self, sock: socket.socket, seconds: float):
        self.fired = False
        self._sock = sock
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed

    def cancel(self) -> None:
        self._timer.cancel()
