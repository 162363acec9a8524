"""Reporting rounds for the demo network, through the same actions the pages use.

``build_rounds`` opens a round for each of the last three full years and gives every reporting
organisation (members and affiliates that have a data manager) a submission in one of the states
of the workflow: the figures computed from its demo records, a few figures entered by hand
(hotline and outreach contacts) and a narrative. The oldest round is published and closed, the
middle one accepted (with some published), the newest holds every state, including organisations
that have not started. Re-running is safe: existing rounds and submissions are kept as they are.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils import timezone

from strada.accounts.models import User
from strada.orgs.models import CASE_ORG_KINDS, Organisation, OrgKind, Role
from strada.stats import actions
from strada.stats.catalogue import ensure_catalogue
from strada.stats.models import ReportingRound, RoundStatus, Submission, SubmissionStatus

NARRATIVES = [
    "Recruitment moved further online: job offers for seasonal work in agriculture and "
    "logistics, posted in closed groups of messaging apps, with transport paid in advance.",
    "More men identified in construction and in car washes; labour inspectors referred more "
    "often than last year after joint inspections with the police.",
    "Debt bondage through fees for housing and transport remains the main means of control. "
    "A joint shelter protocol with the municipality shortened the time to the first service.",
    "Fewer cases of sexual exploitation were identified, which the team attributes to less "
    "outreach after funding cuts, not to fewer victims.",
    "Good practice: a hotline in three languages staffed with cultural mediators; most first "
    "contacts now come through messaging rather than phone calls.",
]

# The states of the newest round, in turn across the organisations ("" = not started).
NEWEST = [
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.DRAFT,
    SubmissionStatus.ACCEPTED,
    SubmissionStatus.RETURNED,
    SubmissionStatus.PUBLISHED,
    "",
]
MIDDLE = [SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED, SubmissionStatus.ACCEPTED]
MANUAL_RANGES = {"HOTLINE_CONTACTS": (40, 600), "OUTREACH_CONTACTS": (10, 250)}


def _person(role: str, organisation: Organisation) -> User | None:
    return (
        User.objects.filter(organisation=organisation, role=role, is_active=True)
        .order_by("username")
        .first()
    )


def _reporting_organisations() -> list[tuple[Organisation, User]]:
    result = []
    for organisation in Organisation.objects.filter(kind__in=CASE_ORG_KINDS, active=True).order_by(
        "code"
    ):
        data_manager = _person(Role.DATA_MANAGER, organisation)
        if data_manager is not None:
            result.append((organisation, data_manager))
    return result


def _open_round(admin: User, year: int, today: dt.date) -> tuple[ReportingRound, bool]:
    existing = ReportingRound.objects.filter(year=year, half__isnull=True).first()
    if existing is not None:
        return existing, False
    opens_on = min(dt.date(year + 1, 1, 15), today)
    deadline = max(dt.date(year + 1, 3, 31), opens_on)
    return (
        actions.do_open_round(admin, year=year, half=None, opens_on=opens_on, deadline=deadline),
        True,
    )


def _fill(data_manager: User, submission: Submission, rng: random.Random) -> None:
    for code in actions.round_indicators(submission.round):
        if code in MANUAL_RANGES:
            low, high = MANUAL_RANGES[code]
            actions.do_set_figure(
                data_manager, submission, indicator_code=code, cell="", value=rng.randint(low, high)
            )
    actions.do_set_narrative(data_manager, submission, rng.choice(NARRATIVES))


def _date_back(submission: Submission, reporting_round: ReportingRound, rng: random.Random) -> None:
    """Demo data only: the rounds lie in the past, so the submission is dated as if it had been
    sent then — most before the deadline, some a few weeks late — for the timeliness view."""
    days_before = rng.choice([-20, -10, 1, 5, 10, 15, 20, 30, 40])
    when = reporting_round.deadline - dt.timedelta(days=days_before)
    sent = dt.datetime.combine(min(when, timezone.localdate()), dt.time(11), tzinfo=dt.UTC)
    Submission.objects.filter(id=submission.id).update(submitted_at=sent)


def _drive(
    target: str,
    organisation: Organisation,
    data_manager: User,
    reviewer: User,
    reporting_round: ReportingRound,
    rng: random.Random,
) -> str:
    """Take one organisation's submission to the target state; returns the state reached."""
    submission = actions.do_prepare_submission(data_manager, reporting_round)
    _fill(data_manager, submission, rng)
    if target == SubmissionStatus.DRAFT:
        return target
    try:
        actions.do_submit(data_manager, submission)
    except ValidationError:
        return SubmissionStatus.DRAFT  # the demo records broke a rule: left for a person to fix
    _date_back(submission, reporting_round, rng)
    if target == SubmissionStatus.RETURNED:
        actions.do_return(
            reviewer, submission, "Please explain the drop in identified victims in the narrative."
        )
        return target
    if target in (SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED):
        actions.do_accept(reviewer, submission)
    if target == SubmissionStatus.PUBLISHED:
        actions.do_publish(reviewer, submission)
    return target


def build_rounds(today: dt.date, seed: int) -> dict[str, int]:
    """Open the rounds of the last three full years with submissions in every state (see the
    module's docstring). Returns counts: rounds opened, submissions made, and one per state."""
    ensure_catalogue()
    secretariat = Organisation.objects.filter(kind=OrgKind.SECRETARIAT, active=True).first()
    admin = _person(Role.NETWORK_ADMIN, secretariat) if secretariat else None
    reviewer = _person(Role.ANALYST, secretariat) if secretariat else None
    counts: Counter[str] = Counter()
    if admin is None or reviewer is None:
        return {"rounds_opened": 0, "submissions_created": 0}
    reporters = _reporting_organisations()
    years = [today.year - 3, today.year - 2, today.year - 1]
    for position, year in enumerate(years):
        reporting_round, opened = _open_round(admin, year, today)
        counts["rounds_opened"] += int(opened)
        plan = (
            [SubmissionStatus.PUBLISHED] if position == 0 else MIDDLE if position == 1 else NEWEST
        )
        have = set(
            Submission.objects.filter(round=reporting_round).values_list(
                "organisation_id", flat=True
            )
        )
        if reporting_round.status == RoundStatus.OPEN:
            for index, (organisation, data_manager) in enumerate(reporters):
                target = plan[index % len(plan)]
                if not target or organisation.id in have:
                    continue
                rng = random.Random(f"strada-demo-figures:{seed}:{year}:{organisation.code}")  # noqa: S311
                state = _drive(target, organisation, data_manager, reviewer, reporting_round, rng)
                counts["submissions_created"] += 1
                counts[state] += 1
        if position < len(years) - 1 and reporting_round.status == RoundStatus.OPEN:
            actions.do_close_round(admin, reporting_round)
    counts.setdefault("submissions_created", 0)
    return dict(counts)
