"""Organisation keys: made at creation, wrapped by the master key, unwrapped on use and cached.

The associated data of a wrapped key names the organisation, so a wrapped key copied onto another
organisation's row does not unwrap. A master key that does not match the database is reported as
``KeyMismatch`` with the fingerprints to compare, never silently ignored.
"""

from __future__ import annotations

from threading import Lock
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings

from strada.lib import crypto

if TYPE_CHECKING:
    from strada.orgs.models import Organisation


class KeyMismatch(Exception):
    """The configured master key is not the one this database's organisation keys were made with."""


_cache: dict[UUID, bytes] = {}
_search_cache: dict[UUID, bytes] = {}
_lock = Lock()


def master_key() -> bytes:
    return settings.STRADA_MASTER_KEY


def master_fingerprint() -> str:
    return crypto.fingerprint(master_key())


def new_wrapped_org_key(org_id: UUID) -> bytes:
    return crypto.wrap_key(
        master_key(), crypto.new_key(), crypto.associated_data("org-key", org_id)
    )


def org_key(org: Organisation) -> bytes:
    """The organisation's unwrapped key (cached per process)."""
    cached = _cache.get(org.id)
    if cached is not None:
        return cached
    try:
        key = crypto.unwrap_key(
            master_key(), bytes(org.wrapped_key), crypto.associated_data("org-key", org.id)
        )
    except crypto.DecryptionError as exc:
        raise KeyMismatch(
            f"The master key (fingerprint {master_fingerprint()}) cannot open the key of "
            f"organisation '{org.code}' (made with fingerprint {org.master_key_fingerprint}). "
            "Start Strada with the master key this database was created with."
        ) from exc
    with _lock:
        _cache[org.id] = key
    return key


def search_key(org: Organisation) -> bytes:
    """The organisation's key for blind indexes (derived, never used to encrypt; cached per process
    beside the organisation key it is derived from)."""
    cached = _search_cache.get(org.id)
    if cached is not None:
        return cached
    key = crypto.derive_key(org_key(org), "strada blind index v1")
    with _lock:
        _search_cache[org.id] = key
    return key


def forget_cached_keys() -> None:
    with _lock:
        _cache.clear()
        _search_cache.clear()


def verify_master_key() -> None:
    """Raise KeyMismatch if any organisation's key was wrapped by another master key."""
    from strada.orgs.models import Organisation

    fingerprint = master_fingerprint()
    wrong = Organisation.objects.exclude(master_key_fingerprint=fingerprint).first()
    if wrong is not None:
        org_key(wrong)  # raises KeyMismatch with the details


def linkage_key() -> bytes:
    """The network's key for duplicate-detection tokens: the same for every organisation (tokens of
    two members must meet), derived from the master key and never stored, so the token table alone
    cannot be tested against guessed names."""
    return crypto.derive_key(master_key(), "strada linkage v1")
