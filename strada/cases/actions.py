"""Changes to cases and everything under them. Each ``do_*`` is one transaction with its audit event.

Security contract: the caller reached the client or case through ``clients.access`` /
``cases.access``; each action checks the policy again and that the actor belongs to the case's
organisation. Closing and reopening a case is the supervisor's (``case.close``). Audit events name
the fields that changed, never their values; notes and objectives are stored encrypted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from strada.audit.log import Entry, record
from strada.cases import codes
from strada.cases.access import NOTE_MODEL, PLAN_MODEL
from strada.cases.models import (
    Case,
    CaseNote,
    Compensation,
    LegalProceeding,
    PerpetratorRole,
    Service,
    SupportPlan,
    TraffickingEvent,
)
from strada.clients.identity import seal_text
from strada.clients.models import Client
from strada.orgs.models import CASE_ORG_KINDS, Organisation
from strada.orgs.policy import can

CASE_FIELDS = [
    "opened_on", "owner", "trafficking_status", "trafficking_status_decision_making_org",
    "identification_date", "identification_actor", "relationship_to_trafficker",
    "age_when_trafficked", "recruitment_websites_and_apps", "method_of_recruitment",
    "methods_of_control", "type_of_exploitation", "forced_labour_industry",
    "type_of_sex_exploitation", "exploitation_websites_and_apps", "vulnerabilities", "status",
    "closed_on", "reason_for_case_closure",
]  # fmt: skip
CLOSED = {codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED}

# The rows under a case, by the name their audit events use.
PARTS: dict[type[models.Model], str] = {
    TraffickingEvent: "event",
    PerpetratorRole: "perpetrator",
    Service: "service",
    LegalProceeding: "legal",
    Compensation: "compensation",
}
MAX_NOTE_LENGTH = 20_000


def part_fields(model: type[models.Model]) -> list[str]:
    """The fields of a case part that actions may set."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in {"id", "case"} and getattr(f, "editable", True)
    ]


def require_case_right(actor: Any, action: str, organisation_id: Any) -> None:
    if not can(actor, action) or actor.organisation_id != organisation_id:
        raise PermissionDenied


def check_known_fields(values: dict[str, Any], allowed: list[str]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s") % {"names": ", ".join(unknown)})


def check_owner(case: Case) -> None:
    if case.owner is not None and (
        case.owner.organisation_id != case.organisation_id or not can(case.owner, "case.edit")
    ):
        raise ValidationError(
            {"owner": _("The owner must be a caseworker or supervisor of your organisation.")}
        )


def check_provider(service: Service) -> None:
    org = service.provider_organisation
    if org is not None and (not org.active or org.kind not in CASE_ORG_KINDS):
        raise ValidationError(
            {"provider_organisation": _("Choose an active organisation of the network.")}
        )
    entry = service.provider_entry
    if entry is not None and not entry.active:
        raise ValidationError({"provider_entry": _("This directory entry is no longer active.")})
    if service.provider_kind != codes.ProviderKind.NETWORK:
        service.provider_organisation = None
    if service.provider_kind != codes.ProviderKind.DIRECTORY:
        service.provider_entry = None


def _audit(actor: Any, action: str, case: Case, fields: list[str]) -> None:
    record(Entry(action=action, actor=actor, org_id=case.organisation_id, object_type="case",
                 object_id=case.id, fields=sorted(fields)))  # fmt: skip


def do_open_case(actor: Any, client: Client, **values: Any) -> Case:
    """Open a new case for a client of the actor's organisation; it gets the next case number."""
    require_case_right(actor, "case.edit", client.organisation_id)
    check_known_fields(values, CASE_FIELDS)
    if values.get("status") in CLOSED and not can(actor, "case.close"):
        raise PermissionDenied
    with transaction.atomic():
        Client.objects.select_for_update().filter(id=client.id).first()
        last = Case.objects.filter(client=client).aggregate(n=Max("number"))["n"] or 0
        case = Case(
            id=uuid.uuid4(), client=client, organisation_id=client.organisation_id, number=last + 1,
            opened_on=values.pop("opened_on", None) or timezone.localdate(), **values,
        )  # fmt: skip
        if "owner" not in values:
            case.owner = actor
        case.full_clean(exclude=["client", "organisation"], validate_unique=False)
        check_owner(case)
        case.save()
        _audit(actor, "case.open", case, [k for k, v in values.items() if v not in ("", None, [])])
    return case


def do_update_case(actor: Any, case: Case, **values: Any) -> list[str]:
    """Change fields of a case; closing or reopening it needs ``case.close``."""
    require_case_right(actor, "case.edit", case.organisation_id)
    check_known_fields(values, CASE_FIELDS)
    with transaction.atomic():
        # No join in the locking query: PostgreSQL cannot lock the nullable side of an outer join.
        locked = Case.objects.select_for_update().get(id=case.id)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return []
        was_closed = locked.status in CLOSED
        for name in changed:
            setattr(locked, name, values[name])
        now_closed = locked.status in CLOSED
        if was_closed != now_closed and not can(actor, "case.close"):
            raise PermissionDenied
        if was_closed and not now_closed:
            locked.closed_on = None
            locked.reason_for_case_closure = ""
        locked.full_clean(exclude=["client", "organisation"], validate_unique=False)
        check_owner(locked)
        locked.save()
        action = "case.edit"
        if was_closed != now_closed:
            action = "case.close" if now_closed else "case.reopen"
        _audit(actor, action, locked, changed)
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(locked, field.attname))
    return changed


