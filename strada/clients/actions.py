"""Changes to clients and consents. Each ``do_*`` function is one transaction with its audit event.

Security contract: the caller has already passed the policy check for the action and reached the
client through ``clients.access``; each action checks again that the actor belongs to the client's
organisation (defence in depth) and never writes personal data into the audit event, only field names.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strada.audit.log import Entry, record, record_many
from strada.clients import codes
from strada.clients.identity import (
    Identity,
    citizenship_tokens,
    client_key,
    new_wrapped_client_key,
    seal,
    sealed_fields,
    search_tokens,
    unseal,
)
from strada.clients.models import COUNTRY_CODES, Client, Consent, SearchToken
from strada.directory.models import Entry as DirectoryEntry
from strada.lib import names
from strada.lib.bulk import add_to_counter, insert_rows
from strada.orgs.models import Organisation, ReferenceCounter
from strada.orgs.policy import can

CODED_FIELDS = [
    "gender",
    "birth_year",
    "age_band",
    "citizenship",
    "primary_language",
    "secondary_language",
    "marital_status",
    "highest_level_of_education",
    "number_of_children",
    "mailing_country",
]


@dataclass
class ConsentInput:
    purpose: str
    given_on: dt.date
    wording_version: str
    language: str
    form: str = codes.ConsentForm.WRITTEN
    recipient: Organisation | None = None
    recipient_entry: DirectoryEntry | None = None


@dataclass
class Registration:
    """Everything needed to register one client."""

    identity: Identity = field(default_factory=Identity)
    coded: dict[str, Any] = field(default_factory=dict)
    registered_on: dt.date | None = None
    consents: Sequence[ConsentInput] = ()


def _require(actor: Any, action: str, org: Organisation) -> None:
    if not can(actor, action) or actor.organisation_id != org.id:
        raise PermissionDenied


def _allocate_references(org: Organisation, year: int, count: int) -> list[str]:
    """Reserve ``count`` reference numbers of the organisation's year: one statement, which creates
    the year's counter if needed and holds its row lock until the transaction ends."""
    (last,) = add_to_counter(
        ReferenceCounter, {"organisation": org.id, "year": year}, "last_number", count
    )
    first = last - count + 1
    return [f"{org.reference_prefix}-{year}-{n:05d}" for n in range(first, first + count)]


def _full_clean(client: Client) -> None:
    """``client.full_clean`` for the fields an action may set. A valid country skips CountryField's
    own check, which walks the choices of every country on each call (a quarter of the time of a
    batch registration); anything else gets that check and its usual error."""
    exclude = ["wrapped_key", "created_by", "organisation"]
    country = client.__dict__.get("mailing_country")  # the code as set, without making a Country
    if not (country == "" or country in COUNTRY_CODES):
        country = client.mailing_country.code
    if not country or country in COUNTRY_CODES:
        exclude.append("mailing_country")
    # The one constraint (organisation, reference) involves an excluded field: nothing to check.
    client.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _derive_coded(identity: Identity, coded: dict[str, Any]) -> dict[str, Any]:
    coded = dict(coded)
    if identity.birth_date is not None:
        coded["birth_year"] = identity.birth_date.year
    return coded


def _validate_consent(org: Organisation, consent: ConsentInput) -> None:
    if consent.purpose not in codes.ConsentPurpose.values:
        raise ValidationError(_("Unknown consent purpose."))
    if consent.purpose == codes.ConsentPurpose.REFERRAL and (
        (consent.recipient is None) == (consent.recipient_entry is None)
    ):
        raise ValidationError(
            _(
                "A referral consent must name the organisation it is for: one of the network or "
                "one of the directory."
            )
        )
    if consent.purpose != codes.ConsentPurpose.REFERRAL and (
        consent.recipient is not None or consent.recipient_entry is not None
    ):
        raise ValidationError(_("Only a referral consent names a recipient."))
    if consent.recipient is not None and consent.recipient.id == org.id:
        raise ValidationError(_("A referral consent must name another organisation."))
    if consent.given_on > timezone.localdate():
        raise ValidationError(_("A consent cannot be given in the future."))


