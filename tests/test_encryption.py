"""xat/encryption.py: secrets XAT reads back, encrypted at rest, keys rotatable."""

import pytest
from cryptography.fernet import Fernet, InvalidToken

from xat.encryption import decrypt, encrypt


def test_it_reads_back_what_it_encrypted_and_stores_no_plaintext():
    token = encrypt("pcd-secret")
    assert "pcd-secret" not in token
    assert decrypt(token) == "pcd-secret"
    assert encrypt("pcd-secret") != token  # a fresh IV each time


def test_it_reads_secrets_of_an_older_key_after_a_new_one_is_put_first(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.XAT_ENCRYPTION_KEYS = [old]
    token = encrypt("pcd-secret")
    settings.XAT_ENCRYPTION_KEYS = [new, old]
    assert decrypt(token) == "pcd-secret"
    settings.XAT_ENCRYPTION_KEYS = [new]
    with pytest.raises(InvalidToken):
        decrypt(token)


def test_it_derives_its_key_from_secret_key_when_none_is_configured(settings):
    settings.XAT_ENCRYPTION_KEYS = []
    token = encrypt("pcd-secret")
    settings.SECRET_KEY = "another secret key, long enough for the purpose of this test only"
    with pytest.raises(InvalidToken):
        decrypt(token)
