"""The case record over the JSON API. Thin, as the views: schemas validate, ``access`` reads,
``actions`` write (and audit).

Data managers read the coded case record and the support plan's dates. The encrypted text (notes,
the plan's objectives) is for roles allowed ``case.notes``: ``/notes`` answers 403 to the others,
and ``GET /plan`` leaves ``objectives`` out for them. Every answer that carries that text was read
through ``read_notes`` / ``read_objectives``, which audit the read.

The five kinds of rows under a case (route events, perpetrators, services, legal steps,
compensations) share one set of operations, registered for each kind by ``_part_operations``.

This module deliberately does not use ``from __future__ import annotations``: ninja reads the
operations' annotations, and those of the part operations name schemas local to the factory.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from strada.accounts.api_auth import requires_api
from strada.accounts.models import User
from strada.cases import actions
from strada.cases import schemas as s
from strada.cases.access import (
    access_case,
    access_case_part,
    read_notes,
    read_objectives,
    visible_cases,
)
from strada.cases.models import (
    Compensation,
    LegalProceeding,
    PerpetratorRole,
    Service,
    SupportPlan,
    TraffickingEvent,
)
from strada.clients.access import access_client
from strada.clients.schemas import Error, InvalidInput
from strada.directory.models import Entry
from strada.orgs.policy import can

router = Router()

_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: InvalidInput}
CASE = "/{uuid:case_id}"


def _answers(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, **_ERRORS}


def _references(user: Any, payload: s.RecordIn) -> dict[str, Any]:
    """The payload's values with the records it names by id looked up: an owner among the user's
    colleagues, a provider among the network's organisations or the directory's entries. An id
    that names nothing the user may choose is invalid input, whatever it names elsewhere."""
    values = payload.values()
    for name, field in payload.REFERENCES.items():
        if name not in values:
            continue
        chosen = values.pop(name)
        values[field] = None if chosen is None else _choice(user, field, chosen)
    return values


def _choice(user: Any, field: str, chosen: uuid.UUID) -> models.Model:
    choices: models.QuerySet[Any]
    if field == "owner":
        choices = User.objects.filter(organisation_id=user.organisation_id)
    elif field == "provider_organisation":
        choices = actions.network_providers(user.organisation)
    else:
        choices = Entry.objects.filter(active=True)
    found = choices.filter(id=chosen).first()
    if found is None:
        raise ValidationError({f"{field}_id": _("Choose one of the records offered.")})
    return found


@contextmanager
def _named_as_in_the_api(references: dict[str, str]) -> Iterator[None]:
    """An action's errors about a referenced record, under the field name the API uses."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        api_name = {field: name for name, field in references.items()}
        raise ValidationError(
            {api_name.get(field, field): errors for field, errors in error.error_dict.items()}
        ) from error


# Cases