@dataclass
class _Built:
    client: Client | dict[str, Any]  # an instance when validated here, else the row
    tokens: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    entry: Entry
    identity: Identity


def _build_client(
    actor: Any, org: Organisation, registration: Registration, reference: str, *, checked: bool
) -> _Built:
    identity = registration.identity.with_transliteration(registration.coded.get("citizenship"))
    client_id = uuid.uuid4()
    key, wrapped_key = new_wrapped_client_key(org, client_id)
    values: dict[str, Any] = {
        "id": client_id,
        "reference": reference,
        "registered_on": registration.registered_on or timezone.localdate(),
        "wrapped_key": wrapped_key,
        "has_name": identity.has_name,
        **sealed_fields(org.id, client_id, identity, key),
        **_derive_coded(identity, registration.coded),
    }
    client: Client | dict[str, Any]
    if checked:  # the row as it is written: no model instance to build
        client = {**values, "organisation_id": org.id, "created_by_id": actor.id}
    else:
        client = Client(organisation=org, created_by=actor, **values)
        _full_clean(client)
    tokens = [
        {"client_id": client_id, "organisation_id": org.id, "kind": kind, "token": token}
        for kind, token in search_tokens(org, identity)
        + citizenship_tokens(org, values.get("citizenship"))
    ]
    consents = []
    for item in registration.consents:
        if not checked:
            _validate_consent(org, item)
        consents.append(
            {
                "client_id": client_id,
                "organisation_id": org.id,
                "purpose": item.purpose,
                "recipient_id": item.recipient.id if item.recipient is not None else None,
                "recipient_entry_id": (
                    item.recipient_entry.id if item.recipient_entry is not None else None
                ),
                "given_on": item.given_on,
                "form": item.form,
                "wording_version": item.wording_version,
                "language": item.language,
                "recorded_by_id": actor.id,
            }
        )
    entry = Entry(
        action="client.register",
        actor=actor,
        org_id=org.id,
        object_type="client",
        object_id=client_id,
        fields=identity.filled()
        + [k for k, v in registration.coded.items() if v not in ("", None, [])],
    )
    return _Built(client, tokens, consents, entry, identity)


def do_register_clients(actor: Any, registrations: Sequence[Registration]) -> list[Client]:
    """Register clients of the actor's organisation in one transaction (the batch path of imports
    and the demo). Every client gets its own key, reference code, search tokens and audit event."""
    org = actor.organisation
    _require(actor, "client.register", org)
    with transaction.atomic():
        return register_batch(actor, org, registrations)


def register_batch(
    actor: Any,
    org: Organisation,
    registrations: Sequence[Registration],
    *,
    reason: str = "",
    link: bool = True,
) -> list[Client]:
    """The writing part of ``do_register_clients``, for an action of another app that has checked
    its own right and holds the transaction: the same validation, keys, reference codes, search
    tokens, consents and audit events; ``reason`` goes on the events. ``link=False`` leaves the
    duplicate check to the caller (a referral links its two ends first)."""
    built = _register(actor, org, registrations, reason=reason, checked=False, link=link)
    clients = [item.client for item in built]
    assert all(isinstance(client, Client) for client in clients)
    return clients  # type: ignore[return-value]


def register_checked_batch(
    actor: Any, org: Organisation, registrations: Sequence[Registration], *, reason: str
) -> list[uuid.UUID]:
    """``register_batch`` for a caller that has run ``check_registration`` on these very
    registrations (the spreadsheet import, after a dry run of the same file): they are not
    validated again, and no model instances are built; returns the new clients' ids."""
    built = _register(actor, org, registrations, reason=reason, checked=True)
    return [item.entry.object_id for item in built]


