"""Views for the row-level security tests only (``pytest.mark.urls``): each one forgets the first
wall on purpose and reads or writes case-plane tables with the raw ORM, as a careless view would."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

import strada.urls
from strada.cases.models import Case, CaseNote, SupportPlan
from strada.clients.models import Client, Consent, SearchToken
from strada.orgs import rls
from strada.referrals.models import DuplicateAlert, LinkageToken, Referral
from strada.sharing.models import ImportJob

# What each table shows, as organisation ids (a case part: its case's organisation).
TABLES: dict[str, tuple[type[Model], str]] = {
    "clients": (Client, "organisation_id"),
    "consents": (Consent, "organisation_id"),
    "search_tokens": (SearchToken, "organisation_id"),
    "cases": (Case, "organisation_id"),
    "notes": (CaseNote, "case__organisation_id"),
    "plans": (SupportPlan, "case__organisation_id"),
    "import_jobs": (ImportJob, "organisation_id"),
    "referrals_sent_by": (Referral, "sender_id"),
    "alerts_org_a": (DuplicateAlert, "org_a_id"),
    "linkage_tokens": (LinkageToken, "organisation_id"),
}


def seen() -> dict[str, list[str]]:
    """For each table, the organisations of the rows the connection may read."""
    return {
        name: sorted({str(org) for org in model._default_manager.values_list(column, flat=True)})
        for name, (model, column) in TABLES.items()
    }


def read(request: HttpRequest) -> JsonResponse:
    return JsonResponse(seen())


def consents(request: HttpRequest) -> JsonResponse:
    rows = Consent.objects.order_by().values_list("organisation_id", "purpose")
    return JsonResponse({"consents": sorted([str(org), purpose] for org, purpose in rows)})


def _raw_delete_consents(client: uuid.UUID) -> int:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clients_consent WHERE client_id = %s", [client])
        return int(cursor.rowcount)


def read_as_system(request: HttpRequest) -> JsonResponse:
    with rls.system():
        inside = seen()
    return JsonResponse({"inside": inside, "after": seen()})


def stream(request: HttpRequest) -> StreamingHttpResponse:
    def body() -> Iterator[str]:
        yield ",".join(seen()["clients"])

    return StreamingHttpResponse(body())


def _attempt(write: Any) -> str:
    """``refused`` when the database refuses the write, else the number of rows it changed."""
    try:
        with transaction.atomic():
            changed = write()
    except DatabaseError:
        return "refused"
    return str(changed)


def _insert(model: type[Model], **values: Any) -> int:
    model._default_manager.create(**values)
    return 1


@csrf_exempt
def write(request: HttpRequest) -> JsonResponse:
    """Try to change the rows of the organisation ``other``: its client ``client`` and case
    ``case``; and to move the caller's own client ``own`` to it. The case is deleted last."""
    other, client, case, own = (
        uuid.UUID(request.POST[key]) for key in ("other", "client", "case", "own")
    )
    today = dt.date(2026, 3, 2)
    return JsonResponse(
        {
            "update_client": _attempt(
                lambda: Client.objects.filter(id=client).update(reference="RLS-UPDATED")
            ),
            "insert_client": _attempt(
                lambda: _insert(Client, organisation_id=other, reference="RLS-NEW",
                                registered_on=today, wrapped_key=b"k")
            ),
            "insert_case": _attempt(
                lambda: _insert(Case, client_id=client, organisation_id=other, number=99,
                                opened_on=today)
            ),
            "insert_consent": _attempt(
                lambda: _insert(Consent, client_id=client, organisation_id=other,
                                purpose="statistics", given_on=today, wording_version="1",
                                language="en")
            ),
            "insert_note": _attempt(
                lambda: _insert(CaseNote, case_id=case, text_enc=b"not really a note")
            ),
            "update_consents": _attempt(
                lambda: Consent.objects.filter(client_id=client).update(language="xx")
            ),
            "delete_consents": _attempt(lambda: _raw_delete_consents(client)),
            "move_own_client": _attempt(
                lambda: Client.objects.filter(id=own).update(organisation_id=other)
            ),
            "delete_linkage_tokens": _attempt(
                lambda: LinkageToken.objects.filter(client_id=client).delete()[0]
            ),
            "delete_case": _attempt(lambda: Case.objects.filter(id=case).delete()[0]),
        }
    )  # fmt: skip


urlpatterns = [
    *strada.urls.urlpatterns,  # the application's own, for the links its actions reverse
    path("rls/read", read),
    path("rls/consents", consents),
    path("rls/system", read_as_system),
    path("rls/stream", stream),
    path("rls/write", write),
]
