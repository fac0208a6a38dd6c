"""Login, register and password-change throttling, shared by every worker through PostgreSQL.

Fixed windows: each (scope, kind, identity) has one counter row per window in
accounts_throttlewindow, bumped by a single atomic upsert, so concurrent workers never lose
a hit. Over the limit, DRF answers 429 with `Retry-After` (seconds to the window's end).

Rates live in settings.XAT_THROTTLE_RATES, e.g. {"login_address": "30/min",
"login_username": "10/min", "register_address": "10/hour", "register_username": "5/hour",
"password_address": "30/min", "password_username": "5/min"};
a missing or empty rate turns that check off. The client address is REMOTE_ADDR, or, behind
XAT_NUM_PROXIES trusted proxies, the address they appended to X-Forwarded-For (a client
cannot pick its own bucket by sending that header itself).

The Django admin's login form counts in the same login buckets (accounts/admin.py): a
password guessed there is the same password, so two doors must not double the attempts.
"""

import hashlib
import math
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from xat import sqlfiles

_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
            "d": 86400, "day": 86400}

def rate_parse(rate: str) -> tuple[int, int]:
    """"10/min" -> (10, 60): requests allowed per period of seconds."""
    count, _, period = rate.partition("/")
    try:
        return int(count), _PERIODS[period.strip().lower()]
    except (ValueError, KeyError):
        raise ValueError(f"throttle rate {rate!r}: expected <count>/<s|min|hour|day>") from None


def throttle_hit(*, key: str, period: int, now: datetime | None = None) -> tuple[int, int]:
    """Counts one hit for key in the current window of `period` seconds.

    Returns (hits in this window including this one, seconds until the window ends)."""
    now = now or timezone.now()
    epoch = int(now.timestamp())
    start = epoch - epoch % period
    window_start = datetime.fromtimestamp(start, tz=dt_timezone.utc)
    (hits,) = sqlfiles.fetch_one(
        "throttle_hit", key=key, window_start=window_start, sweep_before=now - timedelta(seconds=period, days=1)
    )
    return hits, max(1, math.ceil(start + period - now.timestamp()))


def client_address(request) -> str:
    proxies = getattr(settings, "XAT_NUM_PROXIES", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def attempt_wait(*, scope: str, request, username) -> int:
    """Counts one attempt at `scope` ("login", "register") from request's client address
    and for the submitted username, each against its rate. Returns the seconds to wait
    before trying again: 0 when this attempt may go on."""
    rates = getattr(settings, "XAT_THROTTLE_RATES", {})
    identities = {"address": client_address(request), "username": str(username or "").strip().lower()}
    wait = 0
    for kind, identity in identities.items():
        rate = rates.get(f"{scope}_{kind}")
        if not rate or not identity:
            continue
        limit, period = rate_parse(rate)
        hits, retry_after = throttle_hit(key=f"{scope}:{kind}:{_digest(identity)}", period=period)
        if hits > limit:
            wait = max(wait, retry_after)
    return wait


class _ScopedThrottle(BaseThrottle):
    """Per client address and per submitted username, for the view's `scope`."""

    scope = ""

    def allow_request(self, request, view) -> bool:
        username = request.data.get("username") if hasattr(request.data, "get") else None
        self._wait = attempt_wait(scope=self.scope, request=request, username=username)
        return self._wait == 0

    def wait(self) -> int | None:
        return self._wait or None


class LoginThrottle(_ScopedThrottle):
    scope = "login"


class RegisterThrottle(_ScopedThrottle):
    scope = "register"


class PasswordChangeThrottle(_ScopedThrottle):
    """Per client address and per signed-in user: whoever holds an access token cannot try
    current passwords at will (contract §1.8)."""

    scope = "password"

    def allow_request(self, request, view) -> bool:
        self._wait = attempt_wait(scope=self.scope, request=request, username=request.user.get_username())
        return self._wait == 0
