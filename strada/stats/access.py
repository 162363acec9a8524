"""Checked reads of the statistics plane: rounds, submissions and their figures.

Security contract: a member's submission is seen by the roles of its own organisation allowed
``stats.submission.view_own`` (whatever its status), and by the secretariat's review roles
(``stats.submission.review``) once it has left the member (submitted, returned, accepted,
published). Nobody else reaches it, and a missing and a forbidden submission both raise Http404.
The secretariat reads figures only while they are suppressed (``figures_for``): a returned
submission may hold freshly recomputed, unsuppressed counts again, so its figures stay with the
member until it is submitted anew. Case records are never read here.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404

from strada.clients.access import _as_uuid
from strada.orgs.policy import can
from strada.stats.models import (
    Indicator,
    Observation,
    ReportingRound,
    Submission,
    SubmissionStatus,
)

# What the secretariat may open: everything that has left the member at least once.
REVIEWABLE = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.RETURNED,
    SubmissionStatus.ACCEPTED,
    SubmissionStatus.PUBLISHED,
)
# Statuses in which the stored figures are the suppressed ones that left the member.
SUPPRESSED_STATUSES = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.ACCEPTED,
    SubmissionStatus.PUBLISHED,
)


def visible_submissions(user: Any) -> models.QuerySet[Submission]:
    """The submissions this user may open: the secretariat's review roles see every submission
    that has left its member; the member roles see their own organisation's; others none."""
    queryset = Submission.objects.select_related("round", "organisation")
    if can(user, "stats.submission.review"):
        return queryset.filter(status__in=REVIEWABLE)
    if can(user, "stats.submission.view_own"):
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def access_submission(user: Any, submission_id: Any) -> Submission:
    """The submission with this id if the user may open it; Http404 otherwise."""
    submission = visible_submissions(user).filter(id=_as_uuid(submission_id)).first()
    if submission is None:
        raise Http404
    return submission


def access_own_submission(user: Any, submission_id: Any) -> Submission:
    """A submission of the user's own organisation (the member's pages); Http404 otherwise, also
    for the secretariat, which reviews through ``access_submission`` and the review pages."""
    submission = access_submission(user, submission_id)
    if submission.organisation_id != user.organisation_id:
        raise Http404
    return submission


def access_round(user: Any, round_id: Any) -> ReportingRound:
    """A reporting round, for anyone on the statistics plane (rounds hold no figures)."""
    if not can(user, "stats.catalogue.view"):
        raise Http404
    found = ReportingRound.objects.filter(id=_as_uuid(round_id)).first()
    if found is None:
        raise Http404
    return found


def access_indicator(user: Any, code: str) -> Indicator:
    """The newest version of an indicator of the catalogue; Http404 if there is none."""
    if not can(user, "stats.catalogue.view"):
        raise Http404
    indicator = Indicator.objects.filter(code=code).order_by("-version").first()
    if indicator is None:
        raise Http404
    return indicator


def figures_for(user: Any, submission: Submission) -> models.QuerySet[Observation]:
    """The observations of a submission this user has reached, as far as the user may read them:
    all of them for its own organisation, the suppressed ones for the secretariat, none else."""
    observations = submission.observations.select_related("indicator")
    if submission.organisation_id == user.organisation_id and can(
        user, "stats.submission.view_own"
    ):
        return observations
    if can(user, "stats.submission.review") and submission.status in SUPPRESSED_STATUSES:
        return observations
    return observations.none()
