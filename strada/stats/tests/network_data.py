"""Figures for the tests of the network view and the API, built directly (no workflow): an
indicator broken down by sex and by route, two rounds, BG's accepted and published submissions
(suppressed, as they left BG) and NL's draft, whose unsuppressed 3s must never leave NL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from strada.orgs.models import Organisation
from strada.stats.models import (
    Flag,
    Indicator,
    Observation,
    ReportingRound,
    Source,
    Submission,
    SubmissionStatus,
)

CODE = "TEST_VICTIMS"


@dataclass
class Figures:
    indicator: Indicator
    r2024: ReportingRound
    r2025: ReportingRound
    bg_2024: Submission
    bg_2025: Submission
    nl_draft: Submission


def make_round(year: int) -> ReportingRound:
    return ReportingRound.objects.create(
        year=year, opens_on=dt.date(year + 1, 1, 15), deadline=dt.date(year + 1, 3, 31)
    )


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def make_submission(
    org: Organisation,
    reporting_round: ReportingRound,
    status: str,
    cells: dict[str, int | None],
    indicator: Indicator,
    submitted_on: dt.date | None = None,
) -> Submission:
    """A submission with one observation per cell; None is a suppressed cell."""
    submission = Submission.objects.create(
        round=reporting_round,
        organisation=org,
        status=status,
        submitted_at=at(submitted_on) if submitted_on else None,
    )
    Observation.objects.bulk_create(
        Observation(
            submission=submission,
            indicator=indicator,
            cell=cell,
            value=None if value is None else Decimal(value),
            flag=Flag.SUPPRESSED if value is None else Flag.OK,
            source=Source.COMPUTED,
        )
        for cell, value in cells.items()
    )
    return submission


@pytest.fixture
def figures(network: Any) -> Figures:
    indicator = Indicator.objects.create(
        code=CODE,
        name="Registered victims (test)",
        definition="Presumed and identified victims registered in the year.",
        unit="person",
        disaggregations=["sex", "route", "age_group|sex"],
        computation="",
        position=0,
    )
    r2024, r2025 = make_round(2024), make_round(2025)
    bg_2024 = make_submission(
        network.bg, r2024, SubmissionStatus.PUBLISHED, {"": 25, "sex=female": 20, "sex=male": None},
        indicator, dt.date(2025, 3, 1),
    )  # fmt: skip
    bg_2025 = make_submission(
        network.bg,
        r2025,
        SubmissionStatus.ACCEPTED,
        {
            "": 40,
            "sex=female": 31,
            "sex=male": None,
            "route=UA>BG": 12,
            "route=BG>DE": None,
            "age_group=adult|sex=female": 30,
        },
        indicator,
        dt.date(2026, 4, 20),  # after the deadline
    )
    nl_draft = make_submission(
        network.nl,
        r2025,
        SubmissionStatus.DRAFT,
        {"": 3, "sex=female": 3, "route=MD>NL": 3},
        indicator,
    )
    return Figures(indicator, r2024, r2025, bg_2024, bg_2025, nl_draft)
