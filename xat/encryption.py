"""Secrets XAT must be able to read back (a collector's pcd key): encrypted at rest.

    encrypt(text) -> token        decrypt(token) -> text

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under the keys of
XAT_ENCRYPTION_KEYS: comma-separated Fernet keys, the first encrypts, every one decrypts,
so a key is rotated by putting a new one first. Unset, one key is derived from SECRET_KEY
(changing SECRET_KEY then makes stored secrets unreadable: set XAT_ENCRYPTION_KEYS in
production). Make a key with
    python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _box(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(b"xat-encryption:" + secret_key.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _box(tuple(settings.XAT_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return _current().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text; cryptography.fernet.InvalidToken when no key of XAT_ENCRYPTION_KEYS opens it."""
    return _current().decrypt(token.encode()).decode()
