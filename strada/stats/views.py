"""Pages of national facts and figures: rounds, the catalogue, a member's submission and the
secretariat's review. Thin: forms validate, ``access`` reads, ``actions`` write.

The member's pages (``submission``, ``figure``, ``narrative``, ``upload``, ``submit``) reach a
submission of the user's own organisation only; the review pages reach what has left a member, and
show its figures only while they are the suppressed ones (``access.figures_for``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from strada.accounts.models import User
from strada.lib.csvsafe import SafeWriter
from strada.orgs.models import CASE_ORG_KINDS, Organisation
from strada.orgs.policy import can, requires
from strada.stats import actions
from strada.stats.access import (
    access_indicator,
    access_own_submission,
    access_round,
    access_submission,
    figures_for,
    visible_submissions,
)
from strada.stats.forms import (
    FigureForm,
    IndicatorForm,
    NarrativeForm,
    ReviewForm,
    RoundForm,
    UploadFiguresForm,
)
from strada.stats.models import (
    Flag,
    Indicator,
    Observation,
    ReportingRound,
    RoundStatus,
    Submission,
    SubmissionStatus,
)
from strada.web.forms import add_errors


def _post_only(request: HttpRequest) -> None:
    if request.method != "POST":
        raise Http404


# --- rounds and catalogue ---------------------------------------------------------------------


@requires("stats.catalogue.view")
def index(request: HttpRequest) -> HttpResponse:
    """The reporting rounds, with what this person can do in each."""
    user = cast(User, request.user)
    organisation = cast(Organisation, user.organisation)
    rounds = list(ReportingRound.objects.annotate(indicator_count=Count("indicators")))
    own: dict[Any, Submission] = {}
    if can(user, "stats.submission.view_own"):
        own = {s.round_id: s for s in Submission.objects.filter(organisation=organisation)}
    return render(
        request,
        "stats/index.html",
        {
            "rows": [(r, own.get(r.id)) for r in rounds],
            "prepares": can(user, "stats.submission.prepare") and organisation.holds_cases,
            "sees_own": can(request.user, "stats.submission.view_own"),
            "reviews": can(request.user, "stats.submission.review"),
            "manages": can(request.user, "stats.rounds.manage"),
        },
    )


@requires("stats.rounds.manage")
def round_open(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = actions.do_open_round(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Round %(round)s opened with %(count)d indicators.")
                % {"round": opened, "count": opened.indicators.count()},
            )
            return redirect("stats:index")
    return render(request, "stats/round_open.html", {"form": form})


@requires("stats.rounds.manage")
def round_close(request: HttpRequest, round_id: str) -> HttpResponse:
    reporting_round = access_round(request.user, round_id)
    if request.method == "POST":
        try:
            actions.do_close_round(request.user, reporting_round)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Round %(round)s closed.") % {"round": reporting_round})
        return redirect("stats:index")
    return render(request, "stats/round_close.html", {"round": reporting_round})


@requires("stats.catalogue.view")
def catalogue(request: HttpRequest) -> HttpResponse:
    indicators = Indicator.objects.order_by("position", "code", "-version")
    if not request.GET.get("all"):
        indicators = indicators.filter(active=True)
    return render(
        request,
        "stats/catalogue.html",
        {"indicators": indicators, "all": bool(request.GET.get("all"))},
    )


@requires("stats.catalogue.manage")
def indicator_add(request: HttpRequest, code: str = "") -> HttpResponse:
    revising = access_indicator(request.user, code) if code else None
    form = IndicatorForm(request.POST or None, revising=revising)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = actions.do_add_indicator(request.user, form.values())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Indicator %(code)s, version %(version)d, saved.")
                % {"code": indicator.code, "version": indicator.version},
            )
            return redirect("stats:catalogue")
    return render(request, "stats/indicator_form.html", {"form": form, "revising": revising})


# --- the member's submission ------------------------------------------------------------------


@dataclass
class IndicatorFigures:
    indicator: Indicator
    observations: list[Observation] = field(default_factory=list)
    problems: list[actions.Problem] = field(default_factory=list)


def _grouped(
    reporting_round: ReportingRound,
    observations: Any,
    problems: list[actions.Problem] | None = None,
) -> list[IndicatorFigures]:
    by_code: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_code[observation.indicator.code].append(observation)
    found: dict[str, list[actions.Problem]] = defaultdict(list)
    for problem in problems or []:
        found[problem.indicator].append(problem)
    return [
        IndicatorFigures(indicator, by_code.get(code, []), found.get(code, []))
        for code, indicator in actions.round_indicators(reporting_round).items()
    ]


@requires("stats.submission.prepare")
def prepare(request: HttpRequest, round_id: str) -> HttpResponse:
    """Compute (or recompute) the figures of the user's organisation for a round, or start an
    empty draft to be filled by hand (``mode=manual``)."""
    _post_only(request)
    reporting_round = access_round(request.user, round_id)
    recompute = request.POST.get("mode") != "manual"
    try:
        submission = actions.do_prepare_submission(
            request.user, reporting_round, recompute=recompute
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("stats:index")
    if recompute:
        messages.success(request, _("Figures computed from your organisation's records."))
    return redirect("stats:submission", submission_id=submission.id)


@requires("stats.submission.view_own")
def submission_detail(request: HttpRequest, submission_id: str) -> HttpResponse:
    submission = access_own_submission(request.user, submission_id)
    problems = actions.validate(submission) if submission.is_editable else []
    return render(
        request,
        "stats/submission.html",
        {
            "submission": submission,
            "groups": _grouped(submission.round, figures_for(request.user, submission), problems),
            "problems": problems,
            "errors": [p for p in problems if p.is_error],
            "edits": submission.is_editable and can(request.user, "stats.submission.prepare"),
            "round_open": submission.round.status == RoundStatus.OPEN,
        },
    )


@requires("stats.submission.prepare")
def figure(request: HttpRequest, submission_id: str) -> HttpResponse:
    """Enter, correct or remove one figure (prefilled from ``?indicator=…&cell=…``)."""
    submission = access_own_submission(request.user, submission_id)
    if not submission.is_editable:
        raise Http404
    initial: dict[str, Any] = {}
    code, cell = request.GET.get("indicator", ""), request.GET.get("cell", "")
    current = (
        submission.observations.filter(indicator__code=code, cell=cell)
        .select_related("indicator")
        .first()
    )
    initial = {"indicator": code, "cell": cell}
    if current is not None and current.value is not None:
        initial.update({"value": _plain(current.value), "comment": current.comment})
    form = FigureForm(request.POST or None, initial=initial, reporting_round=submission.round)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = actions.do_set_figure(
                request.user,
                submission,
                indicator_code=data["indicator"],
                cell=data["cell"],
                value=data["value"],
                comment=data["comment"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if outcome == "unchanged":
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("Figure saved."))
            return redirect("stats:submission", submission_id=submission.id)
    return render(
        request,
        "stats/figure.html",
        {"form": form, "submission": submission, "current": current},
    )


def _plain(value: Decimal) -> str:
    return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value)


@requires("stats.submission.prepare")
def narrative(request: HttpRequest, submission_id: str) -> HttpResponse:
    submission = access_own_submission(request.user, submission_id)
    if not submission.is_editable:
        raise Http404
    form = NarrativeForm(request.POST or None, initial={"narrative": submission.narrative})
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.do_set_narrative(
                request.user, submission, form.cleaned_data["narrative"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("Narrative saved."))
            return redirect("stats:submission", submission_id=submission.id)
    return render(request, "stats/narrative.html", {"form": form, "submission": submission})


@requires("stats.submission.prepare")
def upload(request: HttpRequest, submission_id: str) -> HttpResponse:
    """Upload figures by hand as CSV in the long format; errors are shown per row."""
    submission = access_own_submission(request.user, submission_id)
    if not submission.is_editable:
        raise Http404
    form = UploadFiguresForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.do_upload_figures(
                request.user, submission, form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if not result.errors:
                messages.success(
                    request,
                    _("%(count)d figure(s) saved from the file.") % {"count": result.written},
                )
                return redirect("stats:submission", submission_id=submission.id)
    return render(
        request,
        "stats/upload.html",
        {"form": form, "submission": submission, "result": result},
    )


@requires("stats.submission.view_own")
def figures_csv(request: HttpRequest, submission_id: str) -> HttpResponse:
    """The submission's figures in the long format of the upload (a template to fill in)."""
    submission = access_own_submission(request.user, submission_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="figures-{submission.organisation.code}-{submission.round}.csv"'
    )
    writer = SafeWriter(response)
    writer.writerow(actions.CSV_COLUMNS)
    figures = {(o.indicator.code, o.cell): o for o in figures_for(request.user, submission)}
    for code in actions.round_indicators(submission.round):
        cells = sorted(cell for c, cell in figures if c == code) or [""]
        for cell in cells:
            found = figures.get((code, cell))
            value = "" if found is None or found.value is None else _plain(found.value)
            writer.writerow([code, cell, value, found.comment if found else ""])
    return response