def _register(
    actor: Any,
    org: Organisation,
    registrations: Sequence[Registration],
    *,
    reason: str,
    checked: bool,
    link: bool = True,
) -> list[_Built]:
    with names.remembered_forms():  # a batch's names repeat: transliterate each word once
        return _register_rows(actor, org, registrations, reason=reason, checked=checked, link=link)


def _register_rows(
    actor: Any,
    org: Organisation,
    registrations: Sequence[Registration],
    *,
    reason: str,
    checked: bool,
    link: bool,
) -> list[_Built]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("register_batch must run inside the caller's transaction")
    by_year: dict[int, list[int]] = {}
    for index, registration in enumerate(registrations):
        year = (registration.registered_on or timezone.localdate()).year
        by_year.setdefault(year, []).append(index)
    references: dict[int, str] = {}
    for year, indexes in sorted(by_year.items()):
        for index, reference in zip(
            indexes, _allocate_references(org, year, len(indexes)), strict=True
        ):
            references[index] = reference
    built = [
        _build_client(actor, org, registration, references[index], checked=checked)
        for index, registration in enumerate(registrations)
    ]
    clients = [item.client for item in built]
    insert_rows(Client, clients)
    for client in clients:
        if isinstance(client, Client):
            client._state.adding = False  # saved, as bulk_create would mark them
    insert_rows(SearchToken, [t for item in built for t in item.tokens])
    insert_rows(Consent, [c for item in built for c in item.consents])
    entries = [item.entry for item in built] + [
        Entry(
            action="consent.record",
            actor=actor,
            org_id=org.id,
            object_type="client",
            object_id=consent["client_id"],
            fields=[consent["purpose"]],
        )
        for item in built
        for consent in item.consents
    ]
    for entry in entries:
        entry.reason = reason
    record_many(entries, returning=False)
    if link:
        _link(org, built)
    return built


# Up to this many clients in one transaction, duplicate detection runs in it; a bigger batch (an
# import) is linked by background tasks once it is committed, so that it stays fast.
LINK_INLINE = 100


def _link(org: Organisation, built: Sequence[_Built]) -> None:
    """Keep the clients' linkage tokens and raise duplicate alerts (strada.referrals.duplicates)."""
    from strada.referrals import duplicates, tasks

    people = [(item.entry.object_id, item.identity, _birth_year(item.client)) for item in built]
    if len(people) <= LINK_INLINE:
        duplicates.refresh(org, people, new=True)
        return
    tasks.link_after_commit(org.id, [client_id for client_id, _identity, _year in people])


def _birth_year(client: Client | dict[str, Any]) -> int | None:
    if isinstance(client, Client):
        return client.birth_year
    return client.get("birth_year")


def check_registration(org: Organisation, registration: Registration) -> None:
    """Raise the ValidationError that registering this would raise, without writing or encrypting
    anything (the dry run of an import). Errors are keyed by Client field names."""
    client = Client(
        organisation_id=org.id,
        reference="-",
        registered_on=registration.registered_on or timezone.localdate(),
        **_derive_coded(registration.identity, registration.coded),
    )
    _full_clean(client)
    for item in registration.consents:
        _validate_consent(org, item)


def do_register_client(actor: Any, registration: Registration) -> Client:
    """Register one client of the actor's organisation (the web and API path)."""
    return do_register_clients(actor, [registration])[0]


