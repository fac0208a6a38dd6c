"""Login, register and password-change throttling, shared by every worker through PostgreSQL.

DRF's SimpleRateThrottle with only its storage replaced: DRF parses the rates and tells the
client's address (get_ident), and answers 429 with `Retry-After`; the counts live in fixed
windows in accounts_throttlewindow instead of a per-process cache. Each (scope, identity)
has one counter row per window, bumped by a single atomic upsert, so concurrent workers
never lose a hit.

Each scope counts per client address and per username, each against its own rate in
settings.XAT_THROTTLE_RATES, e.g. {"login_address": "30/min", "login_username": "10/min",
"register_address": "10/hour", "register_username": "5/hour", "password_address": "30/min",
"password_username": "5/min"} (DRF's grammar: <count>/<s|sec|min|hour|day>); a missing or
empty rate turns that check off. Views list a scope's pair: LOGIN_THROTTLES,
REGISTER_THROTTLES, PASSWORD_THROTTLES; every request counts in both.

The client address is REMOTE_ADDR, or, behind REST_FRAMEWORK["NUM_PROXIES"] trusted proxies
(XAT_NUM_PROXIES), the address they appended to X-Forwarded-For (a client cannot pick its
own bucket by sending that header itself).

The Django admin's login form counts in the same login buckets (accounts/admin.py, through
attempt_wait): a password guessed there is the same password, so two doors must not double
the attempts.
"""

import hashlib
import math
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from xat import sqlfiles


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


def _digest(value: str) -> str:
    # surrogatepass: a lone surrogate (JSON's "\ud800") raised UnicodeEncodeError here, a 500.
    # The JSON parser refuses them now (xat/parsers.py); a throttle never depends on that.
    return hashlib.sha256(value.encode(errors="surrogatepass")).hexdigest()[:40]


class DatabaseWindowThrottle(SimpleRateThrottle):
    """A SimpleRateThrottle counting in throttle_hit's windows. Subclasses name the scope
    (its rate's key in XAT_THROTTLE_RATES) and the identity counted (identity_of)."""

    def get_rate(self) -> str | None:
        # Read for each request (DRF makes a throttle per request), so a changed setting applies.
        return getattr(settings, "XAT_THROTTLE_RATES", {}).get(self.scope) or None

    def identity_of(self, request) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request, view) -> str | None:
        identity = self.identity_of(request)
        return None if identity is None else f"{self.scope}:{_digest(identity)}"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        hits, self.seconds_left = throttle_hit(key=self.key, period=self.duration)
        return hits <= self.num_requests

    def wait(self) -> int:
        return self.seconds_left


class _AddressThrottle(DatabaseWindowThrottle):
    def identity_of(self, request) -> str:
        return self.get_ident(request)


class _SubmittedUsernameThrottle(DatabaseWindowThrottle):
    """The username in the body: DRF's parsed data, or a form's (the admin's login)."""

    def identity_of(self, request) -> str | None:
        data = request.data if hasattr(request, "data") else request.POST
        username = data.get("username") if hasattr(data, "get") else None
        return str(username or "").strip().lower() or None


class LoginAddressThrottle(_AddressThrottle):
    scope = "login_address"


class LoginUsernameThrottle(_SubmittedUsernameThrottle):
    scope = "login_username"


class RegisterAddressThrottle(_AddressThrottle):
    scope = "register_address"


class RegisterUsernameThrottle(_SubmittedUsernameThrottle):
    scope = "register_username"


class PasswordAddressThrottle(_AddressThrottle):
    scope = "password_address"


class PasswordUserThrottle(DatabaseWindowThrottle):
    """Per signed-in user: whoever holds an access token cannot try current passwords at
    will (contract §1.8)."""

    scope = "password_username"

    def identity_of(self, request) -> str:
        return request.user.get_username().strip().lower()


LOGIN_THROTTLES = [LoginAddressThrottle, LoginUsernameThrottle]
REGISTER_THROTTLES = [RegisterAddressThrottle, RegisterUsernameThrottle]
PASSWORD_THROTTLES = [PasswordAddressThrottle, PasswordUserThrottle]


def attempt_wait(*, throttles: list[type[DatabaseWindowThrottle]], request) -> int:
    """DRF's throttle check for a plain Django view: every throttle counts the request.
    Returns the seconds to wait before trying again: 0 when this attempt may go on."""
    waits = [throttle.wait() for throttle in (cls() for cls in throttles) if not throttle.allow_request(request, None)]
    return max(waits, default=0)
