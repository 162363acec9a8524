"""Organisations of the network (HTCDS ``org_``) and the roles their people hold."""

from __future__ import annotations

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class OrgKind(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    MEMBER = "member", _("Member")
    AFFILIATE = "affiliate", _("Affiliate")
    PARTNER = "partner", _("Partner")


class OrgType(models.TextChoices):
    """HTCDS ``org_Type`` value names."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    LEGAL = "LegalService", _("Legal service")
    BUSINESS = "CorporateBusiness", _("Corporate business")
    EDUCATION = "SchoolOrCollege", _("School or college")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    DATA_MANAGER = "data_manager", _("Data manager")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    ANALYST = "analyst", _("Analyst")
    NETWORK_ADMIN = "network_admin", _("Network admin")
    PARTNER = "partner", _("Partner")


CASE_ORG_KINDS = frozenset({OrgKind.MEMBER, OrgKind.AFFILIATE})

# Which roles an organisation of each kind may give its people.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrgKind.SECRETARIAT: frozenset({Role.ANALYST, Role.NETWORK_ADMIN, Role.ORG_ADMIN}),
    OrgKind.MEMBER: frozenset(
        {Role.CASEWORKER, Role.SUPERVISOR, Role.DATA_MANAGER, Role.ORG_ADMIN}
    ),
    OrgKind.AFFILIATE: frozenset(
        {Role.CASEWORKER, Role.SUPERVISOR, Role.DATA_MANAGER, Role.ORG_ADMIN}
    ),
    OrgKind.PARTNER: frozenset({Role.PARTNER, Role.ORG_ADMIN}),
}

code_validator = RegexValidator(
    r"^[a-z][a-z0-9]{1,15}$",
    _("Use 2 to 16 lower-case letters or digits, starting with a letter."),
)


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        validators=[code_validator],
        help_text=_("Short code used in user names and reference codes, e.g. 'nl'."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    org_type = models.CharField(
        _("type"), max_length=40, choices=OrgType.choices, default=OrgType.NGO
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    linkage_enabled = models.BooleanField(
        _("duplicate alerts"),
        default=True,
        help_text=_(
            "Compare keyed fingerprints of clients' names and birth dates with other members, to "
            "learn when another member may be assisting the same person. Nothing else is shared."
        ),
    )
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=8,
        help_text=_("Prefix of client reference codes, e.g. 'NL' gives NL-2026-00042."),
    )
    # The organisation key, wrapped by the master key (see strada.orgs.keys).
    wrapped_key = models.BinaryField(editable=False)
    master_key_fingerprint = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        # Reference codes are looked up exactly, in upper case.
        self.reference_prefix = self.reference_prefix.upper()

    @property
    def holds_cases(self) -> bool:
        return self.kind in CASE_ORG_KINDS


class ReferenceCounter(models.Model):
    """The last client number given out per organisation and year (reference codes)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}: {self.last_number}"
