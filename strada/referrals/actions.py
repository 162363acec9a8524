"""Referrals and duplicate alerts: every change is one transaction with its audit event.

Security contract: the caller has passed the policy check and reached the client or the referral
through ``clients.access`` / ``referrals.access``; each action checks again which side of the
referral the actor's organisation is on, and the consent, on the server. Audit events hold ids and
field names, never values; each organisation's log gets only its own events.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from strada.audit.log import Entry, record
from strada.clients import codes as client_codes
from strada.clients.actions import Registration, register_batch
from strada.clients.identity import unseal
from strada.clients.models import Client, Consent
from strada.directory.models import Entry as DirectoryEntry
from strada.orgs.models import Organisation
from strada.orgs.policy import CASE_ROLES, can
from strada.referrals import codes, duplicates, package
from strada.referrals.models import DuplicateAlert, Notification, Referral

log = logging.getLogger(__name__)

Status = codes.Status
MAX_REASON = 2000
# What the audit event of a referral sent without consent says in place of the supervisor's reason
# (the reason itself is sealed on the referral).
OVERRIDE_MARKER = "override"


@dataclass
class ReferralInput:
    """What the sender chose: where to, why, how urgent, and which fields travel."""

    purpose: str
    fields: Sequence[str]
    recipient: Organisation | None = None
    recipient_entry: DirectoryEntry | None = None
    urgency: str = codes.Urgency.ROUTINE
    message: str = ""
    override_reason: str = ""
    in_reply_to: Referral | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _require(actor: Any, action: str, org_id: Any) -> None:
    if not can(actor, action) or actor.organisation_id != org_id:
        raise PermissionDenied


def referral_consent(client: Client, data: ReferralInput) -> Consent | None:
    """The client's active consent to be referred to this recipient, today, or None."""
    today = timezone.localdate()
    consents = Consent.objects.filter(
        client=client,
        purpose=client_codes.ConsentPurpose.REFERRAL,
        withdrawn_on__isnull=True,
        given_on__lte=today,
    )
    if data.recipient is not None:
        consents = consents.filter(recipient=data.recipient)
    else:
        consents = consents.filter(recipient_entry=data.recipient_entry)
    return consents.order_by("-given_on").first()


def recipients_for(org: Organisation) -> Any:
    """Organisations a referral can go to: active members and affiliates other than the sender."""
    return (
        Organisation.objects.filter(active=True, kind__in=("member", "affiliate"))
        .exclude(id=org.id)
        .order_by("name")
    )


def _check(actor: Any, client: Client, data: ReferralInput) -> Consent | None:
    errors: dict[str, str] = {}
    if (data.recipient is None) == (data.recipient_entry is None):
        errors["recipient"] = _("Choose one organisation of the network or one directory entry.")
    elif data.recipient is not None and (
        data.recipient.id == client.organisation_id
        or not recipients_for(client.organisation).filter(id=data.recipient.id).exists()
    ):
        errors["recipient"] = _("Referrals go to another active member or affiliate.")
    elif data.recipient_entry is not None and not data.recipient_entry.active:
        errors["recipient_entry"] = _("This directory entry is no longer active.")
    if data.purpose not in codes.Reason.values:
        errors["purpose"] = _("Choose a purpose from the list.")
    if data.urgency not in codes.Urgency.values:
        errors["urgency"] = _("Choose an urgency from the list.")
    unknown = [name for name in data.fields if name not in package.FIELDS]
    if unknown:
        errors["fields"] = _("Unknown field: %(name)s") % {"name": unknown[0]}
    elif not data.fields:
        errors["fields"] = _("Choose at least one field to send.")
    if len(data.message) > package.MAX_MESSAGE:
        errors["message"] = _("Keep the details under %(n)d characters.") % {
            "n": package.MAX_MESSAGE
        }
    if len(data.override_reason) > MAX_REASON:
        errors["override_reason"] = _("Keep the reason under %(n)d characters.") % {"n": MAX_REASON}
    if data.in_reply_to is not None:
        reply_to = data.in_reply_to
        if (
            reply_to.recipient_id != client.organisation_id
            or reply_to.receiver_client_id != client.id
            or reply_to.status not in (Status.ACCEPTED, Status.COMPLETED)
            or data.recipient is None
            or data.recipient.id != reply_to.sender_id
        ):
            errors["in_reply_to"] = _(
                "An update goes back to the organisation that referred this client, after "
                "accepting its referral."
            )
    if errors:
        raise ValidationError(errors)
    consent = referral_consent(client, data)
    if consent is None:
        if not data.override_reason.strip():
            raise ValidationError(
                {
                    "recipient": _(
                        "The client has not consented to be referred to this recipient. Record "
                        "the consent first; a supervisor may refer without it, giving a reason."
                    )
                }
            )
        if not can(actor, "referral.send_without_consent"):
            raise PermissionDenied
    return consent