@requires("stats.submission.prepare")
def submit(request: HttpRequest, submission_id: str) -> HttpResponse:
    submission = access_own_submission(request.user, submission_id)
    if not submission.is_editable:
        raise Http404
    if request.method == "POST":
        try:
            actions.do_submit(request.user, submission)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Figures submitted to the secretariat. Small counts were suppressed."),
            )
        return redirect("stats:submission", submission_id=submission.id)
    problems = actions.validate(submission)
    return render(
        request,
        "stats/submit.html",
        {
            "submission": submission,
            "problems": problems,
            "errors": [p for p in problems if p.is_error],
            "threshold": actions.network_threshold(),
        },
    )


# --- review (the secretariat) -----------------------------------------------------------------


@requires("stats.submission.review")
def round_review(request: HttpRequest, round_id: str) -> HttpResponse:
    """Every reporting organisation of the network in a round: status, completeness, timeliness."""
    reporting_round = access_round(request.user, round_id)
    total = reporting_round.indicators.count()
    submissions = {
        s.organisation_id: s
        for s in visible_submissions(request.user)
        .filter(round=reporting_round)
        .annotate(
            filled=Count(
                "observations__indicator",
                filter=~Q(observations__flag=Flag.MISSING),
                distinct=True,
            )
        )
    }
    rows = []
    for organisation in Organisation.objects.filter(kind__in=CASE_ORG_KINDS, active=True):
        submission = submissions.get(organisation.id)
        on_time = None
        if submission is not None and submission.submitted_at is not None:
            on_time = submission.submitted_at.date() <= reporting_round.deadline
        rows.append(
            {
                "organisation": organisation,
                "submission": submission,
                "completeness": round(100 * submission.filled / total)
                if submission is not None and total
                else None,
                "on_time": on_time,
            }
        )
    return render(
        request,
        "stats/round_review.html",
        {
            "round": reporting_round,
            "rows": rows,
            "total": total,
            "accepted": sum(
                1 for s in submissions.values() if s.status == SubmissionStatus.ACCEPTED
            ),
        },
    )


