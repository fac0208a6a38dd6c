"""The demo login that `make run` makes sure of, so a newcomer can sign in and point an
agent at the server at once."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.keys import api_key_authenticate, api_key_create, api_key_create_with_secret
from accounts.models import ApiKey, Membership, Organization, Role
from metrics.models import Collector

DEMO_USERNAME = "demo"
DEMO_ORGANIZATION = "demo"
DEMO_COLLECTOR = "demo-host"
# The key `xat_agent --demo` posts with: scoped to the demo collector, made anew by each
# start (its secret lives only in that process), replacing the previous one.
DEMO_AGENT_KEY_NAME = "bundled agent (xat_agent --demo)"


@dataclass
class DemoAccount:
    password: str | None  # set when it was chosen or changed now
    ingest_key: str | None  # set when the key was created now (shown once)
    collector: Collector


@transaction.atomic
def demo_account_ensure(*, password: str | None, ingest_key: str | None) -> DemoAccount:
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    shown_password = None
    if user is None:
        shown_password = password or secrets.token_urlsafe(12)
        user = User.objects.create_user(DEMO_USERNAME, email="demo@example.com", password=shown_password)
    elif password and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
        shown_password = password

    organization, _ = Organization.objects.get_or_create(slug=DEMO_ORGANIZATION, defaults={"name": "Demo"})
    Membership.objects.update_or_create(user=user, organization=organization, defaults={"role": Role.ADMIN})
    collector, _ = Collector.objects.get_or_create(
        organization=organization, name=DEMO_COLLECTOR, defaults={"description": "Point an agent here."}
    )

    shown_key = None
    ingest_keys = ApiKey.objects.filter(organization=organization, collector=None, name="demo ingest key")
    if ingest_key:
        existing = api_key_authenticate(ingest_key)
        if existing is None or existing.organization_id != organization.pk:
            api_key_create_with_secret(organization=organization, name="demo ingest key", raw_key=ingest_key)
            shown_key = ingest_key
    elif not ingest_keys.filter(revoked_at=None).exists():
        _, shown_key = api_key_create(organization=organization, name="demo ingest key")
    return DemoAccount(password=shown_password, ingest_key=shown_key, collector=collector)


class DemoMissing(LookupError):
    pass


@transaction.atomic
def demo_agent_key_issue() -> tuple[Collector, str]:
    """A new key for the demo collector (and its secret), the previous agent key deleted.

    DemoMissing until `manage.py xat_demo` has made the demo collector."""
    collector = Collector.objects.filter(organization__slug=DEMO_ORGANIZATION, name=DEMO_COLLECTOR).first()
    if collector is None:
        raise DemoMissing(
            f"no collector {DEMO_COLLECTOR!r} in organization {DEMO_ORGANIZATION!r}: run manage.py xat_demo")
    ApiKey.objects.filter(organization=collector.organization, collector=collector, name=DEMO_AGENT_KEY_NAME).delete()
    _, raw_key = api_key_create(organization=collector.organization, name=DEMO_AGENT_KEY_NAME, collector=collector)
    return collector, raw_key
