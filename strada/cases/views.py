"""Pages of the case record. Thin: forms validate, ``access`` reads, ``actions`` write.

Data managers reach these pages with ``case.view`` only: they get the coded record, never notes,
plan objectives or the client's identity, and the pages do not even call the readers of those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from strada.cases import actions, codes
from strada.cases.access import access_case, access_case_part, read_notes, read_objectives
from strada.cases.forms import (
    CaseForm,
    CloseForm,
    CompensationForm,
    ConfirmForm,
    EventForm,
    LegalForm,
    NoteForm,
    PartForm,
    PerpetratorForm,
    PlanForm,
    ServiceForm,
)
from strada.cases.models import (
    Case,
    Compensation,
    LegalProceeding,
    PerpetratorRole,
    Service,
    SupportPlan,
    TraffickingEvent,
)
from strada.cases.timeline import amount, labels, provider, route_events, route_text
from strada.clients.access import access_client
from strada.clients.codes import Gender
from strada.orgs.policy import can, requires
from strada.web.forms import add_errors


@dataclass(frozen=True)
class PartKind:
    """One kind of row under a case, as the pages show it."""

    model: type[models.Model]
    form: type[PartForm]
    noun: Promise  # "route event", for titles
    anchor: str  # the section of the case page to come back to


PART_KINDS: dict[str, PartKind] = {
    "events": PartKind(TraffickingEvent, EventForm, gettext_lazy("route event"), "route"),
    "perpetrators": PartKind(
        PerpetratorRole, PerpetratorForm, gettext_lazy("perpetrator"), "perpetrators"
    ),
    "services": PartKind(Service, ServiceForm, gettext_lazy("service"), "services"),
    "legal": PartKind(LegalProceeding, LegalForm, gettext_lazy("legal step"), "legal"),
    "compensation": PartKind(
        Compensation, CompensationForm, gettext_lazy("compensation"), "compensation"
    ),
}


def _to_case(case: Case, anchor: str = "") -> HttpResponse:
    response = redirect("cases:detail", case_id=case.id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _saved(request: HttpRequest, changed: list[str]) -> None:
    if changed:
        messages.success(request, _("Changes saved."))
    else:
        messages.info(request, _("Nothing was changed."))


@requires("case.edit")
def case_open(request: HttpRequest, client_id: str) -> HttpResponse:
    client = access_client(request.user, client_id)
    form = CaseForm(
        request.POST or None,
        organisation=client.organisation,
        closed=False,
        initial={"opened_on": timezone.localdate(), "owner": request.user},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.do_open_case(request.user, client, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return _to_case(case)
    return render(request, "cases/case_form.html", {"form": form, "client": client, "case": None})


@requires("case.view")
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    events = route_events(case.events.all())
    services = list(case.services.select_related("provider_organisation", "provider_entry"))
    try:
        plan: SupportPlan | None = case.plan
    except ObjectDoesNotExist:
        plan = None
    notes: list[Any] = []
    objectives = ""
    reads_notes = can(request.user, "case.notes")
    if reads_notes:
        notes = read_notes(request.user, case)
        objectives = read_objectives(request.user, case)
    coded = [
        (_verbose_name(name), ", ".join(labels(choices, getattr(case, name))))
        for name, choices in Case.LIST_FIELDS.items()
    ]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "client": case.client,
            "coded": coded,
            "events": events,
            "route": route_text(events),
            "perpetrators": [
                (p, labels(codes.RoleInProcess, p.role_in_process), labels(Gender, [p.gender])[0])
                for p in case.perpetrators.all()
            ],
            "services": [(s, provider(s)) for s in services],
            "legal_steps": list(case.legal_steps.all()),
            "compensations": [
                (
                    c,
                    *(
                        amount(v, c.currency) if v is not None else ""
                        for v in (c.claimed_amount, c.awarded_amount, c.paid_amount)
                    ),
                )
                for c in case.compensations.all()
            ],
            "plan": plan,
            "reads_notes": reads_notes,
            "objectives": objectives,
            "notes": notes,
            "is_closed": case.status in actions.CLOSED,
        },
    )


def _verbose_name(name: str) -> str:
    field = Case._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def _case_initial(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in actions.CASE_FIELDS}


@requires("case.edit")
def case_edit(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    closed = case.status in actions.CLOSED
    form = CaseForm(
        request.POST or None,
        organisation=case.client.organisation,
        closed=closed,
        initial=_case_initial(case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_update_case(request.user, case, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            _saved(request, changed)
            return _to_case(case)
    return render(
        request, "cases/case_form.html", {"form": form, "client": case.client, "case": case}
    )


@requires("case.close")
def case_close(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    if case.status in actions.CLOSED:
        messages.info(request, _("This case is already closed."))
        return _to_case(case)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_case(request.user, case, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Case closed."))
            return _to_case(case)
    return render(request, "cases/close.html", {"form": form, "case": case})


@requires("case.close")
def case_reopen(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    if case.status not in actions.CLOSED:
        messages.info(request, _("This case is open."))
        return _to_case(case)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_case(request.user, case, status=codes.CaseStatus.ACTIVE)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Case reopened."))
            return _to_case(case)
    return render(request, "cases/reopen.html", {"form": form, "case": case})


def _kind(kind: str) -> PartKind:
    try:
        return PART_KINDS[kind]
    except KeyError as exc:
        raise Http404 from exc


def _next_sequence(case: Case) -> int:
    return max((e.sequence for e in case.events.all()), default=0) + 1


@requires("case.edit")
def part_add(request: HttpRequest, case_id: str, kind: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    part_kind = _kind(kind)
    initial = {"sequence": _next_sequence(case)} if part_kind.model is TraffickingEvent else {}
    form = part_kind.form(request.POST or None, organisation=case.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_part(request.user, case, part_kind.model, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Added."))
            return _to_case(case, part_kind.anchor)
    return render(
        request,
        "cases/part_form.html",
        {"form": form, "case": case, "kind": kind, "part_kind": part_kind, "part": None},
    )


@requires("case.edit")
def part_edit(request: HttpRequest, case_id: str, kind: str, part_id: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    part_kind = _kind(kind)
    part = access_case_part(request.user, case, part_kind.model, part_id)
    initial = {name: getattr(part, name) for name in part_kind.form.base_fields}
    form = part_kind.form(request.POST or None, organisation=case.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_update_part(request.user, part, **form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            _saved(request, changed)
            return _to_case(case, part_kind.anchor)
    return render(
        request,
        "cases/part_form.html",
        {"form": form, "case": case, "kind": kind, "part_kind": part_kind, "part": part},
    )


@requires("case.edit")
def part_remove(request: HttpRequest, case_id: str, kind: str, part_id: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    part_kind = _kind(kind)
    part = access_case_part(request.user, case, part_kind.model, part_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.do_remove_part(request.user, part)
        messages.success(request, _("Removed."))
        return _to_case(case, part_kind.anchor)
    return render(
        request,
        "cases/part_remove.html",
        {"form": form, "case": case, "part_kind": part_kind, "part": part},
    )


@requires("case.notes")
def plan_edit(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                actions.do_set_plan(request.user, case, **form.values())
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Support plan saved."))
                return _to_case(case, "plan")
    else:
        try:
            plan: SupportPlan | None = case.plan
        except ObjectDoesNotExist:
            plan = None
        form = PlanForm(
            initial={
                "objectives": read_objectives(request.user, case),
                "planned_end_date": plan.planned_end_date if plan else None,
                "actual_end_date": plan.actual_end_date if plan else None,
            }
        )
    return render(request, "cases/plan.html", {"form": form, "case": case})


@requires("case.notes")
def note_add(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access_case(request.user, case_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_note(request.user, case, form.cleaned_data["text"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Note added."))
            return _to_case(case, "notes")
    return render(request, "cases/note_add.html", {"form": form, "case": case})
