"""Referral statistics over the JSON API (``GET /api/v1/referrals/statistics``): the same counts
as the page, from ``referrals.stats``. The secretariat's analysts and network admins get one item
per organisation and the network total; supervisors, data managers and organisation admins of a
member or an affiliate get their own organisation's item only. Counts only: no client, no content."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import model_validator

from strada.accounts.api_auth import requires_api
from strada.clients.schemas import Error, InvalidInput
from strada.orgs.models import Organisation
from strada.referrals import stats
from strada.referrals.stats import Figures, Pair, Tally

router = Router()

MAX_DAYS = 366 * 10


class PeriodFilter(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="A calendar year; this year if nothing is given."
    )
    from_: dt.date | None = Field(None, alias="from", description="First day, with `to`.")
    to: dt.date | None = Field(None, description="Last day (included), with `from`.")

    @model_validator(mode="after")
    def _one_period(self) -> PeriodFilter:
        given = (self.from_ is not None, self.to is not None)
        if any(given) and self.year is not None:
            raise ValueError("give either a year or from and to, not both")
        if given[0] != given[1]:
            raise ValueError("give both from and to")
        if self.from_ is not None and self.to is not None:
            if self.from_ > self.to:
                raise ValueError("from must not come after to")
            if (self.to - self.from_).days > MAX_DAYS:
                raise ValueError("a period of at most ten years")
        return self

    def period(self) -> stats.Period:
        if self.from_ is not None and self.to is not None:
            return stats.Period(self.from_, self.to)
        return stats.Period.year(self.year or timezone.localdate().year)


class TallyOut(Schema):
    referrals: int
    pending: int = Field(description="Not answered yet (status sent).")
    accepted: int = Field(description="Accepted and not completed yet.")
    declined: int
    completed: int
    revoked: int
    answered: int = Field(description="Accepted or declined by the receiver.")
    accepted_share: float | None = Field(description="Accepted among the answered, 0 to 1.")
    median_days_to_answer: float | None
    p90_days_to_answer: float | None = Field(description="Nearest-rank 90th percentile.")

    @classmethod
    def build(cls, tally: Tally) -> TallyOut:
        def rounded(value: float | None, digits: int) -> float | None:
            return None if value is None else round(value, digits)

        return cls(
            referrals=tally.total,
            pending=tally.pending,
            accepted=tally.accepted,
            declined=tally.declined,
            completed=tally.completed,
            revoked=tally.revoked,
            answered=tally.answered,
            accepted_share=rounded(tally.accepted_share, 3),
            median_days_to_answer=rounded(tally.median_days, 2),
            p90_days_to_answer=rounded(tally.p90_days, 2),
        )


class BreakdownOut(Schema):
    code: str
    label: str
    sent: TallyOut
    received: TallyOut

    @classmethod
    def build(cls, code: str, label: str, pair: Pair) -> BreakdownOut:
        return cls(
            code=code,
            label=label,
            sent=TallyOut.build(pair.sent),
            received=TallyOut.build(pair.received),
        )


class FiguresOut(Schema):
    organisation: str = Field(description='An organisation\'s code, or "network".')
    name: str
    sent: TallyOut
    received: TallyOut
    sent_within_network: TallyOut
    sent_outside_network: TallyOut = Field(description="To directory entries.")
    by_purpose: list[BreakdownOut]
    by_urgency: list[BreakdownOut]

    @classmethod
    def build(cls, code: str, name: str, figures: Figures) -> FiguresOut:
        return cls(
            organisation=code,
            name=name,
            sent=TallyOut.build(figures.sent),
            received=TallyOut.build(figures.received),
            sent_within_network=TallyOut.build(figures.sent_internal),
            sent_outside_network=TallyOut.build(figures.sent_external),
            by_purpose=[BreakdownOut.build(*line) for line in figures.purposes()],
            by_urgency=[BreakdownOut.build(*line) for line in figures.urgencies()],
        )

    @classmethod
    def of(cls, org: Organisation, figures: Figures) -> FiguresOut:
        return cls.build(org.code, org.name, figures)


class StatisticsOut(Schema):
    scope: Literal["organisation", "network"]
    period_from: dt.date
    period_to: dt.date
    items: list[FiguresOut] = Field(description="One per organisation the caller may see.")
    count: int
    network: FiguresOut | None = Field(description="The network total (secretariat only).")


@router.get(
    "",
    response={200: StatisticsOut, 401: Error, 403: Error, 422: InvalidInput},
    summary="Referral statistics",
)
@requires_api("referral.stats")
def referral_statistics(request: HttpRequest, filters: Query[PeriodFilter]) -> Any:
    """Referrals sent and received in a period (a year, or `from` and `to`), counted by the day
    they were sent: by status, the accepted share of those answered, and the median and 90th
    percentile of days from sending to the answer; within and outside the network, by purpose and
    by urgency. The secretariat's analysts and network admins get every member and affiliate and
    the network total; other allowed roles their own organisation only."""
    user = request.auth  # type: ignore[attr-defined]
    scope = stats.stats_scope(user)
    period = filters.period()
    if scope == stats.NETWORK:
        network = stats.network_figures(period)
        items = [FiguresOut.of(org, figures) for org, figures in network.rows]
        total: FiguresOut | None = FiguresOut.build(stats.NETWORK, "", network.total)
    else:
        org = user.organisation
        items = [FiguresOut.of(org, stats.organisation_figures(org, period))]
        total = None
    return {
        "scope": scope,
        "period_from": period.start,
        "period_to": period.end,
        "items": items,
        "count": len(items),
        "network": total,
    }
