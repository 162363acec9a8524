"""The identifying part of a client record: encrypted with the client's own key, field by field.

Each field's associated data binds organisation, model, field name and client id. The client key is
wrapped by the organisation key; destroying the wrapped client key makes the identity unreadable
(crypto-shredding). Blind-index tokens of normalised values allow exact search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from strada.lib import crypto, names
from strada.orgs.keys import org_key, search_key

if TYPE_CHECKING:
    from strada.clients.models import Client
    from strada.orgs.models import Organisation

MODEL_LABEL = "clients.Client"


@dataclass
class Identity:
    first_name: str = ""
    middle_name: str = ""
    second_name: str = ""
    first_name_latin: str = ""
    second_name_latin: str = ""
    aliases: str = ""
    birth_date: dt.date | None = None
    identity_number: str = ""
    mobile_phone: str = ""
    email: str = ""
    mailing_street: str = ""
    mailing_city: str = ""

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def values(self) -> dict[str, object]:
        """The fields and their values (a shallow copy: they are strings, dates and None, so this
        equals ``dataclasses.asdict``, whose deep copy cost a tenth of a batch registration)."""
        return dict(vars(self))

    def filled(self) -> list[str]:
        return [name for name, value in self.values().items() if value not in ("", None)]

    def with_transliteration(self, citizenship: list[str] | None = None) -> Identity:
        """Fill the Latin spelling of the names from the original script when it was not given,
        in the style of the client's passport where the citizenship tells it."""
        copy = Identity(**self.values())  # type: ignore[arg-type]
        countries = tuple(citizenship or ())
        if copy.first_name and not copy.first_name_latin:
            copy.first_name_latin = names.transliterate(copy.first_name, countries)
        if copy.second_name and not copy.second_name_latin:
            copy.second_name_latin = names.transliterate(copy.second_name, countries)
        return copy

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.second_name) if p)

    @property
    def latin_name(self) -> str:
        return " ".join(p for p in (self.first_name_latin, self.second_name_latin) if p)

    @property
    def has_name(self) -> bool:
        return bool(
            self.first_name
            or self.second_name
            or self.first_name_latin
            or self.second_name_latin
            or self.aliases
        )


IDENTITY_FIELDS = Identity.field_names()


def _key_aad(org_id: object, client_id: object) -> bytes:
    return crypto.associated_data("client-key", org_id, client_id)


def _field_aad(org_id: object, client_id: object, field: str) -> bytes:
    return crypto.associated_data("field", org_id, MODEL_LABEL, field, client_id)


def new_wrapped_client_key(org: Organisation, client_id: object) -> tuple[bytes, bytes]:
    """A fresh client key and its wrapped form (to store)."""
    key = crypto.new_key()
    return key, crypto.wrap_key(org_key(org), key, _key_aad(org.id, client_id))


def client_key(client: Client) -> bytes:
    return crypto.unwrap_key(
        org_key(client.organisation),
        bytes(client.wrapped_key),
        _key_aad(client.organisation_id, client.id),
    )


def _encode(value: object) -> bytes:
    if isinstance(value, dt.date):
        return value.isoformat().encode("utf-8")
    return str(value).encode("utf-8")


def sealed_fields(
    org_id: object, client_id: object, identity: Identity, key: bytes
) -> dict[str, bytes | None]:
    """The identity's fields as the client row stores them: ``<field>_enc`` ciphertexts (NULL for
    an empty field), each bound to its organisation, model, field and client."""
    encrypt = crypto.encryptor(key)
    # _field_aad(org, client, name), its fixed parts joined once.
    prefix = crypto.associated_data("field", org_id, MODEL_LABEL, "")
    suffix = crypto.associated_data("", client_id)
    sealed: dict[str, bytes | None] = {}
    for name, value in identity.values().items():
        blob = None
        if value not in ("", None):
            blob = encrypt(_encode(value), prefix + name.encode("utf-8") + suffix)
        sealed[f"{name}_enc"] = blob
    return sealed