def do_add_part(actor: Any, case: Case, model: type[models.Model], **values: Any) -> Any:
    """Add a row under a case: a route event, a perpetrator, a service, a legal step, a compensation."""
    require_case_right(actor, "case.edit", case.organisation_id)
    check_known_fields(values, part_fields(model))
    with transaction.atomic():
        part = model(id=uuid.uuid4(), case=case, **values)
        _validate_part(part)
        part.save()
        _audit(actor, f"case.{PARTS[model]}.add", case, list(values))
    return part


def do_update_part(actor: Any, part: Any, **values: Any) -> list[str]:
    case = part.case
    require_case_right(actor, "case.edit", case.organisation_id)
    check_known_fields(values, part_fields(type(part)))
    with transaction.atomic():
        changed = [name for name, value in values.items() if getattr(part, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(part, name, values[name])
        _validate_part(part)
        part.save()
        _audit(actor, f"case.{PARTS[type(part)]}.edit", case, changed)
    return changed


def do_remove_part(actor: Any, part: Any) -> None:
    case = part.case
    require_case_right(actor, "case.edit", case.organisation_id)
    with transaction.atomic():
        part.delete()
        _audit(actor, f"case.{PARTS[type(part)]}.remove", case, [])


def _validate_part(part: Any) -> None:
    part.full_clean(exclude=["case"], validate_unique=False)
    if isinstance(part, Service):
        check_provider(part)


def do_set_plan(
    actor: Any,
    case: Case,
    *,
    objectives: str,
    planned_end_date: dt.date | None,
    actual_end_date: dt.date | None,
) -> SupportPlan:
    """Write the case's support plan; the objectives are encrypted with the client's key."""
    require_case_right(actor, "case.notes", case.organisation_id)
    if len(objectives) > MAX_NOTE_LENGTH:
        raise ValidationError({"objectives": _("This text is too long.")})
    with transaction.atomic():
        plan, _created = SupportPlan.objects.get_or_create(case=case)
        plan.objectives_enc = (
            seal_text(case.client, PLAN_MODEL, "objectives", case.id, objectives)
            if objectives
            else None
        )
        plan.planned_end_date = planned_end_date
        plan.actual_end_date = actual_end_date
        plan.full_clean(exclude=["case"], validate_unique=False)
        plan.save()
        _audit(actor, "case.plan.edit", case, ["objectives", "planned_end_date", "actual_end_date"])
    return plan


def do_add_note(actor: Any, case: Case, text: str) -> CaseNote:
    """Add a case note (encrypted). Notes are never edited: a correction is a new note."""
    require_case_right(actor, "case.notes", case.organisation_id)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError({"text": _("This text is too long.")})
    with transaction.atomic():
        note = CaseNote(id=uuid.uuid4(), case=case, author=actor)
        note.text_enc = seal_text(case.client, NOTE_MODEL, "text", note.id, text)
        note.save()
        _audit(actor, "case.note.add", case, ["notes"])
    return note


def network_providers(organisation: Organisation) -> models.QuerySet[Organisation]:
    """Organisations of the network a service may be given by (for forms and schemas)."""
    return Organisation.objects.filter(active=True, kind__in=CASE_ORG_KINDS).exclude(
        id=organisation.id
    )
