"""The organisation's audit log, for its organisation admin."""

from __future__ import annotations

from typing import cast

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from strada.accounts.models import User
from strada.audit.forms import AuditFilterForm
from strada.audit.models import AuditEvent
from strada.clients.access import references_for_audit
from strada.orgs.policy import requires

PAGE_SIZE = 50


@requires("org.audit")
def org_log(request: HttpRequest) -> HttpResponse:
    """Events on the organisation's objects and events by its people, newest first.

    The events hold ids and field names only, so this page shows no personal data.
    """
    org_id = cast(User, request.user).organisation_id
    events = AuditEvent.objects.filter(Q(org_id=org_id) | Q(actor_org_id=org_id))
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"].strip():
            events = events.filter(action__startswith=data["action"].strip())
        if data["user"].strip():
            events = events.filter(actor_username__icontains=data["user"].strip())
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    elif form.is_bound:
        events = events.none()
    page = Paginator(events.order_by("-seq"), PAGE_SIZE).get_page(request.GET.get("page"))
    client_ids = [e.object_id for e in page.object_list if e.object_type == "client"]
    references = references_for_audit(request.user, client_ids)
    rows = [(event, references.get(event.object_id)) for event in page.object_list]
    return render(
        request,
        "audit/org_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": any(request.GET.get(k) for k in form.fields),
        },
    )
