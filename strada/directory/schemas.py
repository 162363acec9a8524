"""API schemas of the directory: they validate as the forms do (lengths, codes, phones, e-mails) and
reject unknown fields."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from strada.clients.models import COUNTRY_CODES, LANGUAGE_CODES
from strada.directory.models import (
    MAX_VALUES,
    ContactPerson,
    Entry,
    EntryKind,
    ServiceOffered,
    phone_validator,
)

INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _invalid(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _country(value: str | None) -> str | None:
    if value is not None and value not in COUNTRY_CODES:
        raise _invalid("country_code", _("Use ISO 3166 country codes, e.g. NL, UA."))
    return value


def _languages(values: list[str] | None) -> list[str] | None:
    for code in values or []:
        if code not in LANGUAGE_CODES:
            raise _invalid("language_code", _("Use ISO 639 language codes, e.g. uk, ro, en."))
    return values


def _phones(values: list[str] | None) -> list[str] | None:
    for value in values or []:
        try:
            phone_validator(value)
        except DjangoValidationError:
            raise _invalid(
                "phone", _("Use digits, spaces and an optional leading +, e.g. +31 20 123 4567.")
            ) from None
    return values


def _emails(values: list[str] | None) -> list[str] | None:
    for value in values or []:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise _invalid("email", _("Enter a valid e-mail address.")) from None
    return values


def _website(value: str | None) -> str | None:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise _invalid(
                "url", _("Enter a full web address, e.g. https://example.org.")
            ) from None
    return value


def _not_future(value: dt.date | None) -> dt.date | None:
    if value and value > timezone.localdate():
        raise _invalid("future_date", _("This date lies in the future."))
    return value


class EntryIn(Schema):
    """A new entry. ``owner_id`` is for the secretariat only: an organisation admin's entries are
    always kept by their own organisation."""

    model_config = INPUT

    name: str = Field(min_length=1, max_length=200)
    kind: EntryKind
    country: str = Field(description="ISO 3166 country code.", examples=["NL"])
    city: str = Field("", max_length=100)
    street: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=20)
    phones: list[str] = Field(default_factory=list, examples=[["+31 20 123 4567"]])
    emails: list[str] = Field(default_factory=list, examples=[["info@shelter.example"]])
    website: str = Field("", max_length=200)
    services: list[ServiceOffered] = Field(default_factory=list, max_length=len(ServiceOffered))
    languages: list[str] = Field(
        default_factory=list, description="ISO 639-1 codes.", examples=[["nl", "en"]]
    )
    notes: str = Field("", max_length=4000)
    last_verified: dt.date | None = None
    owner_id: uuid.UUID | None = Field(None, description="Empty: kept by the secretariat.")

    _valid_country = field_validator("country")(_country)
    _valid_languages = field_validator("languages")(_languages)
    _valid_phones = field_validator("phones")(_phones)
    _valid_emails = field_validator("emails")(_emails)
    _valid_website = field_validator("website")(_website)
    _valid_last_verified = field_validator("last_verified")(_not_future)

    @field_validator("phones", "emails", "languages")
    @classmethod
    def _at_most(cls, values: list[str] | None) -> list[str] | None:
        if values is not None and len(values) > MAX_VALUES:
            raise _invalid("too_long", _("At most %(max)d values.") % {"max": MAX_VALUES})
        return values

    def values(self, only_given: bool = False) -> dict[str, Any]:
        """The fields as ``directory.actions`` takes them (``owner`` resolved by the caller)."""
        names = [n for n in type(self).model_fields if n not in ("owner_id", "active")]
        if only_given:
            names = [n for n in names if n in self.model_fields_set]
        values: dict[str, Any] = {}
        for name in names:
            value = getattr(self, name)
            if name == "services":
                value = [service.value for service in value or []]
            elif name == "kind" and value is not None:
                value = value.value
            elif value is None and name != "last_verified":
                value = [] if name in ("phones", "emails", "languages") else ""
            values[name] = value
        return values


class EntryPatch(EntryIn):
    """A change: only the fields given change; ``null`` empties an optional field."""

    name: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    kind: EntryKind = Field(None)  # type: ignore[assignment]
    country: str = Field(None, description="ISO 3166 country code.")  # type: ignore[assignment]
    city: str | None = Field(None, max_length=100)  # type: ignore[assignment]
    street: str | None = Field(None, max_length=200)  # type: ignore[assignment]
    postal_code: str | None = Field(None, max_length=20)  # type: ignore[assignment]
    phones: list[str] | None = None  # type: ignore[assignment]
    emails: list[str] | None = None  # type: ignore[assignment]
    website: str | None = Field(None, max_length=200)  # type: ignore[assignment]
    services: list[ServiceOffered] | None = None  # type: ignore[assignment]
    languages: list[str] | None = None  # type: ignore[assignment]
    notes: str | None = Field(None, max_length=4000)  # type: ignore[assignment]
    active: bool | None = Field(None, description="false deactivates, true reactivates.")

    @field_validator("name", "kind", "country")
    @classmethod
    def _required(cls, value: Any) -> Any:
        if value is None:
            raise _invalid("missing", _("This field cannot be emptied."))
        return value


class EntryFilters(Schema):
    q: str = Field("", max_length=200, description="Part of a name, a city or a person's name.")
    country: str | None = Field(None, description="ISO 3166 country code.")
    kind: EntryKind | None = None
    service: ServiceOffered | None = None
    language: str | None = Field(None, description="ISO 639-1 code.")
    include_inactive: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.STRADA_PAGE_SIZE, ge=1, le=100)

    _valid_country = field_validator("country")(_country)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        _languages([value] if value else [])
        return value


class ContactPersonOut(Schema):
    id: uuid.UUID
    name: str
    function: str
    phone: str
    email: str
    languages: list[str]

    @classmethod
    def build(cls, person: ContactPerson) -> "ContactPersonOut":
        return cls(
            id=person.id,
            name=person.name,
            function=person.function,
            phone=person.phone,
            email=person.email,
            languages=list(person.languages),
        )


class EntryOut(Schema):
    id: uuid.UUID
    name: str
    kind: EntryKind
    country: str
    city: str
    street: str
    postal_code: str
    phones: list[str]
    emails: list[str]
    website: str
    services: list[ServiceOffered]
    languages: list[str]
    notes: str
    last_verified: dt.date | None
    verification_overdue: bool = Field(description="Not verified in the last 12 months.")
    owner_id: uuid.UUID | None = Field(description="Who keeps it; null: the secretariat.")
    active: bool
    people: list[ContactPersonOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def build(cls, entry: Entry) -> "EntryOut":
        """The answer for one entry; ``people`` should be prefetched."""
        return cls(
            id=entry.id,
            name=entry.name,
            kind=EntryKind(entry.kind),
            country=entry.country.code,
            city=entry.city,
            street=entry.street,
            postal_code=entry.postal_code,
            phones=list(entry.phones),
            emails=list(entry.emails),
            website=entry.website,
            services=[ServiceOffered(code) for code in entry.services],
            languages=list(entry.languages),
            notes=entry.notes,
            last_verified=entry.last_verified,
            verification_overdue=entry.verification_overdue,
            owner_id=entry.owner_id,
            active=entry.active,
            people=[ContactPersonOut.build(person) for person in entry.people.all()],
            created_at=entry.created_at,
            updated_at=entry.updated_at,
        )


class EntryList(Schema):
    items: list[EntryOut]
    count: int = Field(description="All matching entries, on every page.")
    page: int
    page_size: int