@router.get("", response=_answers(200, s.CaseList), summary="List cases")
@requires_api("case.view")
def list_cases(request: HttpRequest, filters: Query[s.CaseFilters]) -> Any:
    """Cases of your organisation, most recently opened first."""
    cases = visible_cases(request.auth)  # type: ignore[attr-defined]
    if filters.client_id:
        cases = cases.filter(client_id=filters.client_id)
    if filters.status:
        cases = cases.filter(status=filters.status.value)
    start = (filters.page - 1) * filters.page_size
    rows = cases.select_related("client").order_by("-opened_on", "-created_at", "id")
    return {
        "items": list(rows[start : start + filters.page_size]),
        "count": cases.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.post("", response=_answers(201, s.CaseOut), summary="Open a case")
@requires_api("case.edit")
def open_case(request: HttpRequest, payload: s.CaseIn) -> Any:
    """Open a case for a client of your organisation; it gets the client's next case number.
    Opening a case already closed is for supervisors."""
    user = request.auth  # type: ignore[attr-defined]
    client = access_client(user, payload.client_id)
    with _named_as_in_the_api(payload.REFERENCES):
        case = actions.do_open_case(user, client, **_references(user, payload))
    return Status(201, case)


@router.get(CASE, response=_answers(200, s.CaseOut), summary="Get a case")
@requires_api("case.view")
def get_case(request: HttpRequest, case_id: uuid.UUID) -> Any:
    return access_case(request.auth, case_id)  # type: ignore[attr-defined]


@router.patch(CASE, response=_answers(200, s.CaseOut), summary="Change a case")
@requires_api("case.edit")
def edit_case(request: HttpRequest, case_id: uuid.UUID, payload: s.CasePatch) -> Any:
    """Only the fields given change; ``null`` empties an optional field. Closing a case (status
    ``Closed`` or ``ClosedReferred``, with ``closed_on`` and ``reason_for_case_closure``) and
    reopening it are for supervisors: 403 for the others."""
    user = request.auth  # type: ignore[attr-defined]
    case = access_case(user, case_id)
    with _named_as_in_the_api(payload.REFERENCES):
        actions.do_update_case(user, case, **_references(user, payload))
    return case


# The rows under a case


@dataclass(frozen=True)
class PartKind:
    """One kind of row under a case, as the API offers it."""

    path: str  # "events": /cases/{case_id}/events
    name: str  # "event": list_events, add_event, edit_event, remove_event
    noun: str  # "route event", for the summaries
    model: type[models.Model]
    create: type[s.RecordIn]
    change: type[s.RecordIn]
    out: type[s.RecordOut]
    listing: type[Any]


PART_KINDS = [
    PartKind(
        "events", "event", "route event", TraffickingEvent,
        s.EventIn, s.EventPatch, s.EventOut, s.EventList,
    ),
    PartKind(
        "perpetrators", "perpetrator", "perpetrator", PerpetratorRole,
        s.PerpetratorIn, s.PerpetratorPatch, s.PerpetratorOut, s.PerpetratorList,
    ),
    PartKind(
        "services", "service", "service", Service,
        s.ServiceIn, s.ServicePatch, s.ServiceOut, s.ServiceList,
    ),
    PartKind(
        "legal", "legal_step", "legal step", LegalProceeding,
        s.LegalIn, s.LegalPatch, s.LegalOut, s.LegalList,
    ),
    PartKind(
        "compensations", "compensation", "compensation", Compensation,
        s.CompensationIn, s.CompensationPatch, s.CompensationOut, s.CompensationList,
    ),
]  # fmt: skip


def _named(name: str, view: Callable[..., Any]) -> Callable[..., Any]:
    """Give a view made by the factory its own name: ninja derives the operation id and the URL
    name from it, so each kind's operations stay distinct in the OpenAPI schema."""
    view.__name__ = view.__qualname__ = name
    return view


def _part_operations(kind: PartKind) -> None:
    """Register list, add, change and remove for one kind of row. Each operation is a function of
    its own, with its own policy action and its own schemas in the annotations."""
    many = f"{CASE}/{kind.path}"
    one = f"{many}/{{uuid:part_id}}"
    create, change = kind.create, kind.change

    def listed(request: HttpRequest, case_id: uuid.UUID) -> Any:
        case = access_case(request.auth, case_id)  # type: ignore[attr-defined]
        rows = list(kind.model._default_manager.filter(case=case))
        return {"items": rows, "count": len(rows)}

    def added(request: HttpRequest, case_id: uuid.UUID, payload: create) -> Any:  # type: ignore[valid-type]
        user = request.auth  # type: ignore[attr-defined]
        case = access_case(user, case_id)
        with _named_as_in_the_api(create.REFERENCES):
            part = actions.do_add_part(user, case, kind.model, **_references(user, payload))
        return Status(201, part)

    def changed(
        request: HttpRequest,
        case_id: uuid.UUID,
        part_id: uuid.UUID,
        payload: change,  # type: ignore[valid-type]
    ) -> Any:
        user = request.auth  # type: ignore[attr-defined]
        part = access_case_part(user, access_case(user, case_id), kind.model, part_id)
        with _named_as_in_the_api(change.REFERENCES):
            actions.do_update_part(user, part, **_references(user, payload))
        return part

    def removed(request: HttpRequest, case_id: uuid.UUID, part_id: uuid.UUID) -> Any:
        user = request.auth  # type: ignore[attr-defined]
        part = access_case_part(user, access_case(user, case_id), kind.model, part_id)
        actions.do_remove_part(user, part)
        return Status(204, None)

    router.get(many, response=_answers(200, kind.listing), summary=f"List a case's {kind.noun}s")(
        requires_api("case.view")(_named(f"list_{kind.name}s", listed))
    )
    router.post(many, response=_answers(201, kind.out), summary=f"Add a {kind.noun}")(
        requires_api("case.edit")(_named(f"add_{kind.name}", added))
    )
    router.patch(one, response=_answers(200, kind.out), summary=f"Change a {kind.noun}")(
        requires_api("case.edit")(_named(f"edit_{kind.name}", changed))
    )
    router.delete(one, response=_answers(204, None), summary=f"Remove a {kind.noun}")(
        requires_api("case.edit")(_named(f"remove_{kind.name}", removed))
    )


for _kind in PART_KINDS:
    _part_operations(_kind)


# Support plan and notes


@router.get(f"{CASE}/plan", response=_answers(200, s.PlanOut), summary="Get the support plan")
@requires_api("case.view")
def get_plan(request: HttpRequest, case_id: uuid.UUID) -> Any:
    """The plan's dates for every role that sees the case; its objectives (decrypted, and the read
    audited) only for caseworkers and supervisors. A case without a plan answers empty fields."""
    user = request.auth  # type: ignore[attr-defined]
    case = access_case(user, case_id)
    plan = SupportPlan.objects.filter(case=case).first() or SupportPlan(case=case)
    objectives = read_objectives(user, case) if can(user, "case.notes") else None
    return _plan_out(plan, objectives)


@router.put(f"{CASE}/plan", response=_answers(200, s.PlanOut), summary="Write the support plan")
@requires_api("case.notes")
def set_plan(request: HttpRequest, case_id: uuid.UUID, payload: s.PlanIn) -> Any:
    """Replaces the whole plan: a field left out is emptied."""
    user = request.auth  # type: ignore[attr-defined]
    case = access_case(user, case_id)
    plan = actions.do_set_plan(
        user,
        case,
        objectives=payload.objectives,
        planned_end_date=payload.planned_end_date,
        actual_end_date=payload.actual_end_date,
    )
    return _plan_out(plan, payload.objectives)


def _plan_out(plan: SupportPlan, objectives: str | None) -> s.PlanOut:
    return s.PlanOut(
        planned_end_date=plan.planned_end_date,
        actual_end_date=plan.actual_end_date,
        objectives=objectives,
    )


@router.get(f"{CASE}/notes", response=_answers(200, s.NoteList), summary="Read a case's notes")
@requires_api("case.notes")
def list_notes(request: HttpRequest, case_id: uuid.UUID) -> Any:
    """Every note, newest first, decrypted; the read is audited."""
    user = request.auth  # type: ignore[attr-defined]
    notes = read_notes(user, access_case(user, case_id))
    return {"items": [s.NoteOut.build(note, text) for note, text in notes], "count": len(notes)}


@router.post(f"{CASE}/notes", response=_answers(201, s.NoteOut), summary="Add a case note")
@requires_api("case.notes")
def add_note(request: HttpRequest, case_id: uuid.UUID, payload: s.NoteIn) -> Any:
    """Notes are never changed: a correction is a new note."""
    user = request.auth  # type: ignore[attr-defined]
    note = actions.do_add_note(user, access_case(user, case_id), payload.text)
    return Status(201, s.NoteOut.build(note, payload.text))
