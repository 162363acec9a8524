"""The case record under a client (HTCDS ``vic_`` + ``cas_``), its route (``hte_``), perpetrator
roles (``per_``), support plan and services (``spl_``), legal steps, compensation and notes (``cco_``).

Everything here is coded except the notes and the support plan's objectives, which are encrypted
with the client's key like the identity. Every row belongs to one organisation through its case.
"""

from __future__ import annotations

import uuid
from typing import Any

from babel.numbers import list_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from strada.cases import codes
from strada.clients.models import Client
from strada.orgs.models import Organisation

CURRENCIES = frozenset(list_currencies())


def _validate_codes(value: object, allowed: frozenset[str]) -> None:
    if not isinstance(value, list) or any(item not in allowed for item in value):
        raise ValidationError(_("Unknown code in the list."))


def _values(choices: Any) -> frozenset[str]:
    return frozenset(choices.values)


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="cases")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("case number"))
    opened_on = models.DateField(_("opened on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case owner"),
    )
    # Victim (vic_)
    trafficking_status = models.CharField(
        _("trafficking status"),
        max_length=32,
        choices=codes.TraffickingStatus.choices,
        default=codes.TraffickingStatus.POSSIBLE,
    )
    trafficking_status_decision_making_org = models.CharField(
        _("status decided by"),
        max_length=40,
        choices=codes.TraffickingStatusDecisionMakingOrg.choices,
        blank=True,
    )
    identification_date = models.DateField(_("identification date"), null=True, blank=True)
    identification_actor = models.CharField(
        _("identified by"), max_length=32, choices=codes.IdentificationActor.choices, blank=True
    )
    relationship_to_trafficker = models.CharField(
        _("relationship to trafficker"),
        max_length=16,
        choices=codes.RelationshipToTrafficker.choices,
        blank=True,
    )
    age_when_trafficked = models.PositiveSmallIntegerField(
        _("age when trafficked"), null=True, blank=True, validators=[MaxValueValidator(110)]
    )
    recruitment_websites_and_apps = models.JSONField(
        _("recruitment websites and apps"), default=list, blank=True
    )
    method_of_recruitment = models.JSONField(_("method of recruitment"), default=list, blank=True)
    methods_of_control = models.JSONField(_("methods of control"), default=list, blank=True)
    type_of_exploitation = models.JSONField(_("types of exploitation"), default=list, blank=True)
    forced_labour_industry = models.CharField(
        _("forced labour industry"),
        max_length=60,
        choices=codes.ForcedLabourIndustry.choices,
        blank=True,
    )
    type_of_sex_exploitation = models.JSONField(
        _("type of sexual exploitation"), default=list, blank=True
    )
    exploitation_websites_and_apps = models.JSONField(
        _("exploitation websites and apps"), default=list, blank=True
    )
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    # Case (cas_)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=codes.CaseStatus.choices,
        default=codes.CaseStatus.ACTIVE,
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reason_for_case_closure = models.CharField(
        _("reason for closure"),
        max_length=24,
        choices=codes.ReasonForCaseClosure.choices,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    LIST_FIELDS: dict[str, Any] = {
        "recruitment_websites_and_apps": codes.WebsitesAndApps,
        "method_of_recruitment": codes.MethodOfRecruitment,
        "methods_of_control": codes.MethodsOfControl,
        "type_of_exploitation": codes.TypeOfExploitation,
        "type_of_sex_exploitation": codes.TypeOfSexExploitation,
        "exploitation_websites_and_apps": codes.WebsitesAndApps,
        "vulnerabilities": codes.Vulnerabilities,
    }
    LIST_CODES = {name: _values(choices) for name, choices in LIST_FIELDS.items()}

    class Meta:
        ordering = ["client", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "number"], name="case_number_unique_per_client"
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.client_id}/{self.number}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        for name, allowed in self.LIST_CODES.items():
            try:
                _validate_codes(getattr(self, name), allowed)
            except ValidationError as error:
                errors[name] = error
        closed = self.status in (codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED)
        if closed and not self.reason_for_case_closure:
            errors["reason_for_case_closure"] = _("Say why the case was closed.")
        if closed and not self.closed_on:
            errors["closed_on"] = _("Give the date the case was closed.")
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("A case cannot close before it opened.")
        if errors:
            raise ValidationError(errors)


