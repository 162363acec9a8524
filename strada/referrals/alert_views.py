"""Duplicate alert pages: another member may be assisting the same person.

Each organisation sees only its own side of an alert: its own client, when the match was found and
how strong it is. The other organisation's name appears only once that organisation chose to be
known (it sent a contact request, or accepted one: ``access.other_organisation_shown``); its contact
details only once the two are in contact. Nothing of the other record is ever shown. Reads go
through ``access``, changes through ``actions``; every change is a POST, shown first on a page that
says what it will do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from strada.accounts.models import User
from strada.clients.models import Client
from strada.lib import linkage
from strada.orgs.models import Organisation, OrgKind
from strada.orgs.policy import requires
from strada.referrals import access, actions
from strada.referrals.codes import AlertStatus
from strada.referrals.models import DuplicateAlert

OPEN = (AlertStatus.OPEN, AlertStatus.REQUESTED)
STRENGTHS: dict[str, Promise] = {
    linkage.EXACT_DATE: gettext_lazy("Likely the same person: same name and birth date"),
    linkage.EXACT_YEAR: gettext_lazy("Likely the same person: same name and birth year"),
    linkage.TYPO_DATE: gettext_lazy(
        "Likely the same person: same birth date, a name spelled one letter differently"
    ),
}
TAKING_PART = (OrgKind.MEMBER, OrgKind.AFFILIATE)


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("", gettext_lazy("All alerts")),
            ("open", pgettext_lazy("duplicate alert status", "Open")),
            ("closed", pgettext_lazy("duplicate alert status", "Closed")),
        ],
    )


@dataclass(frozen=True)
class AlertView:
    """One alert as one organisation sees it: its own side only."""

    alert: DuplicateAlert
    client: Client | None  # the own client (None if it was erased meanwhile)
    strength: str
    status: str
    other: Organisation | None  # the other organisation, only when it may be shown
    asked_by_us: bool
    asked_by_them: bool

    @property
    def is_open(self) -> bool:
        return self.alert.status in OPEN


def _status(alert: DuplicateAlert, org_id: Any) -> str:
    if alert.status == AlertStatus.REQUESTED:
        if alert.requested_by_id == org_id:
            return _("You asked for contact; waiting for the answer")
        return _("They ask for contact; your answer is needed")
    if alert.status == AlertStatus.DISMISSED:
        if alert.closed_by_id == org_id:
            return _("Closed by you: not the same person")
        return _("Closed by the other organisation")
    if alert.status == AlertStatus.WITHDRAWN:
        return _("Withdrawn: one of the organisations turned duplicate alerts off")
    return str(AlertStatus(alert.status).label)


def _views(user: Any, alerts: list[DuplicateAlert]) -> list[AlertView]:
    """The alerts as the user's organisation sees them, in a constant number of queries."""
    org_id = user.organisation_id
    own_ids = [alert.own_client_id(org_id) for alert in alerts]
    clients = {
        client.id: client
        for client in Client.objects.visible_to(user).filter(id__in=own_ids).only("id", "reference")
    }
    shown = {
        alert.other_org_id(org_id)
        for alert in alerts
        if access.other_organisation_shown(alert, org_id)
    }
    orgs = {org.id: org for org in Organisation.objects.filter(id__in=shown)} if shown else {}
    return [
        AlertView(
            alert=alert,
            client=clients.get(alert.own_client_id(org_id)),  # type: ignore[call-overload]
            strength=str(STRENGTHS.get(alert.strength, STRENGTHS[linkage.EXACT_YEAR])),
            status=_status(alert, org_id),
            other=orgs.get(alert.other_org_id(org_id))  # type: ignore[call-overload]
            if access.other_organisation_shown(alert, org_id)
            else None,
            asked_by_us=alert.status == AlertStatus.REQUESTED and alert.requested_by_id == org_id,
            asked_by_them=alert.status == AlertStatus.REQUESTED and alert.requested_by_id != org_id,
        )
        for alert in alerts
    ]


def _to_alert(alert: DuplicateAlert) -> HttpResponse:
    return redirect("referrals:alert", alert_id=alert.id)


