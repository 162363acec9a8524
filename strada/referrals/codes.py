"""Code lists of referrals. ``Reason`` is HTCDS ``cas_ReasonForOutgoingReferral``; urgency and the
statuses are the network's own (not in HTCDS).

The statuses are short words that other pages use too, with another grammatical gender or meaning
in some languages (a referral, an alert, a case, a reporting round): their labels carry a context,
"referral status" and "duplicate alert status", so that each is translated on its own. Templates
that name a status use the same context (written out: makemessages reads literals only).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Reason(models.TextChoices):
    ADDITIONAL_SERVICES = "AdditionalServicesRequired", _("Additional services required")
    MIGRATION = "MigrationOrChangeOfLocation", _("Migration or change of location")
    OTHER = "Other", _("Other")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent (within a week)")
    EMERGENCY = "emergency", _("Emergency (within a day)")


class Status(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")
    REVOKED = "revoked", pgettext_lazy("referral status", "Revoked")


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("duplicate alert status", "Open")
    REQUESTED = "requested", pgettext_lazy("duplicate alert status", "Contact requested")
    CONNECTED = "connected", pgettext_lazy("duplicate alert status", "In contact")
    DECLINED = "declined", pgettext_lazy("duplicate alert status", "Contact declined")
    DISMISSED = "dismissed", pgettext_lazy("duplicate alert status", "Not the same person")
    WITHDRAWN = "withdrawn", pgettext_lazy("duplicate alert status", "Withdrawn")


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