def do_send_referral(actor: Any, client: Client, data: ReferralInput) -> Referral:
    """Send a package of the client's record to another organisation or a directory entry."""
    _require(actor, "referral.send", client.organisation_id)
    consent = _check(actor, client, data)
    override = "" if consent is not None else data.override_reason.strip()
    identity = unseal(client)
    values = package.build(client, identity, data.fields, data.message)
    referral_id = uuid.uuid4()
    blob, for_sender, for_recipient = package.seal(
        referral_id, client.organisation, data.recipient, values
    )
    with transaction.atomic():
        referral = Referral(
            id=referral_id,
            sender_id=client.organisation_id,
            source_client=client,
            recipient=data.recipient,
            recipient_entry=data.recipient_entry,
            in_reply_to=data.in_reply_to,
            purpose=data.purpose,
            urgency=data.urgency,
            package_fields=sorted(values),
            package_enc=blob,
            sender_wrapped_key=for_sender,
            recipient_wrapped_key=for_recipient,
            consent=consent,
            sent_by=actor,
        )
        if consent is None:
            # The reason is the supervisor's free text: sealed with the referral's key, so that
            # the two organisations read it and the database and the audit log never hold it.
            referral.override_reason_enc = package.seal_text(
                referral, client.organisation, "override_reason", override
            )
        referral.save(force_insert=True)
        record(
            Entry(
                action="referral.send" if consent is not None else "referral.send_without_consent",
                actor=actor,
                org_id=client.organisation_id,
                object_type="client",
                object_id=client.id,
                fields=sorted(values),
                reason="" if consent is not None else OVERRIDE_MARKER,
            )
        )
        if data.recipient is not None:
            _notify(data.recipient.id, codes.NotificationKind.REFERRAL_RECEIVED, referral)
    return referral


def _side(actor: Any, referral: Referral, side: str) -> None:
    org_id = referral.sender_id if side == "sender" else referral.recipient_id
    _require(actor, "referral.answer" if side == "recipient" else "referral.send", org_id)


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(id=referral.id)


def _event(actor: Any, action: str, referral: Referral, reason: str = "") -> None:
    record(
        Entry(
            action=action,
            actor=actor,
            org_id=actor.organisation_id,
            object_type="referral",
            object_id=referral.id,
            reason=reason,
        )
    )


def _refresh(referral: Referral, locked: Referral) -> Referral:
    for name in [f.attname for f in Referral._meta.concrete_fields]:
        setattr(referral, name, getattr(locked, name))
    return referral


def do_revoke_referral(actor: Any, referral: Referral) -> Referral:
    """The sender takes back a referral that has not been answered."""
    _side(actor, referral, "sender")
    with transaction.atomic():
        locked = _locked(referral)
        if locked.status != Status.SENT:
            raise ValidationError(_("Only a referral that has not been answered can be revoked."))
        locked.status = Status.REVOKED
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save(update_fields=["status", "closed_at", "closed_by"])
        _event(actor, "referral.revoke", locked)
        if locked.recipient_id is not None:
            _notify(locked.recipient_id, codes.NotificationKind.REFERRAL_REVOKED, locked)
    return _refresh(referral, locked)


