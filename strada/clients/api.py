"""The client register over the JSON API. Thin, as the views: schemas validate, ``access`` reads
(and audits every identity it decrypts), ``actions`` write. Identities go out only to roles allowed
``client.view_identity``; the others get the coded fields.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from strada.accounts.api_auth import requires_api
from strada.clients import actions
from strada.clients.access import (
    access_client,
    access_consent,
    read_identities,
    read_identity,
    search_clients,
)
from strada.clients.identity import Identity
from strada.clients.models import Client
from strada.clients.schemas import (
    ClientFilters,
    ClientIn,
    ClientList,
    ClientOut,
    ClientPatch,
    ConsentIn,
    ConsentList,
    ConsentOut,
    Error,
    InvalidInput,
    WithdrawalIn,
)
from strada.directory.access import directory_entries
from strada.directory.models import Entry as DirectoryEntry
from strada.orgs.models import CASE_ORG_KINDS, Organisation
from strada.orgs.policy import can

router = Router()

_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: InvalidInput}


def _answers(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, **_ERRORS}


def _answer(user: Any, client: Client, reason: str) -> ClientOut:
    identity = None
    if can(user, "client.view_identity"):
        identity = read_identity(user, client, reason=reason)
    return ClientOut.build(client, identity)


def _recipient(user: Any, recipient_id: uuid.UUID | None) -> Organisation | None:
    """The organisation a referral consent names: another active member or affiliate."""
    if recipient_id is None:
        return None
    recipient = (
        Organisation.objects.filter(id=recipient_id, active=True, kind__in=CASE_ORG_KINDS)
        .exclude(id=user.organisation_id)
        .first()
    )
    if recipient is None:
        raise ValidationError(
            {"recipient_id": _("Name another active member or affiliate organisation.")}
        )
    return recipient


def _recipient_entry(user: Any, entry_id: uuid.UUID | None) -> DirectoryEntry | None:
    """The directory entry a referral consent outside the network names: an active one."""
    if entry_id is None:
        return None
    entry = directory_entries(user).filter(id=entry_id, active=True).first()
    if entry is None:
        raise ValidationError({"recipient_entry_id": _("Name an active entry of the directory.")})
    return entry


def _consent_input(user: Any, consent: ConsentIn, default_date: dt.date) -> actions.ConsentInput:
    return actions.ConsentInput(
        purpose=consent.purpose.value,
        given_on=consent.given_on or default_date,
        wording_version=consent.wording_version,
        language=consent.language,
        form=consent.form.value,
        recipient=_recipient(user, consent.recipient_id),
        recipient_entry=_recipient_entry(user, consent.recipient_entry_id),
    )


@router.get("", response=_answers(200, ClientList), summary="List and search clients")
@requires_api("client.list")
def list_clients(request: HttpRequest, filters: Query[ClientFilters]) -> Any:
    """Clients of your organisation, newest registration first."""
    user = request.auth  # type: ignore[attr-defined]
    clients = search_clients(
        user,
        filters.q,
        gender=filters.gender.value if filters.gender else "",
        citizenship=filters.citizenship or "",
    )
    start = (filters.page - 1) * filters.page_size
    rows = list(clients.select_related("organisation")[start : start + filters.page_size])
    identities = read_identities(user, rows, reason="list")
    return {
        "items": [ClientOut.build(client, identities.get(client.id)) for client in rows],
        "count": clients.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.post("", response=_answers(201, ClientOut), summary="Register a client")
@requires_api("client.register")
def register_client(request: HttpRequest, payload: ClientIn) -> Any:
    """Register a client of your organisation; it gets the next reference code."""
    user = request.auth  # type: ignore[attr-defined]
    registered_on = payload.registered_on or timezone.localdate()
    registration = actions.Registration(
        identity=payload.identity.apply_to(Identity()) if payload.identity else Identity(),
        coded=payload.coded(),
        registered_on=registered_on,
        consents=[_consent_input(user, item, registered_on) for item in payload.consents],
    )
    client = actions.do_register_client(user, registration)
    return Status(201, _answer(user, client, reason="register"))


@router.get("/{uuid:client_id}", response=_answers(200, ClientOut), summary="Get a client")
@requires_api("client.view")
def get_client(request: HttpRequest, client_id: uuid.UUID) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return _answer(user, access_client(user, client_id), reason="detail")


@router.patch("/{uuid:client_id}", response=_answers(200, ClientOut), summary="Change a client")
@requires_api("client.edit")
def edit_client(request: HttpRequest, client_id: uuid.UUID, payload: ClientPatch) -> Any:
    """Only the fields given change, inside ``identity`` too; ``null`` empties a field."""
    user = request.auth  # type: ignore[attr-defined]
    client = access_client(user, client_id)
    identity = None
    if payload.identity is not None and payload.identity.model_fields_set:
        identity = payload.identity.apply_to(read_identity(user, client, reason="edit"))
    actions.do_edit_client(user, client, identity=identity, coded=payload.coded(only_given=True))
    return _answer(user, client, reason="detail")


@router.get(
    "/{uuid:client_id}/consents",
    response=_answers(200, ConsentList),
    summary="List a client's consents",
)
@requires_api("client.view")
def list_consents(request: HttpRequest, client_id: uuid.UUID) -> Any:
    """Every consent on record, withdrawn ones included (``is_active`` false)."""
    client = access_client(request.auth, client_id)  # type: ignore[attr-defined]
    consents = [ConsentOut.build(c) for c in client.consents.order_by("purpose", "-given_on")]
    return {"items": consents, "count": len(consents)}


@router.post(
    "/{uuid:client_id}/consents",
    response=_answers(201, ConsentOut),
    summary="Record a consent",
)
@requires_api("consent.record")
def record_consent(request: HttpRequest, client_id: uuid.UUID, payload: ConsentIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    client = access_client(user, client_id)
    consent = actions.do_record_consent(
        user, client, _consent_input(user, payload, timezone.localdate())
    )
    return Status(201, ConsentOut.build(consent))


@router.post(
    "/{uuid:client_id}/consents/{uuid:consent_id}/withdraw",
    response=_answers(200, ConsentOut),
    summary="Withdraw a consent",
)
@requires_api("consent.withdraw")
def withdraw_consent(
    request: HttpRequest,
    client_id: uuid.UUID,
    consent_id: uuid.UUID,
    payload: WithdrawalIn | None = None,
) -> Any:
    """The consent stays on record, marked withdrawn from the given date (today if left out)."""
    user = request.auth  # type: ignore[attr-defined]
    consent = access_consent(user, access_client(user, client_id), consent_id)
    withdrawn_on = payload.withdrawn_on if payload else None
    return ConsentOut.build(actions.do_withdraw_consent(user, consent, withdrawn_on))
