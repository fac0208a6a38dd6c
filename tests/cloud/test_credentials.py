"""The credential store (metrics/cloud/credentials.py): encrypted under XAT_ENCRYPTION_KEYS,
readable back, and rotated to a new key by manage.py xat_cloud_reencrypt."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from metrics.cloud.credentials import cloud_credential_save, cloud_credential_values
from metrics.cloud.models import CloudCredential
from tests.personas import team_make

pytestmark = pytest.mark.django_db
VALUES = {"access_key_id": "AKIAROTATE0000000001", "secret_access_key": "rotate/me+secret", "region": "eu-west-1"}


def test_it_keeps_secrets_encrypted_and_shows_only_identifiers(settings):
    settings.XAT_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    acme = team_make("acme")
    cloud_credential_save(organization=acme.organization, provider="aws", values=VALUES, user=acme.admin)
    stored = CloudCredential.objects.get()
    assert VALUES["secret_access_key"] not in stored.secret_encrypted
    assert VALUES["access_key_id"] not in str(stored.identifiers)
    assert stored.identifiers == {"region": "eu-west-1"}
    assert cloud_credential_values(organization=acme.organization, provider="aws") == VALUES
    assert cloud_credential_values(organization=team_make("globex").organization, provider="aws") is None


def test_it_rotates_to_a_new_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.XAT_ENCRYPTION_KEYS = [old]
    acme = team_make("acme")
    cloud_credential_save(organization=acme.organization, provider="aws", values=VALUES, user=acme.admin)
    settings.XAT_ENCRYPTION_KEYS = [new, old]
    call_command("xat_cloud_reencrypt")
    settings.XAT_ENCRYPTION_KEYS = [new]  # the old key removed
    assert cloud_credential_values(organization=acme.organization, provider="aws") == VALUES
    settings.XAT_ENCRYPTION_KEYS = [old]
    with pytest.raises(InvalidToken):
        cloud_credential_values(organization=acme.organization, provider="aws")
