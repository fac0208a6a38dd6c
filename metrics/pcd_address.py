"""Where a collector's pcd daemon may be (contract Appendix D, S8: no server-side request
forgery). A collector's pcd address is checked when it is saved, and again when pcd is called
(metrics/loadtests/pcd.py connects to the address resolved here, never to the name again).

    pcd_address_check(address) -> None                 when it is saved; PcdError (400) if refused
    pcd_address_parse(address) -> (host, port)          PcdError (400) for anything but host:port
    pcd_address_resolve(address, host, port) -> the IP address to connect to, every one admitted

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
"""

import ipaddress
import re
import socket

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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


class PcdError(Exception):
    """A refused pcd address or a failed pcd call: `message` in the contract's words, `status`
    the HTTP status the contract's run endpoint gives it."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


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


def pcd_address_resolve(address: str, host: str, port: int):
    """The address to connect to (host, port: pcd_address_parse(address)): host resolved,
    every address it has admitted; PcdError otherwise (400 refused, 502 no such host)."""
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
