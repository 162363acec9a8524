"""A client's cases as one chronological story, and a case's route as one readable line.

Pure presentation over rows the caller has already reached through ``cases.access`` and
prefetched (``client_cases``): nothing here queries or decrypts. Note texts come in from the caller,
who reads them with ``read_notes`` only for roles allowed ``case.notes``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from strada.cases import codes
from strada.cases.access import visible_cases
from strada.cases.models import Case, CaseNote, Service, TraffickingEvent
from strada.clients.models import Client


def client_cases(user: Any, client: Client) -> models.QuerySet[Case]:
    """The client's cases this user may see, with everything the timeline shows, in a fixed
    number of queries however many cases and rows there are. Note texts stay encrypted (deferred)."""
    return (
        visible_cases(user)
        .filter(client=client)
        .order_by("number")
        .prefetch_related(
            "events",
            Prefetch(
                "services",
                queryset=Service.objects.select_related("provider_organisation", "provider_entry"),
            ),
            "legal_steps",
            "compensations",
            Prefetch("notes", queryset=CaseNote.objects.defer("text_enc").order_by("written_at")),
        )
    )


def case_row(case: Case) -> dict[str, Any]:
    """A line of the client's list of cases."""
    return {
        "case": case,
        "closed": case.status in (codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED),
        "exploitation": labels(codes.TypeOfExploitation, case.type_of_exploitation),
        "route": route_text(case.events.all()),
    }


def labels(choices: Any, values: Iterable[str]) -> list[str]:
    """The labels of a multi-value code field, in the code list's order (unknown codes as is)."""
    known = dict(choices.choices)
    return [str(known.get(value, value)) for value in values]


def route_events(events: Iterable[TraffickingEvent]) -> list[TraffickingEvent]:
    """The legs in route order: the given order first, then the date."""
    return sorted(events, key=lambda e: (e.sequence, e.date or dt.date.max))


def place(event: TraffickingEvent) -> str:
    return ", ".join(part for part in (event.country.code, event.city) if part)


def route_text(events: Iterable[TraffickingEvent]) -> str:
    """``Recruitment: BG, Sofia → Transit: RO → Exploitation: NL, Rotterdam``."""
    return " → ".join(f"{e.get_type_display()}: {place(e)}" for e in route_events(events))


def provider(service: Service) -> str:
    if service.provider_kind == codes.ProviderKind.NETWORK and service.provider_organisation:
        return service.provider_organisation.name
    if service.provider_kind == codes.ProviderKind.DIRECTORY and service.provider_entry:
        return service.provider_entry.name
    return str(codes.ProviderKind.OWN.label)


def amount(value: Decimal, currency: str) -> str:
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} {currency}"


@dataclass(frozen=True)
class Moment:
    """One line of the timeline."""

    date: dt.date
    kind: str  # case, event, service, legal, compensation, note: the template's CSS hook
    title: str
    detail: str
    case: Case
    rank: int  # orders the moments of one day: opening first, closing last

    @property
    def key(self) -> tuple[dt.date, int, int]:
        return (self.date, self.case.number, self.rank)


def timeline(cases: Iterable[Case], note_texts: dict[uuid.UUID, str] | None = None) -> list[Moment]:
    """Everything that happened in these cases, oldest first. With ``note_texts`` (roles that may
    read notes) a note shows its text; without, only that a note was written that day."""
    moments: list[Moment] = []
    for case in cases:
        moments.extend(_case_moments(case, note_texts))
    return sorted(moments, key=lambda m: m.key)


def _case_moments(case: Case, note_texts: dict[uuid.UUID, str] | None) -> list[Moment]:
    def at(date: dt.date, kind: str, title: str, detail: str = "", rank: int = 5) -> Moment:
        return Moment(date, kind, title, detail, case, rank)

    number = {"number": case.number}
    moments = [
        at(
            case.opened_on,
            "case",
            _("Case %(number)s opened") % number,
            ", ".join(labels(codes.TypeOfExploitation, case.type_of_exploitation)),
            rank=0,
        ),
    ]
    if case.closed_on:
        moments.append(
            at(
                case.closed_on,
                "case",
                _("Case %(number)s closed") % number,
                case.get_reason_for_case_closure_display(),
                rank=9,
            )
        )
    for event in case.events.all():
        if event.date:
            moments.append(at(event.date, "event", event.get_type_display(), place(event), rank=1))
    for service in case.services.all():
        name = service.get_type_display()
        moments.append(
            at(
                service.start_date,
                "service",
                _("Service started: %(service)s") % {"service": name},
                provider(service),
                rank=2,
            )
        )
        if service.end_date:
            moments.append(
                at(
                    service.end_date,
                    "service",
                    _("Service ended: %(service)s") % {"service": name},
                    service.get_outcome_display(),
                    rank=8,
                )
            )
    for step in case.legal_steps.all():
        name = step.get_step_display()
        moments.append(at(step.start_date, "legal", name, step.country.code, rank=3))
        if step.end_date:
            moments.append(
                at(
                    step.end_date,
                    "legal",
                    _("%(step)s ended") % {"step": name},
                    step.get_outcome_display(),
                    rank=7,
                )
            )
    for comp in case.compensations.all():
        route = comp.get_route_display()
        for date, value, title in (
            (comp.claimed_on, comp.claimed_amount, _("Compensation claimed")),
            (comp.awarded_on, comp.awarded_amount, _("Compensation awarded")),
            (comp.paid_on, comp.paid_amount, _("Compensation paid")),
        ):
            if date:
                shown = amount(value, comp.currency) if value is not None else ""
                moments.append(
                    at(date, "compensation", title, " · ".join(p for p in (shown, route) if p), 4)
                )
    for note in case.notes.all():
        text = note_texts.get(note.id, "") if note_texts is not None else ""
        moments.append(
            at(timezone.localdate(note.written_at), "note", _("Note written"), text, rank=6)
        )
    return moments
