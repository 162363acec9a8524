"""API schemas of the client register: they validate as the forms do (lengths, codes, dates), and
reject unknown fields. Coded fields carry HTCDS value names; identifying fields are all optional.
"""

import datetime as dt
import enum
import uuid
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from strada.clients import codes
from strada.clients.actions import CODED_FIELDS
from strada.clients.forms import (
    REFERRAL_NAMES_NO_RECIPIENT,
    REFERRAL_NAMES_TWO_RECIPIENTS,
    phone_validator,
)
from strada.clients.identity import Identity
from strada.clients.models import COUNTRY_CODES, LANGUAGE_CODES, Client, Consent
from strada.lib import names

# Input: unknown fields are an error (a misspelt field must not be silently dropped).
INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)
MAX_CITIZENSHIPS = 5
NUMBERS = frozenset({"birth_year", "number_of_children"})


def _invalid(kind: str, message: str) -> PydanticCustomError:
    # A custom error reads "Use ISO..." where a ValueError would read "Value error, Use ISO...".
    return PydanticCustomError(kind, message)


def _country(value: str | None) -> str | None:
    if value and value not in COUNTRY_CODES:
        raise _invalid("country_code", _("Use ISO 3166 country codes, e.g. NL, UA."))
    return value


def _language(value: str | None) -> str | None:
    if value and value not in LANGUAGE_CODES:
        raise _invalid("language_code", _("Use an ISO 639 language code, e.g. uk, ro, en."))
    return value


def _not_future(value: dt.date | None) -> dt.date | None:
    if value and value > timezone.localdate():
        raise _invalid("future_date", _("This date lies in the future."))
    return value


def _birth_year(value: int | None) -> int | None:
    this_year = timezone.localdate().year
    if value is not None and not (this_year - 120 <= value <= this_year):
        raise _invalid("birth_year", _("The birth year must lie in the last 120 years."))
    return value


