"""The network's contact directory: organisations and people it works with, per country."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


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


class Entry(models.Model):
    """An organisation (or a unit of one) in the directory. Not a client record: no personal data of
    clients ever goes here; contact persons are professionals who agreed to be listed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=EntryKind.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")

    def __str__(self) -> str:
        return self.name
