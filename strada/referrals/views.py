"""Referral pages: the lists, the inbox, sending, one referral and its answers, notifications.

Thin: forms validate, ``access`` reads, ``actions`` write and check again. Each side sees its own
client's reference only, never a link to the other side's record; the receiver reads the package
while the referral is open or taken up (sent, accepted, completed), the sender always.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from strada.accounts.models import User
from strada.cases import codes as case_codes
from strada.clients import codes as client_codes
from strada.clients.access import access_client
from strada.clients.models import Client, Consent
from strada.directory.models import Entry
from strada.orgs.models import Organisation
from strada.orgs.policy import can, requires
from strada.referrals import access, actions, codes, package
from strada.referrals.forms import (
    FIELD_GROUPS,
    ConfirmForm,
    DeclineForm,
    ReferralFilterForm,
    ReferralForm,
    consented_keys,
)
from strada.referrals.models import Referral
from strada.web.forms import add_errors

Status = codes.Status
# The receiver reads the package while the referral is open or taken up; never once revoked or
# declined (the sender took it back, or the receiver said no).
RECEIVER_READS = (Status.SENT, Status.ACCEPTED, Status.COMPLETED)
BOXES = ("received", "sent")


def _to_referral(referral: Referral) -> HttpResponse:
    return redirect("referrals:referral", referral_id=referral.id)


def _side(user: Any, referral: Referral) -> str:
    return "sender" if referral.sender_id == user.organisation_id else "receiver"


def _allowed(user: Any, referral: Referral) -> set[str]:
    """What this person may do with the referral now: the buttons shown and the views' guards."""
    allowed: set[str] = set()
    status = referral.status
    if _side(user, referral) == "receiver":
        if can(user, "referral.answer") and status == Status.SENT:
            allowed |= {"accept", "decline"}
        if can(user, "referral.answer") and status == Status.ACCEPTED:
            allowed.add("complete")
        if (
            can(user, "referral.send")
            and status in (Status.ACCEPTED, Status.COMPLETED)
            and referral.receiver_client_id
        ):
            allowed.add("reply")
    elif can(user, "referral.send") and status == Status.SENT:
        allowed.add("revoke")
        if referral.is_external:
            allowed.add("complete")
            if can(user, "referral.export"):
                allowed.add("export")
    return allowed


def _not_now(request: HttpRequest, referral: Referral) -> HttpResponse:
    messages.info(
        request,
        _("This is not possible on this referral now (status: %(status)s).")
        % {"status": referral.get_status_display()},
    )
    return _to_referral(referral)


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


# Lists --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One referral as a list shows it: only the own organisation's client reference."""

    referral: Referral
    box: str
    reference: str
    other: str


def _row(referral: Referral, org_id: Any) -> Row:
    if referral.sender_id == org_id:
        client = referral.source_client
        other = (
            referral.recipient.name
            if referral.recipient
            else referral.recipient_entry.name
            if referral.recipient_entry
            else "—"
        )
        return Row(referral, "sent", client.reference if client else "", other)
    own = referral.receiver_client if referral.status != Status.SENT else None
    return Row(referral, "received", own.reference if own else "", referral.sender.name)


def _rows(referrals: QuerySet[Referral], box: str) -> QuerySet[Referral]:
    """The list's query: the own organisation's client only (the sender's list never joins the
    receiver's client, nor the receiver's the sender's), and no ciphertext."""
    own = "source_client" if box == "sent" else "receiver_client"
    return referrals.select_related("sender", "recipient", "recipient_entry", own).defer(
        "package_enc",
        "sender_wrapped_key",
        "recipient_wrapped_key",
        "decline_reason_enc",
        "override_reason_enc",
    )


