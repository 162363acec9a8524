"""Pages of the client register. Thin: forms validate, ``access`` reads, ``actions`` write."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from strada.audit.models import AuditEvent
from strada.cases.access import read_client_notes
from strada.cases.models import Case
from strada.cases.timeline import case_row, client_cases, timeline
from strada.clients import actions
from strada.clients.access import (
    access_client,
    access_client_for_audit,
    access_consent,
    read_identities,
    read_identity,
    search_clients,
)
from strada.clients.forms import (
    ClientFilterForm,
    ClientForm,
    ConsentForm,
    RegistrationForm,
    WithdrawConsentForm,
)
from strada.clients.identity import Identity
from strada.clients.models import Client
from strada.orgs.policy import can, requires
from strada.web.forms import add_errors


@requires("client.list")
def client_list(request: HttpRequest) -> HttpResponse:
    form = ClientFilterForm(request.GET or None)
    clients = search_clients(request.user, "")
    if form.is_valid():
        data = form.cleaned_data
        clients = search_clients(request.user, data["q"])
        if data["gender"]:
            clients = clients.filter(gender=data["gender"])
        if data["citizenship_country"]:
            clients = clients.filter(citizenship__icontains=f'"{data["citizenship_country"]}"')
        if data["year"]:
            clients = clients.filter(registered_on__year=data["year"])
        if data["consent"]:
            clients = clients.filter(
                consents__purpose=data["consent"], consents__withdrawn_on__isnull=True
            ).distinct()
    elif form.is_bound:
        clients = clients.none()
    paginator = Paginator(clients.select_related("organisation"), settings.STRADA_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    identities = read_identities(request.user, rows, reason="list")
    return render(
        request,
        "clients/list.html",
        {
            "form": form,
            "page": page,
            "rows": [(client, identities.get(client.id)) for client in rows],
            "shows_names": can(request.user, "client.view_identity"),
            "filtered": any(request.GET.get(k) for k in form.fields),
        },
    )


@requires("client.register")
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration = actions.Registration(
            identity=form.identity(),
            coded=form.coded(),
            registered_on=data["registered_on"],
            consents=[
                actions.ConsentInput(
                    purpose=purpose,
                    given_on=data["registered_on"],
                    wording_version=data["consent_wording_version"],
                    language=data["consent_language"],
                    form=data["consent_form"],
                )
                for purpose in data["consents"]
            ],
        )
        try:
            client = actions.do_register_client(request.user, registration)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Client registered with reference %(ref)s.") % {"ref": client.reference}
            )
            return redirect("clients:detail", client_id=client.id)
    return render(request, "clients/register.html", {"form": form})


@requires("client.view")
def detail(request: HttpRequest, client_id: str) -> HttpResponse:
    client = access_client(request.user, client_id)
    identity = None
    if can(request.user, "client.view_identity"):
        identity = read_identity(request.user, client, reason="detail")
    consents = client.consents.select_related("recipient").order_by("purpose", "-given_on")
    cases = list(client_cases(request.user, client))
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "identity": identity,
            "consents": consents,
            "cases": [case_row(case) for case in cases],
            "timeline": timeline(cases, _note_texts(request.user, client, cases)),
        },
    )


def _note_texts(user: Any, client: Client, cases: list[Case]) -> dict[uuid.UUID, str] | None:
    """Note texts for roles allowed to read notes (None for the others: the timeline then shows
    only that a note was written). One query, one audit event per case whose notes were read."""
    if not can(user, "case.notes"):
        return None
    return read_client_notes(user, client, cases)


def _initial_from(client: Client, identity: Identity) -> dict[str, Any]:
    initial = {name: getattr(identity, name) for name in Identity.field_names()}
    initial.update({name: getattr(client, name) for name in actions.CODED_FIELDS})
    return initial


@requires("client.edit")
def edit(request: HttpRequest, client_id: str) -> HttpResponse:
    client = access_client(request.user, client_id)
    if request.method == "POST":
        form = ClientForm(request.POST)
        if form.is_valid():
            try:
                changed = actions.do_edit_client(
                    request.user, client, identity=form.identity(), coded=form.coded()
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                if changed:
                    messages.success(request, _("Changes saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("clients:detail", client_id=client.id)
    else:
        identity = read_identity(request.user, client, reason="edit")
        form = ClientForm(initial=_initial_from(client, identity))
    return render(request, "clients/edit.html", {"form": form, "client": client})


@requires("consent.record")
def consent_add(request: HttpRequest, client_id: str) -> HttpResponse:
    client = access_client(request.user, client_id)
    form = ConsentForm(request.POST or None, organisation=client.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_consent(
                request.user,
                client,
                actions.ConsentInput(
                    purpose=data["purpose"],
                    given_on=data["given_on"],
                    wording_version=data["wording_version"],
                    language=data["language"],
                    form=data["form"],
                    recipient=data["recipient"],
                ),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("clients:detail", client_id=client.id)
    return render(request, "clients/consent_add.html", {"form": form, "client": client})


@requires("consent.withdraw")
def consent_withdraw(request: HttpRequest, client_id: str, consent_id: str) -> HttpResponse:
    client = access_client(request.user, client_id)
    consent = access_consent(request.user, client, consent_id)
    form = WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw_consent(request.user, consent, form.cleaned_data["withdrawn_on"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Consent withdrawn."))
            return redirect("clients:detail", client_id=client.id)
    return render(
        request,
        "clients/consent_withdraw.html",
        {"form": form, "client": client, "consent": consent},
    )


@requires("client.audit")
def audit_trail(request: HttpRequest, client_id: str) -> HttpResponse:
    """Who saw or changed this client's record, when and why (supervisors and the org admin)."""
    client = access_client_for_audit(request.user, client_id)
    # The page names the record by its reference code only: no identity is read here.
    events = AuditEvent.objects.filter(
        org_id=client.organisation_id, object_type="client", object_id=str(client.id)
    ).order_by("-seq")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "clients/audit.html", {"client": client, "page": page})
