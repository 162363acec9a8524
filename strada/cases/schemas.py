"""API schemas of the case record. They validate as the forms do and reject unknown fields: codes
are HTCDS value names (enums of ``strada.cases.codes``), multi-value fields lists of them, countries
ISO 3166 codes, currencies ISO 4217, amounts decimals of at least zero, dates of what already
happened not in the future. Rules that span several fields (a closed case needs a reason, a service
cannot end before it starts) are the model's, checked by the actions.

Each part of a case (event, perpetrator, service, legal step, compensation) has an ``...In`` schema
for adding one, a ``...Patch`` made from it where every field may be left out, and an ``...Out``.
In answers an empty code, place or country is ``null``; amounts are decimal strings ("5000.00").
"""

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django_countries.fields import Country
from ninja import Field, Schema
from pydantic import create_model, field_validator, model_serializer

from strada.cases import codes
from strada.cases.actions import MAX_NOTE_LENGTH
from strada.cases.models import (
    CURRENCIES,
    Case,
    CaseNote,
    Compensation,
    LegalProceeding,
    PerpetratorRole,
    Service,
    TraffickingEvent,
)
from strada.clients.codes import Gender
from strada.clients.schemas import INPUT, _country, _invalid, _not_future

CENT = Decimal("0.01")


def _unique(values: list[Any]) -> list[Any]:
    """A multi-value code field without repeats, in the order given."""
    return list(dict.fromkeys(values))


def _currency(value: str) -> str:
    if value not in CURRENCIES:
        raise _invalid("currency_code", _("Use an ISO 4217 currency code, e.g. EUR."))
    return value


