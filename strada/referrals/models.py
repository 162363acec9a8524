"""Referrals between organisations, and duplicate alerts across them.

A **referral** carries a *package*: the fields of the client's record the sender chose, and nothing
else, sealed with a key of the referral's own that is wrapped for the sender's and the receiver's
organisation keys. Neither side ever reads the other's client record; an update travels as a new
referral (``in_reply_to``).

A **linkage token** is a keyed fingerprint of a client's name and birth date (``strada.lib.linkage``),
under the network's linkage key; a match between two organisations' tokens raises a **duplicate
alert**, seen by both organisations and never by the secretariat.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strada.clients.models import Client, Consent
from strada.directory.models import Entry
from strada.orgs.models import Organisation
from strada.referrals import codes


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    source_client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, related_name="referrals_sent"
    )
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving organisation"),
    )
    recipient_entry = models.ForeignKey(
        Entry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("directory entry"),
    )
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=codes.Reason.choices)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=codes.Urgency.choices, default=codes.Urgency.ROUTINE
    )
    # The names of the fields in the package (not their values): both sides see what travelled.
    package_fields = models.JSONField(default=list)
    package_enc = models.BinaryField(editable=False)
    sender_wrapped_key = models.BinaryField(editable=False)
    recipient_wrapped_key = models.BinaryField(null=True, editable=False)
    consent = models.ForeignKey(
        Consent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A supervisor's reason for sending without the client's consent, sealed like the package (free
    # text: it may name the client's circumstances). Null when the client consented.
    override_reason_enc = models.BinaryField(null=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=codes.Status.choices, default=codes.Status.SENT
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The receiver's reason for declining, sealed like the package (it may name circumstances).
    decline_reason_enc = models.BinaryField(null=True, editable=False)
    closed_at = models.DateTimeField(_("completed or revoked"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The receiver's own client record, built from the package on acceptance.
    receiver_client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals_received"
    )

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["sender", "-sent_at"]),
            models.Index(fields=["recipient", "status", "-sent_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False)
                | models.Q(recipient_entry__isnull=False),
                name="referral_has_a_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"referral {self.id}"

    @property
    def is_external(self) -> bool:
        return self.recipient_id is None

    @property
    def is_pending(self) -> bool:
        return self.status == codes.Status.SENT

    @property
    def sent_without_consent(self) -> bool:
        return self.override_reason_enc is not None


class ExternalExport(models.Model):
    """One encrypted file of an external referral's package: who made it, when, of which fields,
    for which directory entry, and the file's digest (the password is never stored)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="exports")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=list)
    sha256 = models.CharField(max_length=64)
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return f"export {self.id}"


class LinkageToken(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    kind = models.CharField(max_length=2)

    class Meta:
        indexes = [models.Index(fields=["token"]), models.Index(fields=["client"])]

    def __str__(self) -> str:
        return "linkage token"


class DuplicateAlert(models.Model):
    """Two clients of two organisations who are likely the same person. ``client_a`` is the one with
    the smaller id, so a pair has one alert. Each side sees only its own client."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_a = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    org_a = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    client_b = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    org_b = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    strength = models.CharField(max_length=2)
    found_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=16, choices=codes.AlertStatus.choices, default=codes.AlertStatus.OPEN
    )
    requested_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(null=True)
    answered_at = models.DateTimeField(null=True)
    closed_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(fields=["client_a", "client_b"], name="one_alert_per_pair")
        ]
        indexes = [models.Index(fields=["org_a", "-found_at"]), models.Index(fields=["org_b"])]

    def __str__(self) -> str:
        return f"duplicate alert {self.id}"

    def side(self, org_id: object) -> str:
        """``a`` or ``b``: which side the organisation is on."""
        return "a" if org_id == self.org_a_id else "b"

    def own_client_id(self, org_id: object) -> object:
        return self.client_a_id if org_id == self.org_a_id else self.client_b_id

    def other_org_id(self, org_id: object) -> object:
        return self.org_b_id if org_id == self.org_a_id else self.org_a_id


class Notification(models.Model):
    """Something an organisation's case workers should look at. Holds ids, never personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=codes.NotificationKind.choices)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, null=True, related_name="+")
    alert = models.ForeignKey(DuplicateAlert, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return self.kind


class NotificationCursor(models.Model):
    """Until when a person has seen their organisation's notifications (for the unread badge)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    seen_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"seen until {self.seen_until}"
