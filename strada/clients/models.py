"""The client (HTCDS ``prs_``): a person the organisation assists, and their consents (``con_``).

Identifying fields are stored only as ciphertext (``*_enc`` columns, see ``clients.identity``);
everything in clear here is coded and non-identifying. A client belongs to exactly one organisation.
"""

from __future__ import annotations

import uuid
from typing import Any

from babel import Locale
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from strada.clients import codes
from strada.orgs.models import Organisation

COUNTRY_CODES = frozenset(code for code, _name in countries)
LANGUAGE_CODES: frozenset[str] = frozenset(
    str(code) for code in Locale("en").languages if "_" not in str(code)
)


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: Any) -> ClientQuerySet:
        """Only the clients of the user's own organisation, and only for roles that may list them."""
        from strada.clients.access import visible_clients

        return visible_clients(user, self)


class Client(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="clients")
    reference = models.CharField(_("reference code"), max_length=32)
    registered_on = models.DateField(_("registered on"))
    # The client's data key, wrapped by the organisation key. Destroying it erases the identity.
    wrapped_key = models.BinaryField(editable=False)

    # Identifying fields: ciphertext only.
    first_name_enc = models.BinaryField(null=True, editable=False)
    middle_name_enc = models.BinaryField(null=True, editable=False)
    second_name_enc = models.BinaryField(null=True, editable=False)
    first_name_latin_enc = models.BinaryField(null=True, editable=False)
    second_name_latin_enc = models.BinaryField(null=True, editable=False)
    aliases_enc = models.BinaryField(null=True, editable=False)
    birth_date_enc = models.BinaryField(null=True, editable=False)
    identity_number_enc = models.BinaryField(null=True, editable=False)
    mobile_phone_enc = models.BinaryField(null=True, editable=False)
    email_enc = models.BinaryField(null=True, editable=False)
    mailing_street_enc = models.BinaryField(null=True, editable=False)
    mailing_city_enc = models.BinaryField(null=True, editable=False)
    has_name = models.BooleanField(default=False, editable=False)

    # Non-identifying, coded fields (HTCDS names without the prs_ prefix).
    gender = models.CharField(
        _("gender"), max_length=24, choices=codes.Gender.choices, default=codes.Gender.NOT_SPECIFIED
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    age_band = models.CharField(
        _("age band"), max_length=8, choices=codes.AgeBand.choices, blank=True
    )
    citizenship = models.JSONField(_("citizenship"), default=list, blank=True)
    primary_language = models.CharField(_("primary language"), max_length=8, blank=True)
    secondary_language = models.CharField(_("secondary language"), max_length=8, blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=24, choices=codes.MaritalStatus.choices, blank=True
    )
    highest_level_of_education = models.CharField(
        _("highest level of education"),
        max_length=40,
        choices=codes.HighestLevelOfEducation.choices,
        blank=True,
    )
    number_of_children = models.PositiveSmallIntegerField(
        _("number of children"), null=True, blank=True
    )
    mailing_country = CountryField(_("country of residence"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="reference_unique_in_organisation"
            )
        ]
        indexes = [
            # The list's order; with the id, a page's ids are read from the index alone.
            models.Index(fields=["organisation", "-registered_on", "-reference", "id"]),
            models.Index(fields=["organisation", "gender"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors = {}
        if not isinstance(self.citizenship, list) or any(
            code not in COUNTRY_CODES for code in self.citizenship
        ):
            errors["citizenship"] = _("Use ISO 3166 country codes, e.g. NL, UA.")
        for name in ("primary_language", "secondary_language"):
            value = getattr(self, name)
            if value and value not in LANGUAGE_CODES:
                errors[name] = _("Use an ISO 639 language code, e.g. uk, ro, en.")
        this_year = timezone.localdate().year
        if self.birth_year is not None and not (this_year - 120 <= self.birth_year <= this_year):
            errors["birth_year"] = _("The birth year must lie in the last 120 years.")
        if errors:
            raise ValidationError(errors)


class SearchToken(models.Model):
    """A blind index entry: HMAC of one normalised value (a name part, an identity number...).

    A citizenship is not secret (the client row holds it in clear), but it is indexed here too: the
    list's filter by a citizenship few clients have then reads those clients by id instead of
    testing every client's list of citizenships."""

    class Kind(models.TextChoices):
        NAME = "name"
        IDENTITY_NUMBER = "idnum"
        PHONE = "phone"
        EMAIL = "email"
        CITIZENSHIP = "cit"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="search_tokens")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["organisation", "token"])]

    def __str__(self) -> str:
        return f"{self.kind} token"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_on__isnull=True)


class Consent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    # The client's organisation, copied: a filter of the client list by consent finds the few
    # clients with a rare consent through this index, and every case-plane row names its tenant.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=24, choices=codes.ConsentPurpose.choices)
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient organisation"),
        help_text=_(
            "For a referral consent: the organisation the client agreed to be referred to."
        ),
    )
    recipient_entry = models.ForeignKey(
        "directory.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient outside the network"),
        help_text=_(
            "For a referral consent: the directory entry the client agreed to be referred to."
        ),
    )
    given_on = models.DateField(_("given on"))
    form = models.CharField(
        _("form"),
        max_length=16,
        choices=codes.ConsentForm.choices,
        default=codes.ConsentForm.WRITTEN,
    )
    wording_version = models.CharField(_("wording version"), max_length=32)
    language = models.CharField(_("language of the wording"), max_length=8)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["purpose", "-given_on"]
        indexes = [
            models.Index(fields=["client", "purpose"]),
            models.Index(fields=["organisation", "purpose", "withdrawn_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None
