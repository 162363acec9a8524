"""The network's contact directory: organisations and people it works with, per country.

Not the case plane: nothing here is about a client. Every signed-in user reads the directory; the
secretariat keeps all of it and an organisation admin keeps the entries of their own organisation
(``directory.access``). Multi-value fields (phones, e-mails, services, languages) are JSON lists of
codes or strings, validated by ``Entry.clean`` so that pages, API, imports and the demo agree.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from strada.clients.models import LANGUAGE_CODES
from strada.orgs.models import Organisation

MAX_VALUES = 10  # phones, e-mails, languages of one entry or person

phone_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{3,30}$",
    _("Use digits, spaces and an optional leading +, e.g. +31 20 123 4567."),
)


class EntryKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    POLICE = "police", _("Police")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Labour inspectorate")
    EMBASSY = "embassy", _("Embassy or consulate")
    SHELTER = "shelter", _("Shelter")
    LAWYER = "lawyer", _("Lawyer")
    HOTLINE = "hotline", _("Hotline")
    HEALTH = "health", _("Health service")
    SOCIAL_SERVICES = "social_services", _("Social services")
    MIGRATION = "migration", _("Migration authority")
    PROSECUTION = "prosecution", _("Prosecution or court")
    INTERNATIONAL = "international", _("International organisation")
    OTHER = "other", _("Other")


class ServiceOffered(models.TextChoices):
    """What an entry offers to the people the network refers. Close to the support types of HTCDS
    ``spl_`` where they overlap; the network adds hotline, labour rights, identification and the
    accommodation that few places offer (men, minors)."""

    SHELTER = "shelter", _("Shelter / safe accommodation")
    ACCOMMODATION_MEN = "accommodation_men", _("Accommodation for men")
    ACCOMMODATION_MINORS = "accommodation_minors", _("Accommodation for minors")
    LEGAL_AID = "legal_aid", _("Legal aid")
    MEDICAL = "medical", _("Medical care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    INTERPRETATION = "interpretation", _("Interpretation")
    RETURN = "return", _("Return assistance")
    REINTEGRATION = "reintegration", _("Reintegration")
    HOTLINE = "hotline", _("Hotline")
    LABOUR_RIGHTS = "labour_rights", _("Labour rights")
    IDENTIFICATION = "identification", _("Identification of victims")
    DOCUMENTS = "documents", _("Identity and travel documents")
    FINANCIAL = "financial", _("Material and financial help")
    SOCIAL = "social", _("Social assistance")


def language_names(codes: list[str]) -> list[str]:
    """The languages' names in the user's language (ISO codes as they are when unknown)."""
    from strada.clients.forms import language_choices

    names = dict(language_choices())
    return [str(names.get(code, code)) for code in codes]


def _check_list(values: Any, check: Any, message: Any) -> None:
    if not isinstance(values, list) or len(values) > MAX_VALUES:
        raise ValidationError(
            _("Give a list of at most %(max)d values.") % {"max": MAX_VALUES}, code="list"
        )
    for value in values:
        if not isinstance(value, str) or not check(value):
            raise ValidationError(message, code="invalid")


def _is_phone(value: str) -> bool:
    try:
        phone_validator(value)
    except ValidationError:
        return False
    return True


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254


def validate_phones(values: Any) -> None:
    _check_list(values, _is_phone, _("Use digits, spaces and an optional leading +."))


def validate_emails(values: Any) -> None:
    _check_list(values, _is_email, _("Enter valid e-mail addresses."))


def validate_languages(values: Any) -> None:
    _check_list(
        values,
        lambda code: code in LANGUAGE_CODES,
        _("Use ISO 639 language codes, e.g. uk, ro, en."),
    )


def validate_services(values: Any) -> None:
    _check_list(
        values,
        lambda code: code in ServiceOffered.values,
        _("Unknown service: choose from the list."),
    )


class Entry(models.Model):
    """An organisation (or a unit of one) in the directory. Not a client record: no personal data of
    clients ever goes here; contact persons are professionals who agreed to be listed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=EntryKind.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phones = models.JSONField(_("phones"), default=list, blank=True, validators=[validate_phones])
    emails = models.JSONField(_("e-mails"), default=list, blank=True, validators=[validate_emails])
    website = models.URLField(_("website"), max_length=200, blank=True)
    services = models.JSONField(
        _("services offered"), default=list, blank=True, validators=[validate_services]
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_languages]
    )
    notes = models.TextField(
        _("notes for professionals"),
        max_length=4000,
        blank=True,
        help_text=_("How to reach them, what to ask for, opening hours. Never about a client."),
    )
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    # Who keeps the entry; empty means the secretariat.
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_entries",
        verbose_name=_("kept by"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        indexes = [models.Index(fields=["country", "name"], name="directory_country_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.last_verified and self.last_verified > timezone.localdate():
            raise ValidationError({"last_verified": _("This date lies in the future.")})

    @property
    def verification_overdue(self) -> bool:
        """Not verified at all, or more than 12 months ago: the page warns."""
        if self.last_verified is None:
            return True
        today = timezone.localdate()
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return self.last_verified < year_ago

    def language_labels(self) -> list[str]:
        return language_names(self.languages)

    def service_labels(self) -> list[str]:
        labels = dict(ServiceOffered.choices)
        return [str(labels.get(code, code)) for code in self.services]


class ContactPerson(models.Model):
    """A professional to ask for at an entry (never a client): name, function and direct line."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_languages]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    def language_labels(self) -> list[str]:
        return language_names(self.languages)
