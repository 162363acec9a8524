"""Code lists of referrals. ``Reason`` is HTCDS ``cas_ReasonForOutgoingReferral``; urgency and the
statuses are the network's own (not in HTCDS)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    ADDITIONAL_SERVICES = "AdditionalServicesRequired", _("Additional services required")
    MIGRATION = "MigrationOrChangeOfLocation", _("Migration or change of location")
    OTHER = "Other", _("Other")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent (within a week)")
    EMERGENCY = "emergency", _("Emergency (within a day)")


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REQUESTED = "requested", _("Contact requested")
    CONNECTED = "connected", _("In contact")
    DECLINED = "declined", _("Contact declined")
    DISMISSED = "dismissed", _("Not the same person")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NotificationKind(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("A referral was received")
    REFERRAL_ACCEPTED = "referral_accepted", _("A referral was accepted")
    REFERRAL_DECLINED = "referral_declined", _("A referral was declined")
    REFERRAL_REVOKED = "referral_revoked", _("A referral was revoked")
    REFERRAL_COMPLETED = "referral_completed", _("A referral was completed")
    DUPLICATE_FOUND = "duplicate_found", _("Another member may be assisting one of your clients")
    CONTACT_REQUESTED = "contact_requested", _("A contact request about one of your clients")
    CONTACT_ACCEPTED = "contact_accepted", _("A contact request was accepted")
    CONTACT_DECLINED = "contact_declined", _("A contact request was declined")
