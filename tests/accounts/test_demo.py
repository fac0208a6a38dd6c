"""The demo login that `make run` ensures (accounts/demo.py)."""

import pytest

from accounts.demo import demo_account_ensure
from accounts.keys import api_key_authenticate
from accounts.models import ApiKey, Membership, Role

pytestmark = pytest.mark.django_db
DEMO_KEY = "xat_demodemo23_" + "s" * 40


def test_it_makes_an_admin_and_an_organization_key_once():
    first = demo_account_ensure(password="demo-password-1", ingest_key=None)
    assert first.password == "demo-password-1" and first.ingest_key
    key = api_key_authenticate(first.ingest_key)
    assert key.scope == "organization" and key.organization.slug == "demo"
    assert Membership.objects.get(user__username="demo").role == Role.ADMIN
    again = demo_account_ensure(password="demo-password-1", ingest_key=None)
    assert again.password is None and again.ingest_key is None
    assert ApiKey.objects.count() == 1 and again.organization == first.organization


def test_it_uses_the_ingest_key_it_is_given():
    account = demo_account_ensure(password=None, ingest_key=DEMO_KEY)
    assert account.ingest_key == DEMO_KEY
    assert api_key_authenticate(DEMO_KEY).organization.slug == "demo"
    assert demo_account_ensure(password=None, ingest_key=DEMO_KEY).ingest_key is None


def test_a_new_secret_for_the_same_ingest_key_prefix_replaces_the_old_key():
    demo_account_ensure(password=None, ingest_key=DEMO_KEY)
    changed = DEMO_KEY[:15] + "t" * 40  # the same prefix, another secret

    assert demo_account_ensure(password=None, ingest_key=changed).ingest_key == changed
    assert api_key_authenticate(changed) is not None and api_key_authenticate(DEMO_KEY) is None
    assert ApiKey.objects.count() == 1
