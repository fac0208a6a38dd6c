"""The demo login that `make run` makes sure of (`manage.py xat_demo`), so a newcomer can
sign in and point an agent at the server at once. Its collector is metrics/demo.py's."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.keys import api_key_authenticate, api_key_create, api_key_create_with_secret
from accounts.models import ApiKey, Membership, Organization, Role

DEMO_USERNAME = "demo"
DEMO_ORGANIZATION = "demo"


@dataclass
class DemoAccount:
    password: str | None  # set when it was chosen or changed now
    ingest_key: str | None  # set when the key was created now (shown once)
    organization: Organization


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

    shown_key = None
    ingest_keys = ApiKey.objects.filter(organization=organization, collector=None, name="demo ingest key")
    if ingest_key:
        existing = api_key_authenticate(ingest_key)
        if existing is None or existing.organization_id != organization.pk:
            api_key_create_with_secret(organization=organization, name="demo ingest key", raw_key=ingest_key)
            shown_key = ingest_key
    elif not ingest_keys.filter(revoked_at=None).exists():
        _, shown_key = api_key_create(organization=organization, name="demo ingest key")
    return DemoAccount(password=shown_password, ingest_key=shown_key, organization=organization)
