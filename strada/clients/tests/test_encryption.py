"""Identifying values exist in the database only as ciphertext bound to their place."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

import pytest
from django.db import connection

from strada.clients.identity import unseal
from strada.clients.models import Client
from strada.conftest import every_value_in_the_database, register
from strada.lib import crypto
from strada.orgs import keys

SECRETS = {
    "first_name": "Зоряна",
    "second_name": "Ґудзенко",
    "aliases": "Zirka Nightbird",
    "birth_date": dt.date(1994, 7, 13),
    "identity_number": "FX4471902",
    "mobile_phone": "+380 67 555 0199",
    "email": "zoryana.secret@example.net",
    "mailing_street": "Vulytsia Tykha 17",
    "mailing_city": "Ternopilstadt",
}
# What must never be readable either: the Latin transliteration the action adds, the date as text.
NEEDLES = [
    "Зоряна",
    "Zoriana",
    "Ґудзенко",
    "Gudzenko",
    "Zirka Nightbird",
    "1994-07-13",
    "FX4471902",
    "555 0199",
    "zoryana.secret",
    "Vulytsia Tykha",
    "Ternopilstadt",
]


def test_it_stores_no_identifying_value_in_any_table(network):
    client = register(network.anna, **SECRETS)
    assert unseal(client).first_name == "Зоряна"
    dump = every_value_in_the_database()
    for needle in NEEDLES:
        assert needle.encode("utf-8") not in dump, needle
        assert needle.lower().encode("utf-8") not in dump.lower(), needle


@pytest.mark.django_db(transaction=True)
def test_it_leaves_no_identifying_value_in_the_sqlite_file(network):
    if connection.vendor != "sqlite":
        pytest.skip("the raw-file check is for SQLite; the table walk covers PostgreSQL")
    register(network.anna, **SECRETS)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "copy.sqlite3")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [path])
        raw = open(path, "rb").read()  # noqa: SIM115
    assert len(raw) > 10_000
    for needle in NEEDLES:
        assert needle.encode("utf-8") not in raw, needle
        assert needle.encode("utf-16-le") not in raw, needle


def test_it_refuses_a_ciphertext_moved_to_another_client(network):
    first = register(network.anna, first_name="Ana")
    second = register(network.anna, first_name="Ion")
    Client.objects.filter(id=second.id).update(first_name_enc=first.first_name_enc)
    second.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        unseal(second)


def test_it_refuses_a_ciphertext_moved_to_another_field(network):
    client = register(network.anna, first_name="Ana", second_name="Rusu")
    Client.objects.filter(id=client.id).update(second_name_enc=client.first_name_enc)
    client.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        unseal(client)


def test_it_gives_each_client_its_own_key(network):
    first = register(network.anna, first_name="Ana")
    second = register(network.chiara, first_name="Ana")
    assert bytes(first.first_name_enc) != bytes(second.first_name_enc)
    assert bytes(first.wrapped_key) != bytes(second.wrapped_key)


def test_it_reports_a_master_key_that_does_not_match(network, settings):
    keys.forget_cached_keys()
    settings.STRADA_MASTER_KEY = crypto.new_key()
    try:
        with pytest.raises(keys.KeyMismatch, match="cannot open the key of organisation"):
            keys.verify_master_key()
    finally:
        keys.forget_cached_keys()


def test_it_makes_erased_identities_unreadable_when_the_client_key_is_gone(network):
    client = register(network.anna, first_name="Ana")
    Client.objects.filter(id=client.id).update(wrapped_key=b"\x01" + b"\x00" * 60)
    client.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        unseal(client)
