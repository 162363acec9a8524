"""Checked reads of referrals, duplicate alerts and notifications.

Security contract: a referral is visible to case workers of its two organisations (sender and
receiver) and to nobody else; a missing and a forbidden referral both raise Http404. The package is
decrypted only by ``read_package``, which audits the read in the reader's own organisation's log.
A duplicate alert is visible to each of its two organisations, showing only its own side.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q, QuerySet, Subquery
from django.http import Http404

from strada.audit.log import Entry, record_now
from strada.orgs.policy import can
from strada.referrals import package
from strada.referrals.codes import Status
from strada.referrals.models import DuplicateAlert, Notification, NotificationCursor, Referral


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc


def visible_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals the user's organisation sent or received, for roles allowed ``referral.view``."""
    if not can(user, "referral.view"):
        return Referral.objects.none()
    org = user.organisation_id
    return Referral.objects.filter(Q(sender_id=org) | Q(recipient_id=org))


def sent_referrals(user: Any) -> QuerySet[Referral]:
    return visible_referrals(user).filter(sender_id=user.organisation_id)


def received_referrals(user: Any) -> QuerySet[Referral]:
    return visible_referrals(user).filter(recipient_id=user.organisation_id)


def access_referral(user: Any, referral_id: Any) -> Referral:
    referral = (
        visible_referrals(user)
        .select_related(
            "sender", "recipient", "recipient_entry", "source_client", "receiver_client"
        )
        .filter(id=_as_uuid(referral_id))
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def read_package(user: Any, referral: Referral) -> dict[str, Any]:
    """Decrypt the package for a case worker of the sender or the receiver, and audit the read."""
    if not can(user, "referral.view") or user.organisation_id not in (
        referral.sender_id,
        referral.recipient_id,
    ):
        raise Http404
    if not package_readable(user, referral):
        raise PermissionDenied
    values = package.open_package(referral, user.organisation)
    record_now(
        Entry(
            action="referral.package.read",
            actor=user,
            org_id=user.organisation_id,
            object_type="referral",
            object_id=referral.id,
            fields=sorted(values),
        )
    )
    return values


def package_readable(user: Any, referral: Referral) -> bool:
    """The sender always reads what it sent; the receiver reads the package while the referral is
    pending or once accepted, never after it was revoked or declined."""
    if user.organisation_id == referral.sender_id:
        return True
    return referral.status in (Status.SENT, Status.ACCEPTED, Status.COMPLETED)


def read_decline_reason(user: Any, referral: Referral) -> str:
    """The receiver's reason for declining, for both ends; empty if there is none."""
    return _read_sealed(user, referral, "decline_reason")


def read_override_reason(user: Any, referral: Referral) -> str:
    """The supervisor's reason for sending without the client's consent, for the sender and the
    receiver of the referral (each opens it with its own wrapped key); empty if there is none."""
    return _read_sealed(user, referral, "override_reason")


def _read_sealed(user: Any, referral: Referral, field: str) -> str:
    sealed = getattr(referral, f"{field}_enc")
    if sealed is None:
        return ""
    if user.organisation_id not in (referral.sender_id, referral.recipient_id):
        raise Http404
    return package.open_text(referral, user.organisation, field, bytes(sealed))


def visible_alerts(user: Any) -> QuerySet[DuplicateAlert]:
    if not can(user, "duplicates.view"):
        return DuplicateAlert.objects.none()
    org = user.organisation_id
    return DuplicateAlert.objects.filter(Q(org_a_id=org) | Q(org_b_id=org))


def access_alert(user: Any, alert_id: Any) -> DuplicateAlert:
    alert = visible_alerts(user).filter(id=_as_uuid(alert_id)).first()
    if alert is None:
        raise Http404
    return alert


def other_organisation_shown(alert: DuplicateAlert, org_id: Any) -> bool:
    """May this side learn which organisation is on the other side? Only once that organisation
    has sent a contact request (it chose to be known) or accepted one."""
    other = alert.other_org_id(org_id)
    if alert.requested_by_id == other:
        return True
    return alert.status == "connected"


def visible_notifications(user: Any) -> QuerySet[Notification]:
    if not can(user, "notifications.view"):
        return Notification.objects.none()
    return Notification.objects.filter(organisation_id=user.organisation_id)


def notifications_seen_until(user: Any) -> Any:
    """Until when the person has seen their organisation's notifications (None: never looked)."""
    return NotificationCursor.objects.filter(user=user).values_list("seen_until", flat=True).first()


def unread_count(user: Any) -> int:
    """Notifications since the person last looked: one query (it runs on every page)."""
    if not can(user, "notifications.view"):
        return 0
    cursor = NotificationCursor.objects.filter(user=user)
    return (
        visible_notifications(user)
        .filter(Q(created_at__gt=Subquery(cursor.values("seen_until")[:1])) | ~Exists(cursor))
        .count()
    )
