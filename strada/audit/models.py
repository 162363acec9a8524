"""The audit log: append-only, hash-chained events that name acts and ids, never personal data."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    seq = models.BigAutoField(primary_key=True)
    id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_org_id = models.UUIDField(null=True, blank=True)
    # The organisation that owns the object acted on (whose trail this event belongs to).
    org_id = models.UUIDField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    via = models.CharField(max_length=10, blank=True)  # web, api, cli, task
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"]),
            # The organisation's audit log also lists what its people did to others' objects.
            models.Index(fields=["actor_org_id"], name="audit_actor_org_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class ChainHead(models.Model):
    """One row: the last event's number and hash. Locked by every writer so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
