"""The statistics plane (DESIGN §5): the indicator catalogue, reporting rounds, national submissions
and their observations. Nothing here identifies a person: observations are counts that members
computed from their own consented case records (or entered by hand), reviewed and submitted.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from strada.orgs.models import Organisation


class CountingUnit(models.TextChoices):
    PERSON = "person", _("Persons")
    CASE = "case", _("Cases")
    EVENT = "event", _("Events")
    CONTACT = "contact", _("Contacts")
    AMOUNT = "amount", _("Amount (EUR)")
    DAYS = "days", _("Days")


class Indicator(models.Model):
    """One indicator of the catalogue, in one version. A changed definition is a new version; rounds
    keep the version they were opened with, so figures stay comparable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"))
    # Names and definitions in other languages: {"uk": {"name": ..., "definition": ...}, ...}.
    translations = models.JSONField(default=dict, blank=True)
    unit = models.CharField(_("counting unit"), max_length=12, choices=CountingUnit.choices)
    # Dimensions the figure is broken down by (see stats.dimensions), e.g. ["sex", "age_group"].
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    # The name of the computation in stats.compute.COMPUTATIONS, or "" for a manual figure.
    computation = models.CharField(_("computed by"), max_length=60, blank=True)
    # Rules checked on a submission: {"min": 0, "max": ..., "not_above": "<other code>"}.
    validation = models.JSONField(_("validation rules"), default=dict, blank=True)
    cross_references = models.JSONField(_("cross-references"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="indicator_code_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def is_manual(self) -> bool:
        return not self.computation

    def localised(self, field: str) -> str:
        language = (get_language() or "en")[:2]
        value = self.translations.get(language, {}).get(field)
        return str(value or getattr(self, field))


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReportingRound(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    half = models.PositiveSmallIntegerField(
        _("half-year"), null=True, blank=True, choices=[(1, _("First half")), (2, _("Second half"))]
    )
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    indicators = models.ManyToManyField(Indicator, related_name="rounds", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="one_round_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.year}" + (f" H{self.half}" if self.half else "")

    def clean(self) -> None:
        if self.deadline and self.opens_on and self.deadline < self.opens_on:
            raise ValidationError({"deadline": _("The deadline cannot come before the opening.")})

    @property
    def period(self) -> tuple[Any, Any]:
        """The first and last day the round reports on."""
        import datetime as dt

        if self.half == 1:
            return dt.date(self.year, 1, 1), dt.date(self.year, 6, 30)
        if self.half == 2:
            return dt.date(self.year, 7, 1), dt.date(self.year, 12, 31)
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    PUBLISHED = "published", _("Published")


class Submission(models.Model):
    """One organisation's figures for one round. Accepted figures are frozen."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="submissions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    narrative = models.TextField(
        _("patterns and practices"),
        blank=True,
        help_text=_("New routes, recruitment methods, good practices. No names or case details."),
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    # Clients left out of the computed figures because they did not consent to statistics.
    excluded_without_consent = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("comment of the secretariat"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="one_submission_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.round}"

    @property
    def is_frozen(self) -> bool:
        return self.status in (SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED)

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


class Flag(models.TextChoices):
    OK = "ok", _("Value")
    SUPPRESSED = "suppressed", _("Suppressed (small count)")
    MISSING = "missing", _("Missing")
    NOT_APPLICABLE = "na", _("Not applicable")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from case records")
    MANUAL = "manual", _("Entered by hand")


class Observation(models.Model):
    """One figure in long format: indicator by disaggregation cell, with its status flag.

    ``cell`` is the disaggregation as a canonical string ("" for the total, else sorted
    ``dimension=value`` pairs joined by "|", e.g. "age_group=adult|sex=female")."""

    id = models.BigAutoField(primary_key=True)
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="observations"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    cell = models.CharField(max_length=200, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    flag = models.CharField(max_length=12, choices=Flag.choices, default=Flag.OK)
    source = models.CharField(max_length=10, choices=Source.choices)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["submission", "indicator", "cell"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "cell"], name="one_observation_per_cell"
            )
        ]
        indexes = [models.Index(fields=["indicator", "cell"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} [{self.cell}] = {self.value}"


class ContextFigure(models.Model):
    """Official statistics loaded by the secretariat (UNODC, Eurostat…) to show beside members'."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(_("source"), max_length=100)
    dataset = models.CharField(_("dataset"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    indicator_code = models.CharField(_("indicator"), max_length=40, blank=True)
    label = models.CharField(_("label"), max_length=200)
    cell = models.CharField(max_length=200, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "year", "label"]
        indexes = [models.Index(fields=["country", "year"])]

    def __str__(self) -> str:
        return f"{self.source} {self.country} {self.year}: {self.label}"


class NetworkSetting(models.Model):
    """Network-wide settings of the statistics plane (one row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    suppression_threshold = models.PositiveSmallIntegerField(
        _("suppression threshold"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Counts from 1 to this number are suppressed when figures leave a member."),
    )

    def __str__(self) -> str:
        return f"threshold {self.suppression_threshold}"