def do_edit_client(
    actor: Any,
    client: Client,
    *,
    identity: Identity | None = None,
    coded: dict[str, Any] | None = None,
) -> list[str]:
    """Change a client's identity and/or coded fields; return the names of the fields that changed.

    ``identity`` replaces the whole identity (a field left empty is erased); ``coded`` changes only
    the coded fields it names. Nothing is written, and no event recorded, if nothing changed.
    """
    _require(actor, "client.edit", client.organisation)
    with transaction.atomic():
        locked = Client.objects.select_for_update().select_related("organisation").get(id=client.id)
        changed: list[str] = []
        key = client_key(locked)
        if identity is not None:
            identity = identity.with_transliteration(
                (coded or {}).get("citizenship", locked.citizenship)
            )
            before = unseal(locked, key)
            changed += [
                name
                for name in identity.field_names()
                if getattr(before, name) != getattr(identity, name)
            ]
            if changed:
                seal(locked, identity, key)
                _replace_tokens(
                    locked,
                    search_tokens(locked.organisation, identity),
                    exclude=SearchToken.Kind.CITIZENSHIP,
                )
            coded = _derive_coded(identity, coded or {})
        for name, value in (coded or {}).items():
            if name not in CODED_FIELDS:
                raise ValidationError(_("Unknown field: %(name)s") % {"name": name})
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if not changed:
            return []
        _full_clean(locked)
        locked.save()
        if "citizenship" in changed:
            _replace_tokens(
                locked,
                citizenship_tokens(locked.organisation, locked.citizenship),
                only=SearchToken.Kind.CITIZENSHIP,
            )
        if identity is not None or "birth_year" in changed:
            from strada.referrals import duplicates

            duplicates.refresh(
                locked.organisation,
                [(locked.id, identity or unseal(locked, key), locked.birth_year)],
            )
        record(
            Entry(
                action="client.edit",
                actor=actor,
                org_id=locked.organisation_id,
                object_type="client",
                object_id=locked.id,
                fields=sorted(set(changed)),
            )
        )
    for name in [f.attname for f in Client._meta.concrete_fields]:
        setattr(client, name, getattr(locked, name))
    return sorted(set(changed))


def _replace_tokens(
    client: Client, tokens: list[tuple[str, str]], *, only: str = "", exclude: str = ""
) -> None:
    """Replace a client's blind-index tokens: those of kind ``only``, or all but ``exclude``."""
    old = SearchToken.objects.filter(client=client)
    old = old.filter(kind=only) if only else old.exclude(kind=exclude)
    old.delete()
    SearchToken.objects.bulk_create(
        SearchToken(client=client, organisation_id=client.organisation_id, kind=kind, token=token)
        for kind, token in tokens
    )


def do_record_consent(actor: Any, client: Client, consent: ConsentInput) -> Consent:
    """Record one consent of a client (a new row per purpose and date; the old ones stay)."""
    _require(actor, "consent.record", client.organisation)
    _validate_consent(client.organisation, consent)
    with transaction.atomic():
        row = Consent.objects.create(
            client=client,
            organisation_id=client.organisation_id,
            purpose=consent.purpose,
            recipient=consent.recipient,
            recipient_entry=consent.recipient_entry,
            given_on=consent.given_on,
            form=consent.form,
            wording_version=consent.wording_version,
            language=consent.language,
            recorded_by=actor,
        )
        record(
            Entry(
                action="consent.record",
                actor=actor,
                org_id=client.organisation_id,
                object_type="client",
                object_id=client.id,
                fields=[consent.purpose],
            )
        )
    return row


def do_withdraw_consent(
    actor: Any, consent: Consent, withdrawn_on: dt.date | None = None
) -> Consent:
    """Withdraw a consent from a date on. A withdrawn consent stays on record, marked as such."""
    client = consent.client
    _require(actor, "consent.withdraw", client.organisation)
    withdrawn_on = withdrawn_on or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    if withdrawn_on < consent.given_on:
        raise ValidationError(_("A consent cannot be withdrawn before it was given."))
    if withdrawn_on > timezone.localdate():
        raise ValidationError(_("A withdrawal cannot be dated in the future."))
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.withdrawn_by = actor
        consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
        record(
            Entry(
                action="consent.withdraw",
                actor=actor,
                org_id=client.organisation_id,
                object_type="client",
                object_id=client.id,
                fields=[consent.purpose],
            )
        )
    return consent


def has_consent(client: Client, purpose: str, recipient: Organisation | None = None) -> bool:
    """Is there an active consent for this purpose (and recipient, for referrals) today?"""
    consents = client.consents.active().filter(purpose=purpose, given_on__lte=timezone.localdate())
    if recipient is not None:
        consents = consents.filter(recipient=recipient)
    return consents.exists()
