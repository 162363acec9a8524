"""Writing case histories in batches: ``do_open_cases_batch`` (the batch path of ``do_open_case``,
``do_add_part``, ``do_set_plan``, ``do_add_note`` and the supervisor's closure) and ``add_cases``,
the step of ``strada demo`` that gives every client of an organisation without a case its cases.

The batch action checks what the single actions check (policy, the actor's organisation, unknown
fields, every code through ``full_clean``, the owner, the providers) and writes the rows with bulk
inserts in one transaction. The audit log gets one ``case.open`` event per case by the actor,
naming the case fields and the parts written (never their values), and one ``case.close`` event by
the supervisor who closed it for each case that is already closed. Notes and plan objectives are
encrypted with the client's key, as ``do_add_note`` and ``do_set_plan`` do.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries
from django_countries.fields import CountryField

from strada.audit.log import Entry, record_many
from strada.cases import codes
from strada.cases.access import NOTE_MODEL, PLAN_MODEL
from strada.cases.actions import (
    CASE_FIELDS,
    CLOSED,
    MAX_NOTE_LENGTH,
    check_known_fields,
    check_owner,
    check_provider,
    part_fields,
    require_case_right,
)
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
from strada.demo.caseplans import (
    ClientFacts,
    DemoCase,
    DemoService,
    age_at_registration,
    cases_for,
)
from strada.demo.network import DemoOrg
from strada.directory.models import Entry as DirectoryEntry
from strada.orgs.models import CASE_ORG_KINDS, Organisation

# Clients per transaction: one organisation's new clients at a time, in slices of this size.
BATCH_SIZE = 500

# The name a part goes by in the audit event of its case (the case's related name).
PART_NAMES: dict[type[models.Model], str] = {
    TraffickingEvent: "events",
    PerpetratorRole: "perpetrators",
    Service: "services",
    LegalProceeding: "legal_steps",
    Compensation: "compensations",
}
CLOSURE_FIELDS = ["closed_on", "reason_for_case_closure", "status"]


@dataclass
class CaseInput:
    """One case to open: its fields (``cases.actions.CASE_FIELDS``), the rows under it, its plan
    and its notes (text and when it was written)."""

    client: Client
    values: dict[str, Any]
    parts: list[tuple[type[models.Model], dict[str, Any]]] = field(default_factory=list)
    objectives: str | None = None  # None: no support plan
    planned_end_date: dt.date | None = None
    actual_end_date: dt.date | None = None
    notes: list[tuple[str, dt.datetime]] = field(default_factory=list)


@cache
def _allowed(model: type[models.Model]) -> list[str]:
    return part_fields(model)


@cache
def _unchecked(model: type[models.Model]) -> tuple[list[Any], list[Any]]:
    """The fields ``full_clean`` is spared, checked here instead, faster: (foreign keys, country
    fields). A country field's own check walks all of the world's countries for every row, a
    foreign key's check is a query per row."""
    fields: list[Any] = list(model._meta.concrete_fields)
    return [f for f in fields if f.is_relation], [f for f in fields if isinstance(f, CountryField)]


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


Related = dict[Any, set[Any]]  # foreign key field -> the ids it points to


def _clean(row: models.Model, related: Related) -> None:
    """``full_clean`` as the single actions call it, but with the countries checked against the
    set of codes, and the foreign keys noted in ``related`` for ``_check_related``."""
    fks, country_fields = _unchecked(type(row))
    row.full_clean(exclude=[f.name for f in fks + country_fields], validate_unique=False)
    for country_field in country_fields:
        value = str(getattr(row, country_field.name) or "")
        if (value or not country_field.blank) and value not in _country_codes():
            message = country_field.error_messages["invalid_choice"] % {"value": value}
            raise ValidationError({country_field.name: message})
    for fk in fks:
        value = getattr(row, fk.attname)
        if value is not None and fk.related_model is not Case:  # cases: made in this batch
            related[fk].add(value)


def _check_related(related: Related) -> None:
    """Every row a foreign key points to exists: one query per foreign key, not one per row."""
    for fk, ids in related.items():
        found = set(
            fk.related_model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
        )
        for value in ids - found:
            message = fk.error_messages["invalid"] % {
                "model": fk.related_model._meta.verbose_name,
                "pk": value,
                "field": fk.remote_field.field_name,
                "value": value,
            }
            raise ValidationError({fk.name: message})


def _note_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError({"text": _("This text is too long.")})
    return text


