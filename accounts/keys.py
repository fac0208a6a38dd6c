"""API keys for agents: creation, the one lookup, rotation, revocation.

A key reads `xat_<prefix>_<secret>`: the prefix is public (shown in lists, indexed for the
lookup), the secret is 256 random bits. The database holds only an HMAC-SHA256 of the whole
key under XAT_KEY_PEPPER (SECRET_KEY by default), so a copy of the database yields no
usable key; comparison is constant-time. A collector key's collector is passed in, or
named by id within the organization: accounts imports nothing of metrics
(tests/test_layering.py).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey, Organization
from xat import sqlfiles

KEY_TYPE = "xat"
_PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l)
# last_used_at is bookkeeping: write it at most this often, not on every tick.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def secret_hash(raw_key: str) -> str:
    """The keyed hash under which a secret handed out once is stored (API keys, invitation
    tokens): HMAC-SHA256 under XAT_KEY_PEPPER, else SECRET_KEY."""
    pepper = getattr(settings, "XAT_KEY_PEPPER", "") or settings.SECRET_KEY
    return hmac.new(pepper.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def _new_raw_key() -> tuple[str, str]:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(10))
    return prefix, f"{KEY_TYPE}_{prefix}_{secrets.token_urlsafe(32)}"


def api_key_create(*, organization: Organization, name: str, collector=None) -> tuple[ApiKey, str]:
    """Returns the key and its secret text, which is never available again."""
    prefix, raw_key = _new_raw_key()
    key = ApiKey.objects.create(
        organization=organization, collector=collector, name=name, prefix=prefix, key_hash=secret_hash(raw_key)
    )
    return key, raw_key


def api_key_issue(*, organization: Organization, name: str, collector_id: int | None = None) -> tuple[ApiKey, str]:
    """api_key_create for a collector named by id, which must be the organization's."""
    collector = None
    if collector_id is not None:
        # Through the relation metrics.Collector declares: accounts imports nothing of metrics.
        collector = organization.collectors.filter(pk=collector_id).first()
        if collector is None:
            raise ValidationError({"collector": f"No collector {collector_id} in this organization."})
    return api_key_create(organization=organization, name=name, collector=collector)


def api_key_create_with_secret(*, organization: Organization, name: str, raw_key: str, collector=None) -> ApiKey:
    """A key whose secret the operator chose (XAT_DEMO_INGEST_KEY); it must have our shape.
    It replaces the organization's key with the same prefix: the operator changed the secret."""
    prefix = _prefix_of(raw_key)
    if prefix is None:
        raise ValueError("an API key looks like xat_<10 letters or digits>_<secret of 32+ characters>")
    ApiKey.objects.filter(organization=organization, prefix=prefix).delete()
    return ApiKey.objects.create(
        organization=organization, collector=collector, name=name, prefix=prefix, key_hash=secret_hash(raw_key)
    )


def _prefix_of(raw_key: str) -> str | None:
    parts = raw_key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_TYPE or len(parts[1]) != 10 or len(parts[2]) < 32:
        return None
    return parts[1]


def api_key_authenticate(raw_key: str | None) -> ApiKey | None:
    """The live key matching raw_key, or None. The only way a key is looked up."""
    if not raw_key:
        return None
    prefix = _prefix_of(raw_key.strip())
    if prefix is None:
        return None
    now = timezone.now()
    # A plain query rather than ApiKey.objects.raw(): on every agent request, the
    # queryset's machinery cost several times the query.
    key = sqlfiles.fetch_model(ApiKey, "api_key_live_by_prefix", prefix=prefix)
    if key is None or not hmac.compare_digest(key.key_hash, secret_hash(raw_key.strip())):
        return None
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_keys_live(key_ids: list[int]) -> set[int]:
    """Which of these keys are live now (a cache of keys checks itself with this)."""
    return {key_id for key_id, in sqlfiles.fetch_all("api_keys_live", key_ids=key_ids)}


def api_keys_used(key_ids: list[int]) -> None:
    """Records that these keys were accepted (last_used_at, at most once a minute each)."""
    sqlfiles.execute("api_keys_used", key_ids=key_ids, resolution=_LAST_USED_RESOLUTION)


def api_key_list(*, organization: Organization):
    """The organization's keys, newest first (index apikey_org_created)."""
    return ApiKey.objects.filter(organization=organization).select_related("collector").order_by("-created_at", "-id")


def api_key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])


def api_key_rotate(*, key: ApiKey) -> tuple[ApiKey, str]:
    """A new key with the same name and scope; the old one works for the grace period.

    A revoked or expired key cannot be rotated (ValidationError)."""
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= timezone.now()):
        raise ValidationError({"key": "This key is revoked or expired: create a new one."})
    grace = timedelta(hours=getattr(settings, "XAT_KEY_ROTATION_GRACE_HOURS", 24))
    new_key, raw_key = api_key_create(organization=key.organization, name=key.name, collector=key.collector)
    expires = timezone.now() + grace
    if key.expires_at is None or key.expires_at > expires:
        key.expires_at = expires
        key.save(update_fields=["expires_at"])
    return new_key, raw_key


@transaction.atomic
def api_key_regenerate_for_collector(*, collector) -> tuple[ApiKey, str]:
    """The perf-dashboard's regenerate (§5.6): every live key of the collector's own stops
    working now (revoked, no grace period: the user asked for it), and a new one is issued.
    Organization keys, which write any collector, are left alone."""
    ApiKey.objects.filter(collector=collector, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return api_key_create_for_collector(collector=collector)


def api_key_create_for_collector(*, collector) -> tuple[ApiKey, str]:
    """A key of the collector's own, for its agent; its secret text is never available again."""
    return api_key_create(organization=collector.organization, name=f"agent of {collector.name}"[:200],
                          collector=collector)


def api_key_from_headers(headers) -> str | None:
    """The key an agent presented: `apikey` (pcc), `X-API-Key`, or Authorization
    `ApiKey <key>` / `Bearer <key>` (a Bearer JWT is not a key: it has no xat_ prefix)."""
    for name in ("apikey", "x-api-key"):
        value = headers.get(name)
        if value:
            return value.strip()
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() in ("apikey", "bearer") and value.strip().startswith(f"{KEY_TYPE}_"):
        return value.strip()
    return None
