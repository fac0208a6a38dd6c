"""The pcd daemon beside a collector (contract Appendix D): the one outbound call whose
target a user chooses, so its address is checked twice against server-side request
forgery (the contract's S8).

    pcd_address_check(address) -> None               when it is saved; PcdError (400) if refused
    pcd_loadtest_call(*, address, api_key) -> PcdLoadTest
        POST http://<address>/v1/loadtest with header `apikey` and body {}; PcdError otherwise

Which targets:
- `host:port` (`[v6]:port` for IPv6), nothing else: no scheme, user, path; port 1-65535.
- Refused, unless an operator admits them in XAT_PCD_ALLOWED_NETWORKS (CIDRs): every
  address that is not globally routable (loopback, private, link-local, shared 100.64/10,
  unspecified, reserved, documentation ranges) and multicast; an IPv6 address carrying an
  IPv4 one (mapped, 6to4, NAT64) is judged by that IPv4 address.
- Cloud metadata endpoints (METADATA_ADDRESSES, METADATA_NAMES) are refused even inside an
  admitted network: admitting a VPC's fd00::/8 must not open AWS's fd00:ec2::254.
- When saved, an IP literal (in any form the resolver reads as one, "2130706433" included)
  and the names localhost and metadata are judged; other names are not resolved then (their
  DNS answer may change): at connect time the name is resolved, every address it has must
  pass, and XAT connects to the address it checked, never to the name again, so a second
  DNS answer cannot swap in another target (DNS rebinding). The Host header keeps the name.

How the call is bounded: XAT_PCD_CONNECT_TIMEOUT_SECONDS to connect, XAT_PCD_TIMEOUT_SECONDS
for the whole answer (a watchdog closes the socket then, so an answer that drips a byte at a
time cannot hold a worker longer), at most XAT_PCD_MAX_ANSWER_BYTES of body; redirects are
not followed (any status but 200 is pcd's error) and no proxy is used. The key is sent only
in the `apikey` header: never logged, never in an error. Errors carry the contract's message
and the status its run endpoint answered (D.4); none repeats pcd's body (S10).
"""

import http.client
import ipaddress
import logging
import math
import re
import socket
import threading
import time
from dataclasses import dataclass, field

import orjson
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from metrics.loadtests.models import LOAD_LEVELS

logger = logging.getLogger(__name__)

METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OCI, DigitalOcean...
    "169.254.170.2",  # AWS ECS task credentials
    "fd00:ec2::254",  # AWS over IPv6
    "100.100.100.200",  # Alibaba Cloud
    "168.63.129.16",  # Azure's wire server (a public address)
))
METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                            "instance-data.ec2.internal"})
LOOPBACK_NAMES = ("localhost",)  # and any name under .localhost
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_ADDRESS = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):(?P<port>[0-9]{1,5})$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_INT32_MAX = 2**31 - 1


class PcdError(Exception):
    """A failed pcd call: `message` in the contract's words, `status` the HTTP status the
    contract's run endpoint gives it."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass
class PcdLoadTest:
    """pcd's answer: work units per busy level (every level of LOAD_LEVELS; 0 where pcd gave
    none) and the (busyPct, workUnits) points it gave that hit a level, in its order."""

    levels: dict[int, int]
    points: list[tuple[int, int]] = field(default_factory=list)


def pcd_address_parse(address: str) -> tuple[str, int]:
    """(host, port) of `host:port` / `[v6]:port`; PcdError (400) for anything else."""
    match = _ADDRESS.match(address.strip())
    port = int(match["port"]) if match else 0
    host = (match["v6"] or match["host"]).rstrip(".").lower() if match else ""
    if match and match["v6"]:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            host = ""
    elif host and not all(_LABEL.match(label) for label in host.split(".")):
        host = ""
    if not host or not 1 <= port <= 65535:
        raise PcdError("pcd address must be host:port (or [IPv6]:port), e.g. 10.0.1.5:8080", 400)
    return host, port


def pcd_address_check(address: str) -> None:
    """The check when an address is saved (module docstring); PcdError (400) if refused."""
    host, _ = pcd_address_parse(address)
    if host in METADATA_NAMES:
        raise _refused(address, "a cloud metadata endpoint")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        literal = ipaddress.ip_address("127.0.0.1")
    else:
        literal = _ip_literal(host)
    if literal is not None and (why := _refusal(literal)):
        raise _refused(address, why)


def pcd_loadtest_call(*, address: str, api_key: str) -> PcdLoadTest:
    """Runs pcd's load test (module docstring): its levels, or PcdError."""
    host, port = pcd_address_parse(address)
    target = _checked_address(address, host, port)
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


def _checked_address(address: str, host: str, port: int):
    """The address to connect to: host resolved, every address it has admitted."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise PcdError(f"Could not connect to pcd daemon at {address}", 502) from None
    resolved = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    for candidate in resolved:
        if why := _refusal(candidate):
            raise _refused(address, why)
    return resolved[0]


def _ip_literal(host: str):
    """The address host denotes without DNS (any form the resolver reads as IPv4, such as
    "127.1" or "2130706433"), or None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _allowed_networks() -> list:
    try:
        return [ipaddress.ip_network(cidr.strip(), strict=False) for cidr in settings.XAT_PCD_ALLOWED_NETWORKS
                if cidr.strip()]
    except ValueError as error:
        raise ImproperlyConfigured(f"XAT_PCD_ALLOWED_NETWORKS: {error} (comma-separated CIDRs, "
                                   "e.g. 10.20.0.0/16,fd12::/64)") from None


def _refusal(address) -> str | None:
    """Why address may not be a pcd target, or None (module docstring)."""
    if address.version == 6:
        embedded = address.ipv4_mapped or address.sixtofour or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None)
        if embedded is not None:
            address = embedded
    if address in METADATA_ADDRESSES:
        return "a cloud metadata endpoint"
    if any(address.version == network.version and address in network for network in _allowed_networks()):
        return None
    for why, test in (("loopback", address.is_loopback), ("link-local", address.is_link_local),
                      ("unspecified", address.is_unspecified), ("multicast", address.is_multicast),
                      ("private", address.is_private), ("reserved", address.is_reserved)):
        if test:
            return why
    return None if address.is_global else "not globally routable"


def _refused(address: str, why: str) -> PcdError:
    return PcdError(f"pcd address {address} is not allowed ({why}); an operator can admit a network "
                    "with XAT_PCD_ALLOWED_NETWORKS", 400)
