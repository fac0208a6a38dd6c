"""The credential store: one set of credentials per organization and provider.

    cloud_credential_save(*, organization, provider, values, user) -> CloudCredential
    cloud_credential_delete(*, organization, provider) -> bool
    cloud_credential_values(*, organization, provider) -> dict | None        (secrets included)
    cloud_credentials_reencrypt() -> int      (after a new key was put first in XAT_ENCRYPTION_KEYS)

The provider's secret fields are stored only inside a Fernet token (xat/encryption.py);
the non-secret identifiers (region, tenancy, subscription) in clear, to be shown.
"""

import json

from django.db import transaction

from metrics.cloud import registry
from metrics.cloud.models import CloudCredential
from xat.encryption import decrypt, encrypt


def cloud_credential_save(*, organization, provider: str, values: dict, user) -> CloudCredential:
    module = registry.provider_module(provider)
    secrets = {name: values[name] for name in module.SECRET_FIELDS if name in values}
    identifiers = {name: values[name] for name in module.IDENTIFIER_FIELDS}
    credential, _ = CloudCredential.objects.update_or_create(
        organization=organization, provider=provider,
        defaults={"identifiers": identifiers, "secret_encrypted": encrypt(json.dumps(secrets)), "updated_by": user},
    )
    return credential


def cloud_credential_delete(*, organization, provider: str) -> bool:
    deleted, _ = CloudCredential.objects.filter(organization=organization, provider=provider).delete()
    return bool(deleted)


def _stored(*, organization, provider: str) -> CloudCredential | None:
    return CloudCredential.objects.filter(organization=organization, provider=provider).first()


def cloud_credential_values(*, organization, provider: str) -> dict | None:
    credential = _stored(organization=organization, provider=provider)
    if credential is None:
        return None
    return {**credential.identifiers, **json.loads(decrypt(credential.secret_encrypted))}


@transaction.atomic
def cloud_credentials_reencrypt() -> int:
    """Every stored secret under the first key of XAT_ENCRYPTION_KEYS (older keys can then
    be removed); the number of credentials rewritten."""
    credentials = list(CloudCredential.objects.select_for_update())
    for credential in credentials:
        credential.secret_encrypted = encrypt(decrypt(credential.secret_encrypted))
        credential.save(update_fields=["secret_encrypted"])
    return len(credentials)