def _refused(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        messages.error(request, " ".join(str(m) for m in error.messages))
    else:
        messages.error(request, _("You may not do this."))


@requires("duplicates.view")
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    alerts = access.visible_alerts(request.user).order_by("-found_at", "id")
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if status == "open":
        alerts = alerts.filter(status__in=OPEN)
    elif status == "closed":
        alerts = alerts.exclude(status__in=OPEN)
    page = Paginator(alerts, settings.STRADA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/alerts.html",
        {
            "form": form,
            "page": page,
            "rows": _views(request.user, list(page.object_list)),
            "filtered": bool(status),
        },
    )


@requires("duplicates.view")
def alert_detail(request: HttpRequest, alert_id: str) -> HttpResponse:
    alert = access.access_alert(request.user, alert_id)
    (row,) = _views(request.user, [alert])
    return render(
        request,
        "referrals/alert_detail.html",
        {"row": row, "connected": alert.status == AlertStatus.CONNECTED},
    )


@requires("duplicates.answer")
def alert_request(request: HttpRequest, alert_id: str) -> HttpResponse:
    alert = access.access_alert(request.user, alert_id)
    if alert.status != AlertStatus.OPEN:
        messages.info(request, _("A contact request can only be sent on an open alert."))
        return _to_alert(alert)
    if request.method == "POST":
        try:
            actions.do_request_contact(request.user, alert)
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _("Contact request sent. You will be told when the other organisation answers."),
            )
        return _to_alert(alert)
    (row,) = _views(request.user, [alert])
    return render(request, "referrals/alert_request.html", {"row": row})


@requires("duplicates.answer")
def alert_answer(request: HttpRequest, alert_id: str) -> HttpResponse:
    alert = access.access_alert(request.user, alert_id)
    if request.method != "POST":
        return _to_alert(alert)  # the answer is given on the alert's page
    accept = request.POST.get("accept")
    if accept not in ("0", "1"):
        messages.error(request, _("Choose to accept or to decline the contact request."))
        return _to_alert(alert)
    try:
        actions.do_answer_contact(request.user, alert, accept=accept == "1")
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        if accept == "1":
            messages.success(
                request,
                _("Contact request accepted: both organisations now see each other's contacts."),
            )
        else:
            messages.success(request, _("Contact request declined."))
    return _to_alert(alert)


@requires("duplicates.answer")
def alert_dismiss(request: HttpRequest, alert_id: str) -> HttpResponse:
    alert = access.access_alert(request.user, alert_id)
    if alert.status not in OPEN:
        messages.info(request, _("This alert is already closed."))
        return _to_alert(alert)
    if request.method == "POST":
        try:
            actions.do_dismiss_alert(request.user, alert)
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Alert closed."))
        return _to_alert(alert)
    (row,) = _views(request.user, [alert])
    return render(request, "referrals/alert_dismiss.html", {"row": row})


class LinkageForm(forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("1", "on"), ("0", "off")], coerce=lambda value: value == "1"
    )


@requires("duplicates.settings")
def linkage_settings(request: HttpRequest) -> HttpResponse:
    org = cast(User, request.user).organisation
    if org is None or org.kind not in TAKING_PART:
        raise Http404  # only members and affiliates hold clients
    if request.method == "POST":
        form = LinkageForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose to turn duplicate alerts on or off."))
            return redirect("referrals:linkage_settings")
        enabled = form.cleaned_data["enabled"]
        if enabled == org.linkage_enabled:
            messages.info(request, _("Nothing was changed."))
            return redirect("referrals:linkage_settings")
        try:
            actions.do_set_linkage(request.user, enabled)
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        else:
            if enabled:
                messages.success(
                    request,
                    _(
                        "Duplicate alerts are on. Your clients are being compared with the other "
                        "members' in the background; alerts will appear to your case workers."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Duplicate alerts are off. Your organisation's fingerprints were "
                        "deleted and its open alerts withdrawn."
                    ),
                )
        return redirect("referrals:linkage_settings")
    return render(request, "referrals/linkage_settings.html", {"org": org})
