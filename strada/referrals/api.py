"""Referrals, the inbox and duplicate alerts over the JSON API. Thin, as the views: schemas validate,
``access`` reads (and audits every package it decrypts), ``actions`` write and check, on the server,
the consent and which side of a referral may do what.

Each side sees its own side only: a referral names the caller's own client, never the other
organisation's; a duplicate alert names the caller's own client, and the other organisation only once
``access.other_organisation_shown`` allows it. Referrals and alerts of other organisations answer the
same 404 as missing ones; the secretariat and partners hold no right to either (403).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from strada.accounts.api_auth import requires_api
from strada.clients.access import access_client, visible_clients
from strada.clients.models import Client
from strada.clients.schemas import Error, InvalidInput
from strada.directory.access import directory_entries
from strada.directory.models import Entry
from strada.orgs.models import Organisation
from strada.referrals import access, actions, codes
from strada.referrals.models import DuplicateAlert, Referral
from strada.referrals.schemas import (
    AlertFilters,
    AlertList,
    AlertOut,
    AnswerIn,
    DeclineIn,
    PackageOut,
    ReferralDetail,
    ReferralFilters,
    ReferralIn,
    ReferralList,
    ReferralOut,
)

router = Router()
alerts_router = Router()

_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: InvalidInput}
REFERRAL = "/{uuid:referral_id}"
ALERT = "/{uuid:alert_id}"
ORG_CODE = re.compile(r"[a-z][a-z0-9]{1,15}")  # as orgs.models.code_validator


def _answers(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, **_ERRORS}


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


# Referrals


def _recipient(user: Any, named: str | None) -> Organisation | None:
    """The organisation a referral goes to, by code or id: another active member or affiliate."""
    if named is None:
        return None
    candidates = actions.recipients_for(user.organisation)
    found = None
    try:
        found = candidates.filter(id=uuid.UUID(named)).first()
    except ValueError:
        if ORG_CODE.fullmatch(named.lower()):
            found = candidates.filter(code=named.lower()).first()
    if found is None:
        raise ValidationError(
            {"recipient": _("Name another active member or affiliate organisation.")}
        )
    return found


def _recipient_entry(user: Any, entry_id: uuid.UUID | None) -> Entry | None:
    if entry_id is None:
        return None
    entry = directory_entries(user).filter(id=entry_id).first()
    if entry is None:
        raise ValidationError({"recipient_entry": _("Name an active entry of the directory.")})
    return entry


def _reply_to(user: Any, referral_id: uuid.UUID | None) -> Referral | None:
    """The referral an update answers: one the caller's organisation can see (the action checks
    that it received and accepted it)."""
    if referral_id is None:
        return None
    referral = access.received_referrals(user).filter(id=referral_id).first()
    if referral is None:
        raise ValidationError(
            {"in_reply_to": _("Choose a referral your organisation received and accepted.")}
        )
    return referral


def _summary(user: Any, referral: Referral) -> ReferralOut:
    return ReferralOut.build(referral, user.organisation_id)


@router.get("", response=_answers(200, ReferralList), summary="List referrals sent and received")
@requires_api("referral.view")
def list_referrals(request: HttpRequest, filters: Query[ReferralFilters]) -> Any:
    """The referrals your organisation sent and received (``box=received`` is the inbox), newest
    first; the summary only, without the package."""
    user = _user(request)
    referrals: QuerySet[Referral]
    if filters.box == "sent":
        referrals = access.sent_referrals(user)
    elif filters.box == "received":
        referrals = access.received_referrals(user)
    else:
        referrals = access.visible_referrals(user)
    if filters.status:
        referrals = referrals.filter(status=filters.status.value)
    start = (filters.page - 1) * filters.page_size
    rows = referrals.select_related("sender", "recipient", "recipient_entry").order_by(
        "-sent_at", "id"
    )
    return {
        "items": [_summary(user, r) for r in rows[start : start + filters.page_size]],
        "count": referrals.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@router.post("", response=_answers(201, ReferralOut), summary="Refer a client")
@requires_api("referral.send")
def send_referral(request: HttpRequest, payload: ReferralIn) -> Any:
    """Send a package of a client's record to another organisation of the network, or to a
    directory entry outside it. Only the ``fields`` named travel, copied now and encrypted for the
    two organisations. The client must have consented to be referred to this recipient (422
    otherwise); a supervisor may refer without consent giving an ``override_reason`` (403 for the
    other roles). The receiver is notified."""
    user = _user(request)
    client = access_client(user, payload.client_id)
    data = actions.ReferralInput(
        purpose=payload.purpose.value,
        fields=payload.package_fields(),
        recipient=_recipient(user, payload.recipient),
        recipient_entry=_recipient_entry(user, payload.recipient_entry),
        urgency=payload.urgency.value,
        message=payload.message,
        override_reason=payload.override_reason,
        in_reply_to=_reply_to(user, payload.in_reply_to),
    )
    referral = actions.do_send_referral(user, client, data)
    return Status(201, _summary(user, referral))


@router.get(REFERRAL, response=_answers(200, ReferralDetail), summary="Get a referral")
@requires_api("referral.view")
def get_referral(request: HttpRequest, referral_id: uuid.UUID) -> Any:
    """The summary with the package, decrypted (the read is audited), the reason of a declined
    referral, and the supervisor's reason of one sent without the client's consent. The receiver
    of a revoked or declined referral no longer gets the package."""
    user = _user(request)
    referral = access.access_referral(user, referral_id)
    readable = access.package_readable(user, referral)
    values = access.read_package(user, referral) if readable else None
    declined = referral.status == codes.Status.DECLINED
    return ReferralDetail.model_validate(
        {
            **ReferralOut.values(referral, user.organisation_id),
            "package": PackageOut.model_validate(values) if values is not None else None,
            "decline_reason": access.read_decline_reason(user, referral) if declined else None,
            "override_reason": access.read_override_reason(user, referral) or None,
        }
    )


@router.post(f"{REFERRAL}/accept", response=_answers(200, ReferralOut), summary="Accept a referral")
@requires_api("referral.answer")
def accept_referral(request: HttpRequest, referral_id: uuid.UUID) -> Any:
    """For the receiver of a referral that is ``sent``: your organisation gets its own client
    record built from the package; its id is the answer's ``client_id``. The sender is
    notified."""
    user = _user(request)
    referral = access.access_referral(user, referral_id)
    actions.do_accept_referral(user, referral)
    return _summary(user, referral)


@router.post(
    f"{REFERRAL}/decline", response=_answers(200, ReferralOut), summary="Decline a referral"
)
@requires_api("referral.answer")
def decline_referral(request: HttpRequest, referral_id: uuid.UUID, payload: DeclineIn) -> Any:
    """For the receiver of a referral that is ``sent``, with a reason the sender reads."""
    user = _user(request)
    referral = access.access_referral(user, referral_id)
    return _summary(user, actions.do_decline_referral(user, referral, payload.reason))


@router.post(f"{REFERRAL}/revoke", response=_answers(200, ReferralOut), summary="Revoke a referral")
@requires_api("referral.send")
def revoke_referral(request: HttpRequest, referral_id: uuid.UUID) -> Any:
    """For the sender, while the referral is ``sent`` (not yet answered); the receiver no longer
    reads the package."""
    user = _user(request)
    referral = access.access_referral(user, referral_id)
    return _summary(user, actions.do_revoke_referral(user, referral))


@router.post(
    f"{REFERRAL}/complete", response=_answers(200, ReferralOut), summary="Complete a referral"
)
@requires_api("referral.answer")
def complete_referral(request: HttpRequest, referral_id: uuid.UUID) -> Any:
    """The receiver closes an accepted referral once the support was given; for a referral to a
    directory entry, the sender records that it was taken up."""
    user = _user(request)
    referral = access.access_referral(user, referral_id)
    return _summary(user, actions.do_complete_referral(user, referral))


# Duplicate alerts


def _own_clients(user: Any, alerts: list[DuplicateAlert]) -> dict[Any, Client]:
    """The caller's own client of each alert, by id, in one query (never the other side's)."""
    ids = [alert.own_client_id(user.organisation_id) for alert in alerts]
    return {c.id: c for c in visible_clients(user).filter(id__in=ids).only("id", "reference")}


def _alert_out(user: Any, alert: DuplicateAlert, clients: dict[Any, Client]) -> AlertOut:
    org_id = user.organisation_id
    client = clients.get(alert.own_client_id(org_id))
    if client is None:
        raise Http404
    other = None
    if access.other_organisation_shown(alert, org_id):
        other = alert.org_b if alert.side(org_id) == "a" else alert.org_a
    return AlertOut.build(alert, org_id, client, other)


def _fresh_alert(user: Any, alert_id: Any) -> AlertOut:
    alert = _alert(user, alert_id)
    return _alert_out(user, alert, _own_clients(user, [alert]))


def _alert(user: Any, alert_id: Any) -> DuplicateAlert:
    alert = access.access_alert(user, alert_id)
    return DuplicateAlert.objects.select_related("org_a", "org_b").get(id=alert.id)


@alerts_router.get("", response=_answers(200, AlertList), summary="List duplicate alerts")
@requires_api("duplicates.view")
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]) -> Any:
    """Your clients that another member may be assisting as well, newest first. Nothing of the
    other record is shown; a contact request is the way to coordinate."""
    user = _user(request)
    alerts = access.visible_alerts(user)
    if filters.status:
        alerts = alerts.filter(status=filters.status.value)
    start = (filters.page - 1) * filters.page_size
    rows = list(
        alerts.select_related("org_a", "org_b").order_by("-found_at", "id")[
            start : start + filters.page_size
        ]
    )
    clients = _own_clients(user, rows)
    return {
        "items": [_alert_out(user, alert, clients) for alert in rows],
        "count": alerts.count(),
        "page": filters.page,
        "page_size": filters.page_size,
    }


@alerts_router.get(ALERT, response=_answers(200, AlertOut), summary="Get a duplicate alert")
@requires_api("duplicates.view")
def get_alert(request: HttpRequest, alert_id: uuid.UUID) -> Any:
    """One alert, as your side sees it: your client, and the other organisation once it may be
    known."""
    return _fresh_alert(_user(request), alert_id)


@alerts_router.post(
    f"{ALERT}/contact-request", response=_answers(200, AlertOut), summary="Send a contact request"
)
@requires_api("duplicates.answer")
def request_contact(request: HttpRequest, alert_id: uuid.UUID) -> Any:
    """On an ``open`` alert: the other organisation learns that yours asks to get in touch; you
    learn who it is only once it accepts."""
    user = _user(request)
    actions.do_request_contact(user, access.access_alert(user, alert_id))
    return _fresh_alert(user, alert_id)


@alerts_router.post(
    f"{ALERT}/answer", response=_answers(200, AlertOut), summary="Answer a contact request"
)
@requires_api("duplicates.answer")
def answer_contact(request: HttpRequest, alert_id: uuid.UUID, payload: AnswerIn) -> Any:
    """For the organisation asked: accept (both learn who the other is) or decline."""
    user = _user(request)
    actions.do_answer_contact(user, access.access_alert(user, alert_id), accept=payload.accept)
    return _fresh_alert(user, alert_id)


@alerts_router.post(
    f"{ALERT}/dismiss", response=_answers(200, AlertOut), summary="Dismiss a duplicate alert"
)
@requires_api("duplicates.answer")
def dismiss_alert(request: HttpRequest, alert_id: uuid.UUID) -> Any:
    """Either side closes an open alert (or an unanswered request): not the same person, or
    nothing to coordinate."""
    user = _user(request)
    actions.do_dismiss_alert(user, access.access_alert(user, alert_id))
    return _fresh_alert(user, alert_id)