def do_accept_referral(actor: Any, referral: Referral) -> Client:
    """The receiver accepts: it gets its own client record built from the package (or, for an
    update sent back about a client it referred, the package joins that client), linked to the
    referral. Returns the receiver's client."""
    _side(actor, referral, "recipient")
    org = actor.organisation
    with transaction.atomic():
        locked = _locked(referral)
        if locked.status != Status.SENT:
            raise ValidationError(_("This referral has already been answered or revoked."))
        original = locked.in_reply_to
        if original is not None and original.sender_id == org.id and original.source_client_id:
            client = Client.objects.select_related("organisation").get(id=original.source_client_id)
        else:
            values = package.open_package(locked, org)
            identity, coded = package.as_registration_parts(values)
            (client,) = register_batch(
                actor,
                org,
                [Registration(identity=identity, coded=coded)],
                reason=f"referral {locked.id}",
                link=False,
            )
        locked.receiver_client = client
        locked.status = Status.ACCEPTED
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.save(update_fields=["receiver_client", "status", "answered_at", "answered_by"])
        if original is None or client.id != original.source_client_id:
            # The two ends of the referral are linked now: no alert about them, alerts with others.
            duplicates.refresh(org, [(client.id, identity, client.birth_year)], new=True)
        _event(actor, "referral.accept", locked)
        _notify(locked.sender_id, codes.NotificationKind.REFERRAL_ACCEPTED, locked)
    _refresh(referral, locked)
    return client


def do_decline_referral(actor: Any, referral: Referral, reason: str) -> Referral:
    _side(actor, referral, "recipient")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)d characters.") % {"n": MAX_REASON}}
        )
    with transaction.atomic():
        locked = _locked(referral)
        if locked.status != Status.SENT:
            raise ValidationError(_("This referral has already been answered or revoked."))
        locked.status = Status.DECLINED
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.decline_reason_enc = package.seal_text(
            locked, actor.organisation, "decline_reason", reason
        )
        locked.save(update_fields=["status", "answered_at", "answered_by", "decline_reason_enc"])
        _event(actor, "referral.decline", locked)
        _notify(locked.sender_id, codes.NotificationKind.REFERRAL_DECLINED, locked)
    return _refresh(referral, locked)


def do_complete_referral(actor: Any, referral: Referral) -> Referral:
    """The receiver closes an accepted referral (the support was given); for a referral outside the
    network, the sender records that it was taken up."""
    side = "sender" if referral.is_external else "recipient"
    _side(actor, referral, side)
    expected = Status.SENT if referral.is_external else Status.ACCEPTED
    with transaction.atomic():
        locked = _locked(referral)
        if locked.status != expected:
            raise ValidationError(_("Only an accepted referral can be completed."))
        locked.status = Status.COMPLETED
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save(update_fields=["status", "closed_at", "closed_by"])
        _event(actor, "referral.complete", locked)
        if not locked.is_external:
            _notify(locked.sender_id, codes.NotificationKind.REFERRAL_COMPLETED, locked)
    return _refresh(referral, locked)


# Duplicate alerts ------------------------------------------------------------------------------


def _alert_locked(actor: Any, alert: DuplicateAlert) -> DuplicateAlert:
    _require(actor, "duplicates.answer", actor.organisation_id)
    if actor.organisation_id not in (alert.org_a_id, alert.org_b_id):
        raise PermissionDenied
    return DuplicateAlert.objects.select_for_update().get(id=alert.id)


def _alert_event(actor: Any, action: str, alert: DuplicateAlert) -> None:
    record(
        Entry(
            action=action,
            actor=actor,
            org_id=actor.organisation_id,
            object_type="client",
            object_id=alert.own_client_id(actor.organisation_id),
        )
    )


def do_request_contact(actor: Any, alert: DuplicateAlert) -> DuplicateAlert:
    """Ask the other organisation to get in touch: it learns who asks; the asker learns nothing
    more until the request is accepted."""
    with transaction.atomic():
        locked = _alert_locked(actor, alert)
        if locked.status != codes.AlertStatus.OPEN:
            raise ValidationError(_("A contact request can only be sent on an open alert."))
        locked.status = codes.AlertStatus.REQUESTED
        locked.requested_by_id = actor.organisation_id
        locked.requested_at = timezone.now()
        locked.save(update_fields=["status", "requested_by", "requested_at"])
        _alert_event(actor, "duplicate.contact_request", locked)
        _notify_alert(
            locked.other_org_id(actor.organisation_id),
            codes.NotificationKind.CONTACT_REQUESTED,
            locked,
        )
    return locked