@requires("referral.view")
def referral_list(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "received")
    if box not in BOXES:
        box = "received"
    user: Any = request.user
    org_id = user.organisation_id
    form = ReferralFilterForm(request.GET or None)
    referrals = (
        access.received_referrals(request.user)
        if box == "received"
        else access.sent_referrals(request.user)
    )
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        if status:
            referrals = referrals.filter(status=status)
    paginator = Paginator(_rows(referrals, box), settings.STRADA_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/list.html",
        {
            "form": form,
            "box": box,
            "status": status,
            "page": page,
            "rows": [_row(referral, org_id) for referral in page.object_list],
            "waiting": access.received_referrals(request.user).filter(status=Status.SENT).count(),
        },
    )


URGENCY_ORDER = Case(
    When(urgency=codes.Urgency.EMERGENCY, then=Value(0)),
    When(urgency=codes.Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@requires("referral.view")
def inbox(request: HttpRequest) -> HttpResponse:
    """Received referrals waiting for an answer: the most urgent first, then the oldest."""
    user: Any = request.user
    org_id = user.organisation_id
    waiting = (
        access.received_referrals(request.user)
        .filter(status=Status.SENT)
        .order_by(URGENCY_ORDER, "sent_at")
    )
    page = Paginator(_rows(waiting, "received"), settings.STRADA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "referrals/inbox.html",
        {"page": page, "rows": [_row(referral, org_id) for referral in page.object_list]},
    )


# One referral -------------------------------------------------------------------------------------


def _shown_value(name: str, value: Any) -> str:
    """A package value as people read it: code lists by their labels, countries by name."""
    if name == "citizenship" or name == "mailing_country":
        codes_ = value if isinstance(value, list) else [value]
        return ", ".join(str(countries.name(code) or code) for code in codes_)
    if name == "type_of_exploitation":
        return ", ".join(_label_of(case_codes.TypeOfExploitation, code) for code in value)
    choices = {
        "gender": client_codes.Gender,
        "age_band": client_codes.AgeBand,
        "marital_status": client_codes.MaritalStatus,
        "highest_level_of_education": client_codes.HighestLevelOfEducation,
    }
    if name in choices:
        return _label_of(choices[name], value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _label_of(choices: Any, code: Any) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def _package_rows(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (package.label(name), _shown_value(name, values[name]))
        for name in package.FIELDS
        if name in values and name != package.MESSAGE
    ]


@requires("referral.view")
def referral_detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = request.user
    referral = access.access_referral(user, referral_id)
    side = _side(user, referral)
    reads_package = side == "sender" or referral.status in RECEIVER_READS
    values = access.read_package(user, referral) if reads_package else {}
    decline_reason = (
        access.read_decline_reason(user, referral) if referral.status == Status.DECLINED else ""
    )
    own_client: Client | None = None
    if side == "sender":
        own_client = referral.source_client
    elif referral.status != Status.SENT and referral.status != Status.REVOKED:
        own_client = referral.receiver_client
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "side": side,
            "other": _other_name(referral, side),
            "own_client": own_client,
            "reads_package": reads_package,
            "package_rows": _package_rows(values),
            "message": values.get(package.MESSAGE, ""),
            "sent_labels": [package.label(name) for name in referral.package_fields],
            "decline_reason": decline_reason,
            "override_reason": access.read_override_reason(user, referral),
            "consent": referral.consent if referral.consent_id else None,
            "allowed": _allowed(user, referral),
            "decline_form": DeclineForm(),
            "in_reply_to": _visible_or_none(user, referral.in_reply_to_id),
            "sent_by": _own_person(user, referral.sent_by_id),
            "answered_by": _own_person(user, referral.answered_by_id),
            "closed_by": _own_person(user, referral.closed_by_id),
            "replies": list(
                access.visible_referrals(user)
                .filter(in_reply_to_id=referral.id)
                .only("id", "status", "sent_at")
            ),
        },
    )


def _other_name(referral: Referral, side: str) -> str:
    if side == "receiver":
        return str(referral.sender.name)
    if referral.recipient is not None:
        return str(referral.recipient.name)
    return str(referral.recipient_entry.name) if referral.recipient_entry else "—"


def _own_person(user: Any, person_id: Any) -> str:
    """A colleague's name for the dates; the other organisation's staff are not named."""
    if person_id is None:
        return ""
    person = User.objects.filter(id=person_id, organisation_id=user.organisation_id).first()
    return person.display_name if person else ""


def _visible_or_none(user: Any, referral_id: Any) -> Referral | None:
    if referral_id is None:
        return None
    return access.visible_referrals(user).filter(id=referral_id).only("id", "sent_at").first()


def _confirm(
    request: HttpRequest,
    referral: Referral,
    *,
    title: str,
    explanation: str,
    button: str,
    danger: bool = False,
    form: ConfirmForm | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "referrals/confirm.html",
        {
            "referral": referral,
            "form": form or ConfirmForm(),
            "title": title,
            "explanation": explanation,
            "button": button,
            "danger": danger,
            **(extra or {}),
        },
    )


def _confirmed(
    request: HttpRequest,
    referral: Referral,
    step: str,
    act: Callable[[], str],
    **confirm: Any,
) -> HttpResponse:
    """A one-button step (accept, revoke, complete): refused when the referral's state or side does
    not allow it now; on a confirmed POST ``act`` runs and returns the success message; otherwise
    the confirmation page (``confirm`` are its texts)."""
    if step not in _allowed(request.user, referral):
        return _not_now(request, referral)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            messages.success(request, act())
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return _to_referral(referral)
    return _confirm(request, referral, form=form, **confirm)


@requires("referral.answer")
def referral_accept(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = access.access_referral(request.user, referral_id)
    update = referral.in_reply_to_id is not None

    def accept() -> str:
        client = actions.do_accept_referral(request.user, referral)
        if update:
            text = _("Update accepted. It is linked to your client %(ref)s.")
        else:
            text = _("Referral accepted. Client %(ref)s was registered from the package.")
        return text % {"ref": client.reference}

    return _confirmed(
        request,
        referral,
        "accept",
        accept,
        title=_("Accept the referral"),
        explanation=(
            _(
                "This update is about a client your organisation referred. Accepting links it "
                "to that client."
            )
            if update
            else _(
                "Accepting registers a new client in your organisation, built from the fields of "
                "the package only. The sending organisation is told that you accepted."
            )
        ),
        button=_("Accept"),
        extra={"sent_labels": [package.label(name) for name in referral.package_fields]},
    )


@requires("referral.answer")
def referral_decline(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = access.access_referral(request.user, referral_id)
    if "decline" not in _allowed(request.user, referral):
        return _not_now(request, referral)
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_decline_referral(request.user, referral, form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Referral declined. The sending organisation is told."))
            return _to_referral(referral)
    return render(
        request,
        "referrals/decline.html",
        {"referral": referral, "form": form, "other": _other_name(referral, "receiver")},
    )


@requires("referral.send")
def referral_revoke(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = access.access_referral(request.user, referral_id)

    def revoke() -> str:
        actions.do_revoke_referral(request.user, referral)
        return _("Referral revoked. The receiver can no longer read it.")

    return _confirmed(
        request,
        referral,
        "revoke",
        revoke,
        title=_("Revoke the referral"),
        explanation=_(
            "The referral has not been answered yet. Revoking takes it back: the receiving "
            "organisation is told and can no longer read the package."
        ),
        button=_("Revoke"),
        danger=True,
    )


@requires("referral.answer")
def referral_complete(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = access.access_referral(request.user, referral_id)

    def complete() -> str:
        actions.do_complete_referral(request.user, referral)
        return _("Referral marked as completed.")

    return _confirmed(
        request,
        referral,
        "complete",
        complete,
        title=_("Mark the referral as completed"),
        explanation=(
            _("Record that the organisation outside the network took the referral up.")
            if referral.is_external
            else _("Record that the support was given. The sending organisation is told.")
        ),
        button=_("Mark completed"),
    )


# Sending ------------------------------------------------------------------------------------------


def _referral_consents(client: Client) -> list[Consent]:
    """The client's referral consents in force today (the server checks again when sending)."""
    return list(
        client.consents.filter(
            purpose=client_codes.ConsentPurpose.REFERRAL,
            withdrawn_on__isnull=True,
            given_on__lte=timezone.localdate(),
        )
        .select_related("recipient", "recipient_entry")
        .order_by("-given_on")
    )


def _on_form(error: ValidationError) -> ValidationError:
    """The action's errors on the form's fields: the directory entry is the recipient select, and
    the package's fields are ``package_fields``."""
    if not hasattr(error, "error_dict"):
        return error
    names = {"recipient_entry": "recipient", "fields": "package_fields"}
    renamed: dict[str, Any] = {}
    for key, errors in error.error_dict.items():
        renamed.setdefault(names.get(key, key), []).extend(errors)
    return ValidationError(renamed)


def _referral_form(request: HttpRequest, client: Client, reply_to: Referral | None) -> HttpResponse:
    consents = _referral_consents(client)
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        organisation=client.organisation,
        consented=consented_keys(consents),
        fixed_recipient=reply_to is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient: Organisation | None = reply_to.sender if reply_to else None
        entry: Entry | None = None
        if reply_to is None:
            recipient, entry = form.recipient_parts()
        referral_input = actions.ReferralInput(
            purpose=data["purpose"],
            fields=form.chosen_fields(),
            recipient=recipient,
            recipient_entry=entry,
            urgency=data["urgency"],
            message=data["message"],
            override_reason=data["override_reason"],
            in_reply_to=reply_to,
        )
        try:
            referral = actions.do_send_referral(request.user, client, referral_input)
        except ValidationError as error:
            add_errors(form, _on_form(error))
        else:
            if referral.consent_id is None:
                messages.warning(
                    request,
                    _("Referral sent without the client's consent; your reason was recorded."),
                )
            elif reply_to is not None:
                messages.success(request, _("Update sent."))
            else:
                messages.success(request, _("Referral sent."))
            return _to_referral(referral)
    consent_to_sender = None
    if reply_to is not None:
        consent_to_sender = next(
            (c for c in consents if c.recipient_id == reply_to.sender_id), None
        )
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "client": client,
            "reply_to": reply_to,
            "consents": consents,
            "consent_to_sender": consent_to_sender,
            "may_override": can(request.user, "referral.send_without_consent"),
            "field_groups": [(group, list(fields)) for group, fields in FIELD_GROUPS],
        },
    )


@requires("referral.send")
def referral_new(request: HttpRequest, client_id: str) -> HttpResponse:
    client = access_client(request.user, client_id)
    return _referral_form(request, client, None)


@requires("referral.send")
def referral_reply(request: HttpRequest, referral_id: str) -> HttpResponse:
    """The receiver sends an update about its own client back to the organisation that referred
    it: a new package, under the client's consent to be referred to that organisation."""
    referral = access.access_referral(request.user, referral_id)
    if "reply" not in _allowed(request.user, referral):
        return _not_now(request, referral)
    client = access_client(request.user, referral.receiver_client_id)
    return _referral_form(request, client, referral)


# Notifications ------------------------------------------------------------------------------------


@requires("notifications.view")
def notifications(request: HttpRequest) -> HttpResponse:
    """The organisation's news, newest first; what came since the last visit is marked new."""
    seen_until = access.notifications_seen_until(request.user)
    items = access.visible_notifications(request.user).only(
        "id", "kind", "referral_id", "alert_id", "created_at"
    )
    page = Paginator(items, settings.STRADA_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(item, seen_until is None or item.created_at > seen_until) for item in page]
    actions.mark_seen(request.user)
    return render(request, "referrals/notifications.html", {"page": page, "rows": rows})