def seal(client: Client, identity: Identity, key: bytes) -> None:
    """Write the identity's fields onto the client as ciphertexts (empty fields become NULL)."""
    for name, blob in sealed_fields(client.organisation_id, client.id, identity, key).items():
        setattr(client, name, blob)
    client.has_name = identity.has_name


def unseal(client: Client, key: bytes | None = None) -> Identity:
    """Decrypt the client's identity. Raises crypto.DecryptionError if anything was tampered with."""
    key = key or client_key(client)
    values: dict[str, object] = {}
    for name in IDENTITY_FIELDS:
        blob = getattr(client, f"{name}_enc")
        if blob is None:
            continue
        text = crypto.decrypt(
            key, bytes(blob), _field_aad(client.organisation_id, client.id, name)
        ).decode("utf-8")
        values[name] = dt.date.fromisoformat(text) if name == "birth_date" else text
    return Identity(**values)  # type: ignore[arg-type]


NAME_FIELDS = (
    "first_name", "middle_name", "second_name", "first_name_latin", "second_name_latin", "aliases",
)  # fmt: skip
MAX_QUERY_WORDS = 6


def _name_token(key: bytes, form: str) -> str:
    return crypto.blind_index(key, "name:" + form)


def search_tokens(org: Organisation, identity: Identity) -> list[tuple[str, str]]:
    """(kind, token) pairs for the blind index: every Latin form of every name word, and the
    normalised identity number, phone and e-mail."""
    key = search_key(org)
    forms: set[str] = set()  # the same form comes from several fields (a name and its Latin)
    for field in NAME_FIELDS:
        for word in names.words(getattr(identity, field)):
            forms |= names.search_forms(word)
    tokens = {("name", _name_token(key, form)) for form in forms}
    for kind, text in (
        ("idnum", identity.identity_number),
        ("phone", identity.mobile_phone),
        ("email", identity.email),
    ):
        value = names.normalise_identifier(text)
        if value:
            tokens.add((kind, crypto.blind_index(key, f"{kind}:{value}")))
    return sorted(tokens)


def citizenship_token(org: Organisation, country: str) -> str:
    """The blind-index token of one citizenship (an ISO code) in this organisation."""
    return crypto.blind_index(search_key(org), "cit:" + country)


def citizenship_tokens(org: Organisation, countries: object) -> list[tuple[str, str]]:
    """(kind, token) pairs of a client's citizenships (a list of ISO codes, or nothing)."""
    if not isinstance(countries, list | tuple):
        return []
    return [("cit", citizenship_token(org, code)) for code in sorted(set(countries)) if code]


def query_tokens(org: Organisation, query: str) -> tuple[list[list[str]], list[str]]:
    """What to look for: one group of tokens per word of the query (every word must match one of
    its spellings), and the whole query as an identifier (identity number, phone or e-mail)."""
    key = search_key(org)
    groups = [
        sorted(_name_token(key, form) for form in names.search_forms(word))
        for word in names.words(query)[:MAX_QUERY_WORDS]
    ]
    ident = names.normalise_identifier(query)
    identifiers = [
        crypto.blind_index(key, f"{kind}:{ident}") for kind in ("idnum", "phone", "email")
    ]
    return [group for group in groups if group], identifiers if ident else []


def seal_text(client: Client, model_label: str, field: str, record_id: object, text: str) -> bytes:
    """Encrypt free text that belongs to a client's record (a case note, a plan's objectives) with
    the client's key, bound to its own model, field and row."""
    aad = crypto.associated_data("field", client.organisation_id, model_label, field, record_id)
    return crypto.encrypt(client_key(client), text.encode("utf-8"), aad)


def unseal_text(
    client: Client, model_label: str, field: str, record_id: object, blob: bytes
) -> str:
    aad = crypto.associated_data("field", client.organisation_id, model_label, field, record_id)
    return crypto.decrypt(client_key(client), bytes(blob), aad).decode("utf-8")
