"""The package of a referral: the fields that travel, chosen one by one, and how they are sealed.

Only the fields named in ``FIELDS`` can travel, and only those the sender ticks do. The values are
copied at the time of sending (a later edit of the sender's record does not change what was sent),
serialised as JSON and encrypted with a key of the referral's own, which is wrapped once for the
sender's organisation key and once for the receiver's. The associated data names the referral, so a
package moved onto another referral does not open.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from strada.clients.identity import Identity
from strada.clients.models import Client
from strada.lib import crypto
from strada.orgs.keys import org_key
from strada.orgs.models import Organisation

# Identity fields of the client (encrypted at home, encrypted in the package).
IDENTITY_FIELDS: dict[str, Any] = {
    "first_name": _("first name"),
    "middle_name": _("middle name"),
    "second_name": _("surname"),
    "first_name_latin": _("first name (Latin)"),
    "second_name_latin": _("surname (Latin)"),
    "aliases": _("aliases"),
    "birth_date": _("birth date"),
    "identity_number": _("identity number"),
    "mobile_phone": _("mobile phone"),
    "email": _("e-mail"),
    "mailing_street": _("street address"),
    "mailing_city": _("city"),
}
# Coded, non-identifying fields of the client.
CODED_FIELDS: dict[str, Any] = {
    "gender": _("gender"),
    "birth_year": _("birth year"),
    "age_band": _("age band"),
    "citizenship": _("citizenship"),
    "primary_language": _("primary language"),
    "secondary_language": _("secondary language"),
    "marital_status": _("marital status"),
    "highest_level_of_education": _("highest level of education"),
    "number_of_children": _("number of children"),
    "mailing_country": _("country of residence"),
}
# From the client's cases: what the receiver needs to plan support.
CASE_FIELDS: dict[str, Any] = {
    "type_of_exploitation": _("types of exploitation"),
    "identification_date": _("identification date"),
}
# The sender's own words (HTCDS cas_OutgoingReferralDetails): needs, arrangements, logistics.
MESSAGE = "message"
FIELDS: dict[str, Any] = {
    **IDENTITY_FIELDS,
    **CODED_FIELDS,
    **CASE_FIELDS,
    MESSAGE: _("details of the referral"),
}
MAX_MESSAGE = 4000


def label(name: str) -> str:
    return str(FIELDS.get(name, name))


def build(
    client: Client, identity: Identity, fields: Iterable[str], message: str = ""
) -> dict[str, Any]:
    """The package: the chosen fields' current values (empty ones left out), and the message."""
    chosen = [name for name in FIELDS if name in set(fields)]
    package: dict[str, Any] = {}
    cases = None
    for name in chosen:
        value: Any
        if name in IDENTITY_FIELDS:
            value = getattr(identity, name)
        elif name in CODED_FIELDS:
            value = getattr(client, name)
            if name == "mailing_country":
                value = value.code if value else ""
        elif name in CASE_FIELDS:
            if cases is None:
                cases = list(client.cases.order_by("opened_on"))
            if name == "type_of_exploitation":
                value = sorted({code for case in cases for code in case.type_of_exploitation})
            else:
                dates = [case.identification_date for case in cases if case.identification_date]
                value = min(dates) if dates else None
        else:
            value = message.strip()
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value not in ("", None, []):
            package[name] = value
    return package


def _aad(referral_id: object, part: str) -> bytes:
    return crypto.associated_data("referral", referral_id, part)


def seal(
    referral_id: object, sender: Organisation, recipient: Organisation | None, values: Any
) -> tuple[bytes, bytes, bytes | None]:
    """(package ciphertext, key wrapped for the sender, key wrapped for the receiver or None)."""
    key = crypto.new_key()
    blob = crypto.encrypt(
        key, json.dumps(values, ensure_ascii=False).encode("utf-8"), _aad(referral_id, "package")
    )
    for_sender = crypto.wrap_key(org_key(sender), key, _aad(referral_id, f"key:{sender.id}"))
    for_recipient = None
    if recipient is not None:
        for_recipient = crypto.wrap_key(
            org_key(recipient), key, _aad(referral_id, f"key:{recipient.id}")
        )
    return blob, for_sender, for_recipient


def referral_key(referral: Any, org: Organisation) -> bytes:
    """The referral's key as the organisation (its sender or receiver) unwraps it."""
    if org.id == referral.sender_id:
        wrapped = referral.sender_wrapped_key
    elif org.id == referral.recipient_id and referral.recipient_wrapped_key is not None:
        wrapped = referral.recipient_wrapped_key
    else:
        raise PermissionError("this organisation holds no key to the referral")
    return crypto.unwrap_key(org_key(org), bytes(wrapped), _aad(referral.id, f"key:{org.id}"))


def open_package(referral: Any, org: Organisation) -> dict[str, Any]:
    key = referral_key(referral, org)
    data = crypto.decrypt(key, bytes(referral.package_enc), _aad(referral.id, "package"))
    return dict(json.loads(data.decode("utf-8")))


def seal_text(referral: Any, org: Organisation, part: str, text: str) -> bytes:
    return crypto.encrypt(
        referral_key(referral, org), text.encode("utf-8"), _aad(referral.id, part)
    )


def open_text(referral: Any, org: Organisation, part: str, blob: bytes) -> str:
    key = referral_key(referral, org)
    return crypto.decrypt(key, bytes(blob), _aad(referral.id, part)).decode("utf-8")


def as_registration_parts(values: dict[str, Any]) -> tuple[Identity, dict[str, Any]]:
    """The receiver's new client from a package: its identity and coded fields."""
    identity_values: dict[str, Any] = {}
    for name in IDENTITY_FIELDS:
        if name in values:
            value = values[name]
            identity_values[name] = dt.date.fromisoformat(value) if name == "birth_date" else value
    coded = {name: values[name] for name in CODED_FIELDS if name in values}
    if "birth_date" in identity_values:
        coded.pop("birth_year", None)
    return Identity(**identity_values), coded