def _stored(model: type[models.Model], name: str, value: Any) -> Any:
    """A validated value as the model stores it: codes as their value, empty text as ""."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [item.value if isinstance(item, enum.Enum) else item for item in value]
    if value is None and isinstance(model._meta.get_field(name), models.CharField):
        return ""
    return value


class RecordIn(Schema):
    """Input for a model of the case record. ``*_id`` fields name other records; the API resolves
    them (``REFERENCES``) before it calls the action."""

    model_config = INPUT
    MODEL: ClassVar[type[models.Model]]
    REFERENCES: ClassVar[dict[str, str]] = {}  # input field -> model field

    @field_validator("*", mode="before")
    @classmethod
    def _null_text_is_empty(cls, value: Any, info: Any) -> Any:
        field = cls.model_fields[info.field_name]
        return "" if value is None and field.annotation is str else value

    def values(self) -> dict[str, Any]:
        """The fields given in this request, as the action takes them; a field left out keeps
        its value, or gets the model's default (the same as the schema's). References keep their
        input name and id."""
        return {
            name: getattr(self, name)
            if name in self.REFERENCES
            else _stored(self.MODEL, name, getattr(self, name))
            for name in sorted(self.model_fields_set)
        }


def patch_of(schema: type[RecordIn]) -> type[RecordIn]:
    """The change schema of an input schema: every field may be left out, and only the fields
    given change. A required field keeps its type, so ``null`` is refused where the input refuses
    it; the validators come along by inheritance."""
    optional: dict[str, Any] = {
        name: (field.annotation, Field(None, description=field.description))
        for name, field in schema.model_fields.items()
        if field.is_required()
    }
    name = schema.__name__.removesuffix("In") + "Patch"
    patch: type[RecordIn] = create_model(
        name,
        __base__=schema,
        __doc__=f"A change: only the fields given change. {schema.__doc__ or ''}".strip(),
        **optional,
    )
    return patch


class RecordOut(Schema):
    """Output of a model of the case record: empty codes and countries as ``null``."""

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_null(cls, value: Any) -> Any:
        if isinstance(value, Country):
            return value.code or None
        if isinstance(value, Decimal):
            return value.quantize(CENT)
        return None if value == "" else value


class ListPage(Schema):
    count: int = Field(description="All matching records, on every page.")
    page: int
    page_size: int


# The case (vic_ and cas_)


class CaseFields(RecordIn):
    MODEL = Case
    REFERENCES = {"owner_id": "owner"}

    # Not nullable (the default is not validated): a case always has an opening date.
    opened_on: dt.date = Field(None, description="Today if left out.")  # type: ignore[assignment]
    owner_id: uuid.UUID | None = Field(
        None,
        description="A caseworker or supervisor of your organisation; you if left out "
        "when opening a case.",
    )
    trafficking_status: codes.TraffickingStatus = codes.TraffickingStatus.POSSIBLE
    trafficking_status_decision_making_org: codes.TraffickingStatusDecisionMakingOrg | None = None
    identification_date: dt.date | None = None
    identification_actor: codes.IdentificationActor | None = None
    relationship_to_trafficker: codes.RelationshipToTrafficker | None = None
    age_when_trafficked: int | None = Field(None, ge=0, le=110)
    recruitment_websites_and_apps: list[codes.WebsitesAndApps] = Field(default_factory=list)
    method_of_recruitment: list[codes.MethodOfRecruitment] = Field(default_factory=list)
    methods_of_control: list[codes.MethodsOfControl] = Field(default_factory=list)
    type_of_exploitation: list[codes.TypeOfExploitation] = Field(default_factory=list)
    forced_labour_industry: codes.ForcedLabourIndustry | None = Field(
        None, description="ISIC Rev.4 section, for forced labour."
    )
    type_of_sex_exploitation: list[codes.TypeOfSexExploitation] = Field(default_factory=list)
    exploitation_websites_and_apps: list[codes.WebsitesAndApps] = Field(default_factory=list)
    vulnerabilities: list[codes.Vulnerabilities] = Field(default_factory=list)
    status: codes.CaseStatus = Field(
        codes.CaseStatus.ACTIVE,
        description="Closing or reopening a case is for supervisors (403 for the others).",
    )
    closed_on: dt.date | None = Field(None, description="Required when the case is closed.")
    reason_for_case_closure: codes.ReasonForCaseClosure | None = Field(
        None, description="Required when the case is closed."
    )

    _valid_dates = field_validator("opened_on", "identification_date", "closed_on")(_not_future)
    _valid_lists = field_validator(
        "recruitment_websites_and_apps",
        "method_of_recruitment",
        "methods_of_control",
        "type_of_exploitation",
        "type_of_sex_exploitation",
        "exploitation_websites_and_apps",
        "vulnerabilities",
    )(_unique)


class CaseIn(CaseFields):
    """A new case of a client of your organisation. Only the client is required."""

    client_id: uuid.UUID

    def values(self) -> dict[str, Any]:
        values = super().values()
        del values["client_id"]
        return values


class CasePatch(CaseFields):
    """A change of a case: only the fields given change; ``null`` empties an optional field. A case
    stays with its client."""


class CaseOut(RecordOut):
    id: uuid.UUID
    client_id: uuid.UUID
    client_reference: str = Field(examples=["NL-2026-00042"])
    number: int = Field(description="The case's number among the client's cases, from 1.")
    opened_on: dt.date
    owner_id: uuid.UUID | None
    trafficking_status: codes.TraffickingStatus
    trafficking_status_decision_making_org: codes.TraffickingStatusDecisionMakingOrg | None
    identification_date: dt.date | None
    identification_actor: codes.IdentificationActor | None
    relationship_to_trafficker: codes.RelationshipToTrafficker | None
    age_when_trafficked: int | None
    recruitment_websites_and_apps: list[codes.WebsitesAndApps]
    method_of_recruitment: list[codes.MethodOfRecruitment]
    methods_of_control: list[codes.MethodsOfControl]
    type_of_exploitation: list[codes.TypeOfExploitation]
    forced_labour_industry: codes.ForcedLabourIndustry | None
    type_of_sex_exploitation: list[codes.TypeOfSexExploitation]
    exploitation_websites_and_apps: list[codes.WebsitesAndApps]
    vulnerabilities: list[codes.Vulnerabilities]
    status: codes.CaseStatus
    closed_on: dt.date | None
    reason_for_case_closure: codes.ReasonForCaseClosure | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_client_reference(case: Case) -> str:
        return case.client.reference


class CaseFilters(Schema):
    client_id: uuid.UUID | None = Field(None, description="The cases of one client.")
    status: codes.CaseStatus | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.STRADA_PAGE_SIZE, ge=1, le=100)


class CaseList(ListPage):
    items: list[CaseOut]


# The parts of a case


class EventIn(RecordIn):
    """A leg of the route (HTCDS ``hte_``): where and when the person was recruited, moved or
    exploited. The route is shown by ``sequence``, then date."""

    MODEL = TraffickingEvent

    type: codes.TraffickingEventType
    country: str = Field(description="ISO 3166 country code.", examples=["BG"])
    city: str = Field("", max_length=100, description="The place, as precise as is safe.")
    date: dt.date | None = None
    sequence: int = Field(0, ge=0, le=32767, description="Order on the route, from 0.")

    _valid_country = field_validator("country")(_country)
    _valid_date = field_validator("date")(_not_future)


class EventOut(RecordOut):
    id: uuid.UUID
    type: codes.TraffickingEventType
    country: str
    city: str | None
    date: dt.date | None
    sequence: int


class PerpetratorIn(RecordIn):
    """A perpetrator (HTCDS ``per_``), coded only: never a name."""

    MODEL = PerpetratorRole

    role_in_process: list[codes.RoleInProcess] = Field(min_length=1)
    gender: Gender | None = None
    citizenship: str | None = Field(None, description="ISO 3166 country code.")

    _valid_roles = field_validator("role_in_process")(_unique)
    _valid_citizenship = field_validator("citizenship")(_country)


class PerpetratorOut(RecordOut):
    id: uuid.UUID
    role_in_process: list[codes.RoleInProcess]
    gender: Gender | None
    citizenship: str | None


class ServiceIn(RecordIn):
    """A service given to the client (HTCDS ``spl_``, finer types), by your organisation, another
    organisation of the network, or an organisation from the directory."""

    MODEL = Service
    REFERENCES = {
        "provider_organisation_id": "provider_organisation",
        "provider_entry_id": "provider_entry",
    }

    type: codes.ServiceType
    provider_kind: codes.ProviderKind = codes.ProviderKind.OWN
    provider_organisation_id: uuid.UUID | None = Field(
        None, description="With provider_kind network: an active member or affiliate."
    )
    provider_entry_id: uuid.UUID | None = Field(
        None, description="With provider_kind directory: an active directory entry."
    )
    start_date: dt.date = Field(description="Not in the future.")
    end_date: dt.date | None = Field(None, description="May be planned ahead.")
    outcome: codes.ServiceOutcome = codes.ServiceOutcome.ONGOING

    _valid_start = field_validator("start_date")(_not_future)


class ServiceOut(RecordOut):
    id: uuid.UUID
    type: codes.ServiceType
    provider_kind: codes.ProviderKind
    provider_organisation_id: uuid.UUID | None
    provider_entry_id: uuid.UUID | None
    start_date: dt.date
    end_date: dt.date | None
    outcome: codes.ServiceOutcome


class LegalIn(RecordIn):
    """A step of legal proceedings or residence rights (not in HTCDS)."""

    MODEL = LegalProceeding

    step: codes.LegalStep
    country: str = Field(description="ISO 3166 country code.", examples=["NL"])
    start_date: dt.date = Field(description="Not in the future.")
    end_date: dt.date | None = Field(
        None, description="May lie ahead, e.g. the end of a reflection period."
    )
    outcome: codes.LegalOutcome = codes.LegalOutcome.PENDING

    _valid_country = field_validator("country")(_country)
    _valid_start = field_validator("start_date")(_not_future)


class LegalOut(RecordOut):
    id: uuid.UUID
    step: codes.LegalStep
    country: str
    start_date: dt.date
    end_date: dt.date | None
    outcome: codes.LegalOutcome


def _amount(description: str) -> Any:
    return Field(None, ge=0, max_digits=12, decimal_places=2, description=description)


class CompensationIn(RecordIn):
    """Compensation claimed, awarded and paid (not in HTCDS; COMP.ACT). At least one amount."""

    MODEL = Compensation

    route: codes.CompensationRoute
    currency: str = Field("EUR", description="ISO 4217 currency code.", examples=["EUR"])
    claimed_amount: Decimal | None = _amount("At least 0, two decimals at most.")
    claimed_on: dt.date | None = None
    awarded_amount: Decimal | None = _amount("At least 0, two decimals at most.")
    awarded_on: dt.date | None = None
    paid_amount: Decimal | None = _amount("At least 0, two decimals at most.")
    paid_on: dt.date | None = None

    _valid_currency = field_validator("currency")(_currency)
    _valid_dates = field_validator("claimed_on", "awarded_on", "paid_on")(_not_future)


class CompensationOut(RecordOut):
    id: uuid.UUID
    route: codes.CompensationRoute
    currency: str
    claimed_amount: Decimal | None
    claimed_on: dt.date | None
    awarded_amount: Decimal | None
    awarded_on: dt.date | None
    paid_amount: Decimal | None
    paid_on: dt.date | None


EventPatch = patch_of(EventIn)
PerpetratorPatch = patch_of(PerpetratorIn)
ServicePatch = patch_of(ServiceIn)
LegalPatch = patch_of(LegalIn)
CompensationPatch = patch_of(CompensationIn)


class EventList(Schema):
    items: list[EventOut]
    count: int


class PerpetratorList(Schema):
    items: list[PerpetratorOut]
    count: int


class ServiceList(Schema):
    items: list[ServiceOut]
    count: int


class LegalList(Schema):
    items: list[LegalOut]
    count: int


class CompensationList(Schema):
    items: list[CompensationOut]
    count: int


# Support plan and notes (case roles only for the encrypted text)


class PlanIn(Schema):
    """The whole support plan: a field left out is emptied."""

    model_config = INPUT

    objectives: str = Field("", max_length=MAX_NOTE_LENGTH, description="Stored encrypted.")
    planned_end_date: dt.date | None = None
    actual_end_date: dt.date | None = Field(None, description="Not in the future.")

    _valid_end = field_validator("actual_end_date")(_not_future)


class PlanOut(Schema):
    planned_end_date: dt.date | None
    actual_end_date: dt.date | None
    objectives: str | None = Field(
        None,
        description="Only for roles that read notes (caseworker, supervisor); every answer "
        "that carries it is recorded in the audit log. Left out for the others.",
    )

    @model_serializer(mode="wrap")
    def _without_absent_objectives(self, handler: Any) -> Any:
        data = handler(self)
        if self.objectives is None:
            data.pop("objectives", None)
        return data


class NoteIn(Schema):
    model_config = INPUT

    text: str = Field(min_length=1, max_length=MAX_NOTE_LENGTH, description="Stored encrypted.")


class NoteOut(Schema):
    id: uuid.UUID
    author_id: uuid.UUID | None
    written_at: dt.datetime
    text: str

    @classmethod
    def build(cls, note: CaseNote, text: str) -> "NoteOut":
        return cls(id=note.id, author_id=note.author_id, written_at=note.written_at, text=text)


class NoteList(Schema):
    items: list[NoteOut]
    count: int