def do_open_cases_batch(
    actor: Any, inputs: Sequence[CaseInput], *, closer: Any = None
) -> tuple[list[Case], Counter[str]]:
    """Open cases for clients of the actor's organisation in one transaction, each with the next
    case number of its client. Cases that are closed already need ``closer``, a supervisor of the
    same organisation (``case.close``). Returns the cases and how many rows of each kind were
    written (``cases``, ``closed``, ``events``, ``services``… ``plans``, ``notes``)."""
    org_id = actor.organisation_id
    require_case_right(actor, "case.edit", org_id)
    if any(item.notes or item.objectives is not None for item in inputs):
        require_case_right(actor, "case.notes", org_id)
    if any(item.values.get("status") in CLOSED for item in inputs):
        require_case_right(closer, "case.close", org_id)
    if any(item.client.organisation_id != org_id for item in inputs):
        raise PermissionDenied
    counts: Counter[str] = Counter()
    cases: list[Case] = []
    parts: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    plans: list[SupportPlan] = []
    notes: list[CaseNote] = []
    entries: list[Entry] = []
    related: Related = defaultdict(set)
    with transaction.atomic():
        client_ids = list(dict.fromkeys(item.client.id for item in inputs))
        list(Client.objects.select_for_update().filter(id__in=client_ids).values_list("id"))
        last: dict[Any, int] = dict(
            Case.objects.filter(client_id__in=client_ids)
            .values("client_id")
            .annotate(n=Max("number"))
            .values_list("client_id", "n")
        )
        for item in inputs:
            client = item.client
            check_known_fields(item.values, CASE_FIELDS)
            values = dict(item.values)
            last[client.id] = number = last.get(client.id, 0) + 1
            case = Case(
                id=uuid.uuid4(), client=client, organisation_id=org_id, number=number,
                opened_on=values.pop("opened_on", None) or timezone.localdate(), **values,
            )  # fmt: skip
            if "owner" not in values:
                case.owner = actor
            _clean(case, related)
            check_owner(case)
            cases.append(case)
            written = [k for k, v in item.values.items() if v not in ("", None, [])]
            for model, part_values in item.parts:
                check_known_fields(part_values, _allowed(model))
                part = model(id=uuid.uuid4(), case=case, **part_values)
                _clean(part, related)
                if isinstance(part, Service):
                    check_provider(part)
                parts[model].append(part)
                written.append(PART_NAMES[model])
            if item.objectives is not None:
                plan = SupportPlan(
                    case=case,
                    objectives_enc=seal_text(
                        client, PLAN_MODEL, "objectives", case.id, item.objectives
                    )
                    if item.objectives
                    else None,
                    planned_end_date=item.planned_end_date,
                    actual_end_date=item.actual_end_date,
                )
                plan.full_clean(exclude=["case"], validate_unique=False)
                plans.append(plan)
                written.append("plan")
            for text, written_at in item.notes:
                note = CaseNote(id=uuid.uuid4(), case=case, author=actor, written_at=written_at)
                note.text_enc = seal_text(client, NOTE_MODEL, "text", note.id, _note_text(text))
                notes.append(note)
                written.append("notes")
            entries.append(
                Entry(action="case.open", actor=actor, org_id=org_id, object_type="case",
                      object_id=case.id, fields=sorted(set(written) - set(CLOSURE_FIELDS)))
            )  # fmt: skip
            if case.status in CLOSED:
                entries.append(
                    Entry(action="case.close", actor=closer, org_id=org_id, object_type="case",
                          object_id=case.id, fields=CLOSURE_FIELDS)
                )  # fmt: skip
                counts["closed"] += 1
        _check_related(related)
        Case.objects.bulk_create(cases)
        for model, rows in parts.items():
            model._default_manager.bulk_create(rows)
            counts[PART_NAMES[model]] += len(rows)
        SupportPlan.objects.bulk_create(plans)
        when = {note.id: note.written_at for note in notes}
        CaseNote.objects.bulk_create(notes)  # stamps written_at with now (auto_now_add)…
        for note in notes:
            note.written_at = when[note.id]
        CaseNote.objects.bulk_update(notes, ["written_at"])  # …so put back when it was written
        record_many(entries)
    counts.update(cases=len(cases), plans=len(plans), notes=len(notes))
    return cases, counts


# Which directory entries give a service: those that list one of these services (directory
# ``ServiceOffered`` codes) or, for an entry that lists none, those of the kind the plan asks for.
DIRECTORY_SERVICES: dict[str, tuple[str, ...]] = {
    codes.ServiceType.SAFE_ACCOMMODATION: ("shelter",),
    codes.ServiceType.MEDICAL: ("medical",),
    codes.ServiceType.PSYCHOLOGICAL: ("psychological",),
    codes.ServiceType.LEGAL_COUNSELLING: ("legal_aid",),
    codes.ServiceType.LEGAL_REPRESENTATION: ("legal_aid",),
    codes.ServiceType.INTERPRETATION: ("interpretation",),
    codes.ServiceType.MATERIAL: ("financial",),
    codes.ServiceType.FINANCIAL: ("financial",),
    codes.ServiceType.RETURN: ("return",),
    codes.ServiceType.REINTEGRATION: ("reintegration",),
    codes.ServiceType.SOCIAL_CARE: ("social",),
    codes.ServiceType.EDUCATION: ("social",),
    codes.ServiceType.LIVELIHOOD: ("labour_rights", "social"),
}


