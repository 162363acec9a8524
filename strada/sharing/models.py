"""Spreadsheet import jobs: the uploaded file (encrypted), its dry-run report and its progress.

The file is kept only between upload and import, encrypted with the organisation key and bound to
the job's id; it is erased when the import ends or the job is discarded. The report holds row
numbers, column names and messages, never an identifying value; the preview holds coded columns only.
Background tasks receive the job's id and nothing else.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from strada.orgs.models import Organisation


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Errors found")
        READY = "ready", _("Ready to import")
        IMPORT_QUEUED = "import_queued", _("Waiting to be imported")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    RUNNING = frozenset({Status.QUEUED, Status.CHECKING, Status.IMPORT_QUEUED, Status.IMPORTING})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    format = models.CharField(_("format"), max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))
    file_enc = models.BinaryField(null=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    background = models.BooleanField(default=False)
    # Progress and the dry-run report.
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    clients_count = models.PositiveIntegerField(default=0)
    cases_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "message"}], capped
    preview = models.JSONField(default=list, blank=True)  # first rows, coded columns only
    message = models.CharField(max_length=500, blank=True)
    # SHA-256 of the file a dry run passed without error: the write validates nothing again only
    # when it reads these same bytes.
    checked_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"import {self.id}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int | None:
        """How far the current phase is, or None when it cannot say (the one write transaction)."""
        total = self.rows_total
        if self.status == self.Status.CHECKING and total:
            return min(100, self.rows_checked * 100 // total)
        return None