class IdentityIn(Schema):
    """The identifying fields, each optional: a client may stay anonymous. ``null`` or ``""``
    leaves a field empty."""

    model_config = INPUT

    first_name: str = Field("", max_length=100, description="In the original script, e.g. Олена.")
    middle_name: str = Field("", max_length=100)
    second_name: str = Field("", max_length=100, description="Family name, original script.")
    first_name_latin: str = Field(
        "", max_length=100, description="Filled in from first_name when left empty."
    )
    second_name_latin: str = Field(
        "", max_length=100, description="Filled in from second_name when left empty."
    )
    aliases: str = Field("", max_length=200)
    birth_date: dt.date | None = None
    identity_number: str = Field("", max_length=50)
    mobile_phone: str = Field("", max_length=30, examples=["+31 20 123 4567"])
    email: str = Field("", max_length=200)
    mailing_street: str = Field("", max_length=200)
    mailing_city: str = Field("", max_length=100)

    @field_validator("*", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any, info: Any) -> Any:
        return "" if value is None and info.field_name != "birth_date" else value

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth_date(cls, value: dt.date | None) -> dt.date | None:
        _not_future(value)
        if value and value.year < timezone.localdate().year - 120:
            raise _invalid("birth_date", _("This birth date is more than 120 years ago."))
        return value

    @field_validator("mobile_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        try:
            if value:
                phone_validator(value)
        except DjangoValidationError as error:
            raise _invalid("phone", str(error.messages[0])) from None
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        try:
            if value:
                validate_email(value)
        except DjangoValidationError:
            raise _invalid("email", _("Enter a valid e-mail address.")) from None
        return value

    def apply_to(self, identity: Identity) -> Identity:
        """The identity with the fields given in this request changed, the others kept.

        A Latin spelling that was derived from the old name is derived again from the new one.
        """
        values = asdict(identity)
        given = self.model_fields_set
        for name in ("first_name", "second_name"):
            latin = f"{name}_latin"
            derived = values[latin] == names.transliterate(values[name])
            if name in given and latin not in given and derived:
                values[latin] = ""
        values.update({name: getattr(self, name) for name in given})
        return Identity(**values)


class ClientFields(Schema):
    """The coded (non-identifying) fields, HTCDS ``prs_`` names, and the identity."""

    model_config = INPUT

    gender: codes.Gender = codes.Gender.NOT_SPECIFIED
    birth_year: int | None = Field(None, description="When the full birth date is not known.")
    age_band: codes.AgeBand | None = Field(
        None, description="When not even the birth year is known."
    )
    citizenship: list[str] = Field(
        default_factory=list,
        max_length=MAX_CITIZENSHIPS,
        description="ISO 3166 country codes.",
        examples=[["UA"]],
    )
    primary_language: str | None = Field(None, description="ISO 639 code, e.g. uk.")
    secondary_language: str | None = Field(None, description="ISO 639 code.")
    marital_status: codes.MaritalStatus | None = None
    highest_level_of_education: codes.HighestLevelOfEducation | None = None
    number_of_children: int | None = Field(None, ge=0, le=30)
    mailing_country: str | None = Field(None, description="Country of residence, ISO 3166.")
    identity: IdentityIn | None = None

    _valid_birth_year = field_validator("birth_year")(_birth_year)
    _valid_countries = field_validator("mailing_country")(_country)
    _valid_languages = field_validator("primary_language", "secondary_language")(_language)

    @field_validator("citizenship")
    @classmethod
    def _citizenship(cls, value: list[str]) -> list[str]:
        for code in value:
            _country(code)
        return sorted(set(value))

    @model_validator(mode="after")
    def _birth_year_matches_birth_date(self) -> "ClientFields":
        birth_date = self.identity.birth_date if self.identity else None
        if birth_date and self.birth_year and birth_date.year != self.birth_year:
            raise _invalid("birth_year", _("The birth year does not match the birth date."))
        return self

    def coded(self, only_given: bool = False) -> dict[str, Any]:
        """The coded fields as the model stores them: text fields empty rather than null."""
        wanted = [n for n in CODED_FIELDS if not only_given or n in self.model_fields_set]
        values: dict[str, Any] = {}
        for name in wanted:
            value = getattr(self, name)
            if isinstance(value, enum.Enum):
                value = value.value
            elif value is None and name not in NUMBERS:
                value = ""
            values[name] = value
        return values


class ClientFilters(Schema):
    q: str = Field(
        "",
        max_length=200,
        description="A reference code, a whole name part in any script (olena finds Олена), "
        "an identity number, phone or e-mail.",
    )
    gender: codes.Gender | None = None
    citizenship: str | None = Field(None, description="ISO 3166 country code.")
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.STRADA_PAGE_SIZE, ge=1, le=100)

    _valid_citizenship = field_validator("citizenship")(_country)


class ConsentIn(Schema):
    model_config = INPUT

    purpose: codes.ConsentPurpose
    given_on: dt.date | None = Field(
        None, description="Today (or the registration date) if left out."
    )
    form: codes.ConsentForm = codes.ConsentForm.WRITTEN
    wording_version: str = Field(min_length=1, max_length=32, examples=["2026-1"])
    language: str = Field(description="Language of the consent text, ISO 639.", examples=["uk"])
    recipient_id: uuid.UUID | None = Field(
        None, description="Only for a referral consent: the organisation the client agreed to."
    )
    recipient_entry_id: uuid.UUID | None = Field(
        None,
        description="Only for a referral consent outside the network: the directory entry the "
        "client agreed to. A referral consent names either recipient_id or recipient_entry_id.",
    )

    _valid_given_on = field_validator("given_on")(_not_future)

    @field_validator("language")
    @classmethod
    def _consent_language(cls, value: str) -> str:
        if not value:
            raise _invalid("language_code", _("Say in which language the consent was read."))
        _language(value)
        return value

    @model_validator(mode="after")
    def _recipient_for_referrals_only(self) -> "ConsentIn":
        named = [r for r in (self.recipient_id, self.recipient_entry_id) if r is not None]
        if self.purpose == codes.ConsentPurpose.REFERRAL and not named:
            raise _invalid("recipient", str(REFERRAL_NAMES_NO_RECIPIENT))
        if self.purpose == codes.ConsentPurpose.REFERRAL and len(named) == 2:
            raise _invalid("recipient", str(REFERRAL_NAMES_TWO_RECIPIENTS))
        if self.purpose != codes.ConsentPurpose.REFERRAL and named:
            raise _invalid("recipient", _("Only a referral consent names a recipient."))
        return self