@requires("stats.submission.review")
def round_publish(request: HttpRequest, round_id: str) -> HttpResponse:
    _post_only(request)
    reporting_round = access_round(request.user, round_id)
    count = actions.do_publish_round(request.user, reporting_round)
    messages.success(request, _("%(count)d submission(s) published.") % {"count": count})
    return redirect("stats:round_review", round_id=reporting_round.id)


@requires("stats.submission.review")
def review(request: HttpRequest, submission_id: str) -> HttpResponse:
    """A submission as the secretariat sees it: suppressed figures and narrative, no records."""
    submission = access_submission(request.user, submission_id)
    return render(
        request,
        "stats/review.html",
        {
            "submission": submission,
            "groups": _grouped(submission.round, figures_for(request.user, submission)),
            "form": ReviewForm(),
            "on_time": submission.submitted_at.date() <= submission.round.deadline
            if submission.submitted_at
            else None,
        },
    )


REVIEW_STEPS: dict[str, tuple[Callable[..., Submission], Any]] = {
    "accept": (actions.do_accept, gettext_lazy("Submission accepted: its figures are frozen.")),
    "return": (actions.do_return, gettext_lazy("Submission returned to the member.")),
    "reopen": (actions.do_reopen, gettext_lazy("Submission reopened and returned to the member.")),
}


@requires("stats.submission.review")
def review_decide(request: HttpRequest, submission_id: str, decision: str) -> HttpResponse:
    _post_only(request)
    submission = access_submission(request.user, submission_id)
    form = ReviewForm(request.POST)
    if decision not in (*REVIEW_STEPS, "publish") or not form.is_valid():
        raise Http404
    done: Any = _("Submission published.")
    try:
        if decision == "publish":
            actions.do_publish(request.user, submission)
        else:
            step, done = REVIEW_STEPS[decision]
            step(request.user, submission, form.cleaned_data["comment"])
    except ValidationError as error:
        add_errors(form, error)
        return render(
            request,
            "stats/review.html",
            {
                "submission": submission,
                "groups": _grouped(submission.round, figures_for(request.user, submission)),
                "form": form,
                "decision": decision,
            },
            status=400,
        )
    messages.success(request, str(done))
    return redirect("stats:review", submission_id=submission.id)