@dataclass
class Providers:
    """Who besides the organisation itself can be named as a provider: the active organisations of
    the network (by code) and the active directory entries (by country)."""

    network: dict[str, Organisation]
    directory: dict[str, list[DirectoryEntry]]

    @classmethod
    def load(cls) -> Providers:
        network = {
            org.code: org
            for org in Organisation.objects.filter(active=True, kind__in=CASE_ORG_KINDS)
        }
        directory: dict[str, list[DirectoryEntry]] = defaultdict(list)
        for entry in DirectoryEntry.objects.filter(active=True).order_by("country", "name", "id"):
            directory[str(entry.country)].append(entry)
        return cls(network, dict(directory))

    def entry_for(self, country: str, service: DemoService) -> DirectoryEntry | None:
        offered = DIRECTORY_SERVICES.get(service.type, ())
        fitting = [
            entry
            for entry in self.directory.get(country, ())
            if (
                set(offered) & set(listed)
                if (listed := getattr(entry, "services", None))
                else entry.kind == service.directory_kind
            )
        ]
        return fitting[int(service.pick * len(fitting))] if fitting else None

    def provider(self, org: Organisation, service: DemoService) -> dict[str, Any]:
        """The service's provider fields; the organisation itself when the one wanted is missing."""
        if service.provider_kind == codes.ProviderKind.NETWORK:
            other = self.network.get(service.provider_code)
            if other is not None and other.id != org.id:
                return {"provider_kind": service.provider_kind, "provider_organisation": other}
        if service.provider_kind == codes.ProviderKind.DIRECTORY:
            entry = self.entry_for(str(org.country), service)
            if entry is not None:
                return {"provider_kind": service.provider_kind, "provider_entry": entry}
        return {"provider_kind": codes.ProviderKind.OWN}


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def case_input(
    client: Client, org: Organisation, case: DemoCase, providers: Providers
) -> CaseInput:
    """A generated case as the batch action takes it."""
    item = CaseInput(client=client, values=dict(case.values))
    for event_no, event in enumerate(case.events):
        item.parts.append((TraffickingEvent, {"type": event.type, "country": event.country,
                                              "city": event.city, "date": event.date,
                                              "sequence": event_no}))  # fmt: skip
    for perpetrator in case.perpetrators:
        item.parts.append((PerpetratorRole, {"role_in_process": list(perpetrator.role_in_process),
                                             "gender": perpetrator.gender,
                                             "citizenship": perpetrator.citizenship}))  # fmt: skip
    for service in case.services:
        item.parts.append((Service, {"type": service.type, "start_date": service.start_date,
                                     "end_date": service.end_date, "outcome": service.outcome,
                                     **providers.provider(org, service)}))  # fmt: skip
    for step in case.legal_steps:
        item.parts.append((LegalProceeding, {"step": step.step, "country": step.country,
                                             "start_date": step.start_date,
                                             "end_date": step.end_date,
                                             "outcome": step.outcome}))  # fmt: skip
    for claim in case.compensations:
        item.parts.append((Compensation, {"route": claim.route, "currency": claim.currency,
                                          "claimed_amount": claim.claimed_amount,
                                          "claimed_on": claim.claimed_on,
                                          "awarded_amount": claim.awarded_amount,
                                          "awarded_on": claim.awarded_on,
                                          "paid_amount": claim.paid_amount,
                                          "paid_on": claim.paid_on}))  # fmt: skip
    if case.plan is not None:
        item.objectives = case.plan.objectives
        item.planned_end_date = case.plan.planned_end_date
        item.actual_end_date = case.plan.actual_end_date
    item.notes = [(note.text, _noon(note.written_on)) for note in case.notes]
    return item


def facts_of(client: Client) -> ClientFacts:
    return ClientFacts(
        reference=client.reference,
        registered_on=client.registered_on,
        gender=client.gender,
        citizenship=(client.citizenship or [""])[0],
        age=age_at_registration(client.registered_on, client.birth_year, client.age_band),
    )


def clients_without_cases(org: Organisation) -> list[Client]:
    """The organisation's clients that have no case yet, oldest registration first."""
    clients = list(
        Client.objects.filter(organisation=org)
        .filter(~Exists(Case.objects.filter(client=OuterRef("pk"))))
        .order_by("registered_on", "reference")
    )
    for client in clients:
        client.organisation = org  # for the client key, without a query per client
    return clients


def add_cases(
    demo_org: DemoOrg,
    clients: Sequence[Client],
    caseworker: Any,
    supervisor: Any,
    *,
    seed: int,
    today: dt.date,
    providers: Providers,
) -> Counter[str]:
    """Give these clients (of one organisation, without cases: ``clients_without_cases``) their
    demo cases, opened by the caseworker and, when already closed, closed by the supervisor, one
    transaction per slice of clients. Returns the counts written."""
    counts: Counter[str] = Counter()
    org = caseworker.organisation
    for start in range(0, len(clients), BATCH_SIZE):
        inputs = [
            case_input(client, org, case, providers)
            for client in clients[start : start + BATCH_SIZE]
            for case in cases_for(seed, demo_org, facts_of(client), today)
        ]
        _cases, written = do_open_cases_batch(caseworker, inputs, closer=supervisor)
        counts.update(written)
    return counts
