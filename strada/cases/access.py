"""Checked reads of cases and everything under them.

Security contract: a user reaches the cases of their own organisation only, in a role allowed
``case.view`` (data managers included: they see coded fields); missing and forbidden both raise
Http404. Notes and plan objectives are decrypted only by ``read_notes`` / ``read_objectives`` for
roles allowed ``case.notes``, and every such read is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404

from strada.audit.log import Entry, record_many, record_now
from strada.cases.models import Case, CaseNote, SupportPlan
from strada.clients.access import _as_uuid
from strada.clients.identity import unseal_text
from strada.clients.models import Client
from strada.orgs.policy import can

M = TypeVar("M", bound=models.Model)

NOTE_MODEL = "cases.CaseNote"
PLAN_MODEL = "cases.SupportPlan"


def visible_cases(user: Any) -> models.QuerySet[Case]:
    """The cases this user may see: their organisation's, for roles allowed ``case.view``."""
    if not can(user, "case.view"):
        return Case.objects.none()
    return Case.objects.filter(organisation_id=user.organisation_id)


def access_case(user: Any, case_id: Any) -> Case:
    """The case with this id if the user may see it; Http404 otherwise (missing or forbidden)."""
    case = (
        visible_cases(user)
        .select_related("client", "client__organisation", "owner")
        .filter(id=_as_uuid(case_id))
        .first()
    )
    if case is None:
        raise Http404
    return case


def access_case_part(user: Any, case: Case, model: type[M], part_id: Any) -> M:
    """A row under a case the user has already reached (an event, a service…); Http404 otherwise."""
    part = model._default_manager.filter(case=case, id=_as_uuid(part_id)).first()
    if part is None:
        raise Http404
    return part


def read_notes(user: Any, case: Case) -> list[tuple[CaseNote, str]]:
    """The case's notes, decrypted, newest first; one audit event for the read."""
    if not can(user, "case.notes") or case.organisation_id != user.organisation_id:
        raise PermissionDenied
    notes = list(case.notes.select_related("author").order_by("-written_at"))
    texts = [
        (note, unseal_text(case.client, NOTE_MODEL, "text", note.id, note.text_enc))
        for note in notes
    ]
    if notes:
        record_now(
            Entry(
                action="case.notes.read",
                actor=user,
                org_id=case.organisation_id,
                object_type="case",
                object_id=case.id,
                fields=["notes"],
            )
        )
    return texts


def read_client_notes(user: Any, client: Client, cases: Iterable[Case]) -> dict[uuid.UUID, str]:
    """Note texts of a client's cases, by note id (the client's timeline): one query however many
    cases, one audit event per case whose notes were read, all in one transaction."""
    if not can(user, "case.notes") or client.organisation_id != user.organisation_id:
        raise PermissionDenied
    ids = [case.id for case in cases if case.client_id == client.id]
    notes = list(CaseNote.objects.filter(case_id__in=ids).only("id", "case_id", "text_enc"))
    texts = {n.id: unseal_text(client, NOTE_MODEL, "text", n.id, n.text_enc) for n in notes}
    read = sorted({note.case_id for note in notes})
    if read:
        with transaction.atomic():
            record_many(
                [
                    Entry(action="case.notes.read", actor=user, org_id=client.organisation_id,
                          object_type="case", object_id=case_id, fields=["notes"])
                    for case_id in read
                ]
            )  # fmt: skip
    return texts


def read_objectives(user: Any, case: Case) -> str:
    """The support plan's objectives, decrypted and audited ("" when there are none)."""
    if not can(user, "case.notes") or case.organisation_id != user.organisation_id:
        raise PermissionDenied
    plan = SupportPlan.objects.filter(case=case).first()
    if plan is None or plan.objectives_enc is None:
        return ""
    text = unseal_text(case.client, PLAN_MODEL, "objectives", case.id, plan.objectives_enc)
    record_now(
        Entry(
            action="case.plan.read",
            actor=user,
            org_id=case.organisation_id,
            object_type="case",
            object_id=case.id,
            fields=["objectives"],
        )
    )
    return text