class ClientIn(ClientFields):
    """A new client. Everything but the gender may be left out (anonymous registration)."""

    registered_on: dt.date | None = Field(None, description="Today if left out.")
    consents: list[ConsentIn] = Field(default_factory=list, max_length=10)

    _valid_registered_on = field_validator("registered_on")(_not_future)


class ClientPatch(ClientFields):
    """A change: only the fields given change, in ``identity`` too; ``null`` empties a field."""

    gender: codes.Gender = Field(None, description="Unchanged if left out.")  # type: ignore[assignment]


class WithdrawalIn(Schema):
    model_config = INPUT

    withdrawn_on: dt.date | None = Field(None, description="Today if left out.")

    _valid_withdrawn_on = field_validator("withdrawn_on")(_not_future)


class IdentityOut(Schema):
    first_name: str
    middle_name: str
    second_name: str
    first_name_latin: str
    second_name_latin: str
    aliases: str
    birth_date: dt.date | None
    identity_number: str
    mobile_phone: str
    email: str
    mailing_street: str
    mailing_city: str


class ClientOut(Schema):
    id: uuid.UUID
    reference: str = Field(examples=["NL-2026-00042"])
    registered_on: dt.date
    gender: codes.Gender
    birth_year: int | None
    age_band: codes.AgeBand | None
    citizenship: list[str]
    primary_language: str | None
    secondary_language: str | None
    marital_status: codes.MaritalStatus | None
    highest_level_of_education: codes.HighestLevelOfEducation | None
    number_of_children: int | None
    mailing_country: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    identity: IdentityOut | None = Field(
        None,
        description="Only for roles that see identities (caseworker, supervisor); every answer "
        "that carries it is recorded in the audit log. Left out for the others.",
    )

    @model_serializer(mode="wrap")
    def _without_absent_identity(self, handler: Any) -> Any:
        data = handler(self)
        if self.identity is None:
            data.pop("identity", None)
        return data

    @classmethod
    def build(cls, client: Client, identity: Identity | None) -> "ClientOut":
        """The answer for one client; ``identity`` only if the caller read it through ``access``."""
        return cls.model_validate(
            {
                "id": client.id,
                "reference": client.reference,
                "registered_on": client.registered_on,
                "gender": client.gender,
                "birth_year": client.birth_year,
                "age_band": client.age_band or None,
                "citizenship": list(client.citizenship or []),
                "primary_language": client.primary_language or None,
                "secondary_language": client.secondary_language or None,
                "marital_status": client.marital_status or None,
                "highest_level_of_education": client.highest_level_of_education or None,
                "number_of_children": client.number_of_children,
                "mailing_country": client.mailing_country.code or None,
                "created_at": client.created_at,
                "updated_at": client.updated_at,
                "identity": asdict(identity) if identity is not None else None,
            }
        )


class ClientList(Schema):
    items: list[ClientOut]
    count: int = Field(description="All matching clients, on every page.")
    page: int
    page_size: int


class ConsentOut(Schema):
    id: uuid.UUID
    purpose: codes.ConsentPurpose
    recipient_id: uuid.UUID | None
    recipient_entry_id: uuid.UUID | None
    given_on: dt.date
    form: codes.ConsentForm
    wording_version: str
    language: str
    recorded_at: dt.datetime
    withdrawn_on: dt.date | None
    is_active: bool

    @classmethod
    def build(cls, consent: Consent) -> "ConsentOut":
        return cls(
            id=consent.id,
            purpose=codes.ConsentPurpose(consent.purpose),
            recipient_id=consent.recipient_id,
            recipient_entry_id=consent.recipient_entry_id,
            given_on=consent.given_on,
            form=codes.ConsentForm(consent.form),
            wording_version=consent.wording_version,
            language=consent.language,
            recorded_at=consent.recorded_at,
            withdrawn_on=consent.withdrawn_on,
            is_active=consent.is_active,
        )


class ConsentList(Schema):
    items: list[ConsentOut]
    count: int


class Error(Schema):
    detail: str


class InputError(Schema):
    loc: list[str | int] = Field(examples=[["body", "identity", "email"]])
    msg: str
    type: str


class InvalidInput(Schema):
    detail: list[InputError]
