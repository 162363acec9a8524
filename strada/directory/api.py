"""The contact directory over the JSON API. Thin, as the views: schemas validate, ``access`` reads,
``actions`` write. Everyone signed in reads; the keepers (``directory.manage``) add and change the
entries they keep (the secretariat all of them, an organisation admin its own organisation's)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from strada.accounts.api_auth import requires_api
from strada.clients.schemas import Error, InvalidInput
from strada.directory import actions
from strada.directory.access import (
    access_entry,
    access_entry_for_edit,
    keeps_everything,
    search_entries,
)
from strada.directory.schemas import EntryFilters, EntryIn, EntryList, EntryOut, EntryPatch
from strada.orgs.models import Organisation

router = Router()

_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: InvalidInput}


def _answers(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, **_ERRORS}


def _owner(user: Any, owner_id: uuid.UUID | None) -> Organisation | None:
    """The keeper the secretariat names: an active organisation of the network (or None)."""
    if owner_id is None:
        return None
    owner = Organisation.objects.filter(id=owner_id, active=True).first()
    if owner is None:
        raise ValidationError({"owner_id": _("Name an active organisation of the network.")})
    return owner


def _owner_values(user: Any, payload: EntryIn, only_given: bool) -> dict[str, Any]:
    values = payload.values(only_given=only_given)
    if "owner_id" in payload.model_fields_set:
        if not keeps_everything(user):
            raise ValidationError(
                {"owner_id": _("Only the secretariat chooses who keeps an entry.")}
            )
        values["owner"] = _owner(user, payload.owner_id)
    return values


def _fresh(user: Any, entry_id: uuid.UUID) -> EntryOut:
    return EntryOut.build(access_entry(user, entry_id))


@router.get("", response=_answers(200, EntryList), summary="List and search the directory")
@requires_api("directory.view")
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> Any:
    """Active entries (and deactivated ones with ``include_inactive``), by country and name."""
    user = request.auth  # type: ignore[attr-defined]
    entries = search_entries(
        user,
        filters.q,
        country=filters.country or "",
        kind=filters.kind.value if filters.kind else "",
        service=filters.service.value if filters.service else "",
        language=filters.language or "",
        include_inactive=filters.include_inactive,
    )
    start = (filters.page - 1) * filters.page_size
    rows = list(entries.prefetch_related("people")[start : start + filters.page_size])
    return {
        "items": [EntryOut.build(entry) for entry in rows],
        "count": entries.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.post("", response=_answers(201, EntryOut), summary="Add a directory entry")
@requires_api("directory.manage")
def create_entry(request: HttpRequest, payload: EntryIn) -> Any:
    """An organisation admin's entry is kept by their organisation; the secretariat may name
    another keeper with ``owner_id`` (or leave it to itself)."""
    user = request.auth  # type: ignore[attr-defined]
    entry = actions.do_create_entry(user, **_owner_values(user, payload, only_given=False))
    return Status(201, _fresh(user, entry.id))


@router.get("/{uuid:entry_id}", response=_answers(200, EntryOut), summary="Get a directory entry")
@requires_api("directory.view")
def get_entry(request: HttpRequest, entry_id: uuid.UUID) -> Any:
    return _fresh(request.auth, entry_id)  # type: ignore[attr-defined]


@router.patch(
    "/{uuid:entry_id}", response=_answers(200, EntryOut), summary="Change a directory entry"
)
@requires_api("directory.manage")
def edit_entry(request: HttpRequest, entry_id: uuid.UUID, payload: EntryPatch) -> Any:
    """Only the fields given change; ``"active": false`` deactivates the entry. 403 for an entry
    that another organisation keeps."""
    user = request.auth  # type: ignore[attr-defined]
    entry = access_entry_for_edit(user, entry_id)
    actions.do_update_entry(user, entry, **_owner_values(user, payload, only_given=True))
    if payload.active is not None:
        actions.do_set_entry_active(user, entry, payload.active)
    return _fresh(user, entry.id)
