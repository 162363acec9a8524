"""The statistics plane over the JSON API (``/api/v1/figures``), read-only: the indicator
catalogue and the reporting rounds (``stats.catalogue.view``), the submissions the caller may see
(``stats.access.visible_submissions``: a member's own, the secretariat's submitted and later), and
the network's observations (``stats.network.view``: accepted or published submissions only, which
were suppressed when they left the member; a suppressed cell is ``null`` with its flag)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from strada.accounts.api_auth import requires_api
from strada.clients.schemas import Error, InvalidInput
from strada.orgs.policy import can
from strada.stats.access import visible_submissions
from strada.stats.dimensions import parse_cell
from strada.stats.models import Indicator, ReportingRound
from strada.stats.network_tables import network_observations
from strada.stats.schemas import (
    IndicatorList,
    IndicatorOut,
    ObservationFilters,
    ObservationList,
    ObservationOut,
    Page,
    RoundList,
    RoundOut,
    SubmissionFilters,
    SubmissionList,
    SubmissionOut,
)

router = Router()

_ERRORS: dict[int, Any] = {401: Error, 403: Error, 422: InvalidInput}


def _answers(schema: Any) -> dict[int, Any]:
    return {200: schema, **_ERRORS}


def _page(queryset: QuerySet[Any], page: Page) -> tuple[list[Any], dict[str, int]]:
    start = (page.page - 1) * page.page_size
    rows = list(queryset[start : start + page.page_size])
    return rows, {"count": queryset.count(), "page": page.page, "page_size": page.page_size}


@router.get("/catalogue", response=_answers(IndicatorList), summary="The indicator catalogue")
@requires_api("stats.catalogue.view")
def list_indicators(request: HttpRequest, page: Query[Page]) -> Any:
    """Every indicator in every version, in catalogue order; names and definitions in the
    caller's language where translated."""
    rows, meta = _page(Indicator.objects.order_by("position", "code", "-version"), page)
    return {"items": [IndicatorOut.build(indicator) for indicator in rows], **meta}


@router.get("/rounds", response=_answers(RoundList), summary="The reporting rounds")
@requires_api("stats.catalogue.view")
def list_rounds(request: HttpRequest, page: Query[Page]) -> Any:
    """Newest first."""
    rows, meta = _page(ReportingRound.objects.order_by("-year", "-half"), page)
    return {"items": [RoundOut.build(r) for r in rows], **meta}


@router.get("/submissions", response=_answers(SubmissionList), summary="Submissions")
@requires_api("stats.network.view")
def list_submissions(request: HttpRequest, filters: Query[SubmissionFilters]) -> Any:
    """The submissions the caller may see: its own organisation's (data managers, supervisors and
    organisation admins) or, for the secretariat's reviewers, every submission that has left its
    member. Other roles are refused (403). Figures are under ``/figures/observations``."""
    user = request.auth  # type: ignore[attr-defined]
    if not (can(user, "stats.submission.view_own") or can(user, "stats.submission.review")):
        raise PermissionDenied
    submissions = visible_submissions(user).order_by(
        "-round__year", "-round__half", "organisation__code"
    )
    if filters.round:
        submissions = submissions.filter(round_id=filters.round)
    if filters.status:
        submissions = submissions.filter(status=filters.status.value)
    rows, meta = _page(submissions, filters)
    return {"items": [SubmissionOut.build(s) for s in rows], **meta}


@router.get("/observations", response=_answers(ObservationList), summary="Network observations")
@requires_api("stats.network.view")
def list_observations(request: HttpRequest, filters: Query[ObservationFilters]) -> Any:
    """The figures of accepted and published submissions, in long format. They were suppressed
    when they left the member: a suppressed cell has ``"value": null`` and
    ``"flag": "suppressed"``, never 0. Filter by indicator code, round id and organisation code."""
    user = request.auth  # type: ignore[attr-defined]
    observations = network_observations(user).select_related(
        "indicator", "submission__round", "submission__organisation"
    )
    if filters.indicator:
        observations = observations.filter(indicator__code=filters.indicator)
    if filters.round:
        observations = observations.filter(submission__round_id=filters.round)
    if filters.organisation:
        observations = observations.filter(submission__organisation__code=filters.organisation)
    observations = observations.order_by(
        "-submission__round__year",
        "-submission__round__half",
        "submission__organisation__code",
        "indicator__position",
        "indicator__code",
        "cell",
    )
    rows, meta = _page(observations, filters)
    return {"items": [ObservationOut.build(o, parse_cell(o.cell)) for o in rows], **meta}