class TraffickingEvent(models.Model):
    """One leg of the route: where and when the person was recruited, moved or exploited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=16, choices=codes.TraffickingEventType.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("place"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["case", "sequence", "date"]

    def __str__(self) -> str:
        return f"{self.type} {self.country}"


class PerpetratorRole(models.Model):
    """A perpetrator, coded only: roles in the process, gender and citizenship. No names."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    role_in_process = models.JSONField(_("roles in the process"), default=list)
    gender = models.CharField(_("gender"), max_length=24, blank=True)
    citizenship = CountryField(_("citizenship"), blank=True)

    def __str__(self) -> str:
        return ", ".join(self.role_in_process)

    def clean(self) -> None:
        if not self.role_in_process:
            raise ValidationError({"role_in_process": _("Choose at least one role.")})
        try:
            _validate_codes(self.role_in_process, _values(codes.RoleInProcess))
        except ValidationError as error:
            raise ValidationError({"role_in_process": error}) from error


class SupportPlan(models.Model):
    """The case's support plan (HTCDS ``spl_``): objectives (encrypted) and dates."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="plan", primary_key=True
    )
    objectives_enc = models.BinaryField(null=True, editable=False)
    planned_end_date = models.DateField(_("planned end"), null=True, blank=True)
    actual_end_date = models.DateField(_("actual end"), null=True, blank=True)

    def __str__(self) -> str:
        return f"plan {self.case_id}"


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    type = models.CharField(_("service"), max_length=24, choices=codes.ServiceType.choices)
    provider_kind = models.CharField(
        _("provider"),
        max_length=12,
        choices=codes.ProviderKind.choices,
        default=codes.ProviderKind.OWN,
    )
    provider_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("network organisation"),
    )  # fmt: skip
    provider_entry = models.ForeignKey(
        "directory.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("directory entry"),
    )  # fmt: skip
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=codes.ServiceOutcome.choices,
        default=codes.ServiceOutcome.ONGOING,
    )

    class Meta:
        ordering = ["case", "start_date"]
        # (case, start_date, type): a case's services in order, and the services of a period by
        # case and type (statistics, stats/compute.py) without reading the table.
        indexes = [models.Index(fields=["case", "start_date", "type"])]

    def __str__(self) -> str:
        return self.type

    def clean(self) -> None:
        errors = {}
        if self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("A service cannot end before it starts.")
        if self.provider_kind == codes.ProviderKind.NETWORK and not self.provider_organisation_id:
            errors["provider_organisation"] = _("Choose the organisation of the network.")
        if self.provider_kind == codes.ProviderKind.DIRECTORY and not self.provider_entry_id:
            errors["provider_entry"] = _("Choose the directory entry.")
        if errors:
            raise ValidationError(errors)


class LegalProceeding(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_steps")
    step = models.CharField(_("step"), max_length=24, choices=codes.LegalStep.choices)
    country = CountryField(_("country"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=24,
        choices=codes.LegalOutcome.choices,
        default=codes.LegalOutcome.PENDING,
    )

    class Meta:
        ordering = ["case", "start_date"]
        indexes = [models.Index(fields=["start_date"])]  # the steps of a period (statistics)

    def __str__(self) -> str:
        return self.step

    def clean(self) -> None:
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end cannot come before the start.")})


class Compensation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="compensations")
    route = models.CharField(_("route"), max_length=16, choices=codes.CompensationRoute.choices)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    claimed_amount = models.DecimalField(
        _("claimed"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    claimed_on = models.DateField(_("claimed on"), null=True, blank=True)
    awarded_amount = models.DecimalField(
        _("awarded"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("paid"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["case", "claimed_on"]

    def __str__(self) -> str:
        return f"{self.route} {self.currency}"

    def clean(self) -> None:
        errors = {}
        if self.currency not in CURRENCIES:
            errors["currency"] = _("Use an ISO 4217 currency code, e.g. EUR.")
        if self.claimed_amount is None and self.awarded_amount is None and self.paid_amount is None:
            errors["claimed_amount"] = _("Give at least one amount.")
        if errors:
            raise ValidationError(errors)


class CaseNote(models.Model):
    """Free text about the case (HTCDS ``cco_CaseComment``), encrypted with the client's key.

    Visible to caseworkers and supervisors of the owning organisation only; never exported or
    aggregated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)
    text_enc = models.BinaryField(editable=False)

    class Meta:
        ordering = ["case", "-written_at"]

    def __str__(self) -> str:
        return f"note {self.id}"