def do_answer_contact(actor: Any, alert: DuplicateAlert, *, accept: bool) -> DuplicateAlert:
    """The organisation asked answers: accept (both learn who the other is) or decline."""
    with transaction.atomic():
        locked = _alert_locked(actor, alert)
        if (
            locked.status != codes.AlertStatus.REQUESTED
            or locked.requested_by_id == actor.organisation_id
        ):
            raise ValidationError(_("There is no contact request to answer."))
        locked.status = codes.AlertStatus.CONNECTED if accept else codes.AlertStatus.DECLINED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_at"])
        _alert_event(
            actor, "duplicate.contact_accept" if accept else "duplicate.contact_decline", locked
        )
        kind = (
            codes.NotificationKind.CONTACT_ACCEPTED
            if accept
            else codes.NotificationKind.CONTACT_DECLINED
        )
        _notify_alert(locked.requested_by_id, kind, locked)
    return locked


def do_dismiss_alert(actor: Any, alert: DuplicateAlert) -> DuplicateAlert:
    """Either side closes an open alert: not the same person, or nothing to coordinate."""
    with transaction.atomic():
        locked = _alert_locked(actor, alert)
        if locked.status not in (codes.AlertStatus.OPEN, codes.AlertStatus.REQUESTED):
            raise ValidationError(_("This alert is already closed."))
        locked.status = codes.AlertStatus.DISMISSED
        locked.closed_by_id = actor.organisation_id
        locked.save(update_fields=["status", "closed_by"])
        _alert_event(actor, "duplicate.dismiss", locked)
    return locked


def do_set_linkage(actor: Any, enabled: bool) -> Organisation:
    """Turn duplicate alerts on or off for the actor's organisation. Off deletes its tokens and
    withdraws its open alerts; on computes the tokens of every client again (a background task),
    which raises alerts for new matches and opens the withdrawn ones again if they still match."""
    org = actor.organisation
    _require(actor, "duplicates.settings", org.id)
    if org.linkage_enabled == enabled:
        return org
    with transaction.atomic():
        org.linkage_enabled = enabled
        org.save(update_fields=["linkage_enabled"])
        record(
            Entry(
                action="duplicates.enable" if enabled else "duplicates.disable",
                actor=actor,
                org_id=org.id,
                object_type="organisation",
                object_id=org.id,
                fields=["linkage_enabled"],
            )
        )
        if enabled:
            from strada.referrals import tasks

            tasks.link_after_commit(
                org.id, list(Client.objects.filter(organisation=org).values_list("id", flat=True))
            )
    if not enabled:
        duplicates.forget_organisation(org)
    return org


# Notifications -----------------------------------------------------------------------------------


def _notify(org_id: Any, kind: str, referral: Referral) -> None:
    Notification.objects.create(organisation_id=org_id, kind=kind, referral=referral)
    path = reverse("referrals:referral", args=[referral.id])
    transaction.on_commit(lambda: _mail(org_id, kind, path))


def _notify_alert(org_id: Any, kind: str, alert: DuplicateAlert) -> None:
    Notification.objects.create(organisation_id=org_id, kind=kind, alert=alert)


def _mail(org_id: Any, kind: str, path: str) -> None:
    """Tell the organisation's case workers by e-mail: the kind of news and a link, nothing else."""
    addresses = list(
        Organisation.objects.get(id=org_id)
        .users.filter(is_active=True, role__in=CASE_ROLES)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not addresses:
        return
    label = str(codes.NotificationKind(kind).label)
    body = _("%(news)s. Sign in to Strada to see it:\n\n%(link)s\n") % {
        "news": label,
        "link": settings.STRADA_BASE_URL + path,
    }
    subject = "Strada: " + label
    try:
        send_mass_mail([(subject, body, None, [address]) for address in addresses])
    except OSError:
        log.warning("referral notification e-mail could not be sent (kind %s)", kind)


def mark_seen(user: Any) -> None:
    from strada.referrals.models import NotificationCursor

    NotificationCursor.objects.update_or_create(user=user, defaults={"seen_until": timezone.now()})
