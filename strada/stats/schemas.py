"""API schemas of the statistics plane: the catalogue, rounds, submissions and the network's
observations. Read-only; filters reject unknown parameters' bad values with 422."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from ninja import Field, Schema

from strada.stats.models import (
    Flag,
    Indicator,
    Observation,
    ReportingRound,
    RoundStatus,
    Submission,
    SubmissionStatus,
)


class Page(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.STRADA_PAGE_SIZE, ge=1, le=100)


class IndicatorOut(Schema):
    id: uuid.UUID
    code: str
    version: int
    name: str = Field(description="In the caller's language where translated.")
    definition: str
    unit: str
    disaggregations: list[str]
    computation: str = Field(description='How it is computed from case records; "" if manual.')
    manual: bool
    validation: dict[str, Any]
    cross_references: list[Any]
    active: bool

    @classmethod
    def build(cls, indicator: Indicator) -> IndicatorOut:
        return cls(
            id=indicator.id,
            code=indicator.code,
            version=indicator.version,
            name=indicator.localised("name"),
            definition=indicator.localised("definition"),
            unit=indicator.unit,
            disaggregations=list(indicator.disaggregations),
            computation=indicator.computation,
            manual=indicator.is_manual,
            validation=dict(indicator.validation),
            cross_references=list(indicator.cross_references),
            active=indicator.active,
        )


class IndicatorList(Schema):
    items: list[IndicatorOut]
    count: int
    page: int
    page_size: int


class RoundOut(Schema):
    id: uuid.UUID
    year: int
    half: int | None
    label: str = Field(examples=["2025", "2025 H1"])
    opens_on: dt.date
    deadline: dt.date
    status: RoundStatus

    @classmethod
    def build(cls, reporting_round: ReportingRound) -> RoundOut:
        return cls(
            id=reporting_round.id,
            year=reporting_round.year,
            half=reporting_round.half,
            label=str(reporting_round),
            opens_on=reporting_round.opens_on,
            deadline=reporting_round.deadline,
            status=RoundStatus(reporting_round.status),
        )


class RoundList(Schema):
    items: list[RoundOut]
    count: int
    page: int
    page_size: int


class SubmissionFilters(Page):
    round: uuid.UUID | None = None
    status: SubmissionStatus | None = None


class SubmissionOut(Schema):
    id: uuid.UUID
    round_id: uuid.UUID
    round: str
    organisation: str = Field(description="The organisation's code, e.g. nl.")
    status: SubmissionStatus
    narrative: str
    excluded_without_consent: int
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    review_comment: str

    @classmethod
    def build(cls, submission: Submission) -> SubmissionOut:
        return cls(
            id=submission.id,
            round_id=submission.round_id,
            round=str(submission.round),
            organisation=submission.organisation.code,
            status=SubmissionStatus(submission.status),
            narrative=submission.narrative,
            excluded_without_consent=submission.excluded_without_consent,
            submitted_at=submission.submitted_at,
            reviewed_at=submission.reviewed_at,
            review_comment=submission.review_comment,
        )


class SubmissionList(Schema):
    items: list[SubmissionOut]
    count: int
    page: int
    page_size: int


class ObservationFilters(Page):
    indicator: str | None = Field(None, max_length=40, description="An indicator code.")
    round: uuid.UUID | None = None
    organisation: str | None = Field(None, max_length=16, description="An organisation code.")


class ObservationOut(Schema):
    indicator: str
    indicator_version: int
    round: str
    round_id: uuid.UUID
    organisation: str
    country: str
    cell: str = Field(description='"" for the total, else sorted "dimension=value" pairs by "|".')
    dimensions: dict[str, str]
    value: Decimal | None = Field(description="null when suppressed, missing or not applicable.")
    flag: Flag
    source: str

    @classmethod
    def build(cls, observation: Observation, dimensions: dict[str, str]) -> ObservationOut:
        submission = observation.submission
        suppressed = observation.flag == Flag.SUPPRESSED
        return cls(
            indicator=observation.indicator.code,
            indicator_version=observation.indicator.version,
            round=str(submission.round),
            round_id=submission.round_id,
            organisation=submission.organisation.code,
            country=str(submission.organisation.country),
            cell=observation.cell,
            dimensions=dimensions,
            value=None if suppressed else observation.value,
            flag=Flag(observation.flag),
            source=observation.source,
        )


class ObservationList(Schema):
    items: list[ObservationOut]
    count: int
    page: int
    page_size: int
