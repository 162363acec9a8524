"""Envelope encryption: master key -> organisation key -> client key -> field ciphertexts.

Every ciphertext is AES-256-GCM with a random 96-bit nonce, stored as ``version || nonce || ct``.
The associated data names the place a value belongs to (organisation, model, field, record id), so a
ciphertext copied to another row, field or organisation fails to decrypt instead of being misread.
Blind indexes are HMAC-SHA256 of normalised values under a key derived per organisation; they allow
exact search without storing the value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext did not authenticate: wrong key, wrong place, or tampered data."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def associated_data(*parts: object) -> bytes:
    return "|".join(str(part) for part in parts).encode("utf-8")


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def encryptor(key: bytes) -> Callable[[bytes, bytes], bytes]:
    """``encrypt`` with one key for many values (a record's fields): the same format, a fresh
    random nonce per value, the key's cipher set up once."""
    aead = AESGCM(key)

    def encrypt_one(plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + nonce + aead.encrypt(nonce, plaintext, aad)

    return encrypt_one


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    blob = bytes(blob)
    if not blob or blob[:1] != VERSION:
        raise DecryptionError("unknown ciphertext version")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not authenticate") from exc


def wrap_key(wrapping_key: bytes, key: bytes, aad: bytes) -> bytes:
    return encrypt(wrapping_key, key, aad)


def unwrap_key(wrapping_key: bytes, blob: bytes, aad: bytes) -> bytes:
    return decrypt(wrapping_key, blob, aad)


def derive_key(key: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose (blind index, linkage token), independent of the encryption use."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode("utf-8")
    ).derive(key)


def blind_index(key: bytes, value: str) -> str:
    return hmac.digest(key, value.encode("utf-8"), "sha256").hex()


def fingerprint(key: bytes) -> str:
    """A short public identifier of a key: safe to store and print, useless to decrypt."""
    return hmac.new(key, b"strada key fingerprint", hashlib.sha256).hexdigest()[:16]
