"""Changes on the statistics plane. Each ``do_*`` function is one transaction with its audit event.

Security contract: the caller has passed the policy check of the view and reached the submission
through ``stats.access``; each action checks the right again together with the actor's
organisation (a data manager changes only its own organisation's submission, the secretariat only
reviews). Figures leave a member only through ``do_submit``, which applies disclosure control with
the network's threshold first, so that no count from 1 to the threshold is stored in a submission
the secretariat can read. Audit events name the submission and the step; the reason holds the
reviewer's comment, cut short, never a figure or anything about a person.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from strada.audit.log import Entry, record
from strada.lib.csvsafe import unescape_cell
from strada.orgs.policy import can
from strada.stats import compute, dimensions, suppression
from strada.stats.models import (
    CountingUnit,
    Flag,
    Indicator,
    NetworkSetting,
    Observation,
    ReportingRound,
    RoundStatus,
    Source,
    Submission,
    SubmissionStatus,
)

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_.-]{1,39}$")
MAX_VALUE = Decimal("999999999999.99")
REASON_LENGTH = 200
# The long format of hand-made figures (docs/figures-format.md).
CSV_COLUMNS = ("indicator", "cell", "value", "comment")
MAX_CSV_ROWS = 20_000
MAX_CSV_BYTES = 2 * 1024 * 1024


# --- helpers ----------------------------------------------------------------------------------


def _require(actor: Any, action: str) -> None:
    if not can(actor, action):
        raise PermissionDenied


def _require_own(actor: Any, submission: Submission) -> None:
    """The data manager of the submission's own organisation, and the submission still open."""
    _require(actor, "stats.submission.prepare")
    if actor.organisation_id != submission.organisation_id:
        raise PermissionDenied
    if not submission.is_editable:
        raise ValidationError(_("This submission can no longer be changed."))


def _audit(actor: Any, action: str, submission: Submission, *, fields: list[str] | None = None,
           reason: str = "") -> None:  # fmt: skip
    record(
        Entry(
            action=action,
            actor=actor,
            org_id=submission.organisation_id,
            object_type="submission",
            object_id=submission.id,
            fields=fields or [],
            reason=reason[:REASON_LENGTH],
        )
    )


def _locked(submission: Submission) -> Submission:
    """The submission's row, locked for this transaction, so that two steps cannot cross."""
    return Submission.objects.select_for_update().select_related("round").get(id=submission.id)


def network_threshold() -> int:
    """The suppression threshold of the network; the settings row is made with defaults once."""
    setting, _created = NetworkSetting.objects.get_or_create(id=1)
    return int(setting.suppression_threshold)


OPEN_VALUE = re.compile(r"^[A-Za-z0-9_>.-]{1,40}$")


def canonical_cell(indicator: Indicator, raw: str) -> str:
    """The canonical form of a breakdown cell of this indicator, or ValidationError.

    The cell's dimensions must form one of the indicator's breakdowns (``sex``, ``age_group|sex``…)
    and each value must be one of its dimension's values (or a plain code for open lists such as
    countries)."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        parts = dimensions.parse_cell(raw)
    except ValueError as exc:
        raise ValidationError(_("This is not a valid breakdown cell.")) from exc
    allowed = set(dimensions.breakdowns(list(indicator.disaggregations or [])))
    if tuple(sorted(parts)) not in allowed:
        raise ValidationError(
            _("%(code)s is not broken down by %(dimensions)s.")
            % {"code": indicator.code, "dimensions": " x ".join(sorted(parts))}
        )
    for name, value in parts.items():
        dimension = dimensions.DIMENSIONS.get(name)
        known = dimension is not None and (
            value in dimension.values if dimension.values else bool(OPEN_VALUE.match(value))
        )
        if not known:
            raise ValidationError(
                _("%(value)s is not a value of %(dimension)s.")
                % {"value": value[:40], "dimension": name}
            )
    return dimensions.cell_key(**parts)


def parse_value(raw: Any) -> Decimal:
    """A figure: a number from 0 up, at most two decimals; ValidationError otherwise."""
    text = str(raw if raw is not None else "").strip().replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(_("The value must be a number.")) from exc
    if not value.is_finite():
        raise ValidationError(_("The value must be a number."))
    if value < 0:
        raise ValidationError(_("The value cannot be negative."))
    if value > MAX_VALUE:
        raise ValidationError(_("The value is too large."))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Use at most two decimals."))
    return value


def round_indicators(reporting_round: ReportingRound) -> dict[str, Indicator]:
    """The indicators of a round by code (one version each: the one the round was opened with)."""
    return {i.code: i for i in reporting_round.indicators.order_by("position", "code")}


# --- the catalogue ----------------------------------------------------------------------------


@dataclass
class IndicatorInput:
    code: str
    name: str
    definition: str
    unit: str
    disaggregations: list[str] = field(default_factory=list)
    computation: str = ""
    validation: dict[str, Any] = field(default_factory=dict)
    cross_references: list[str] = field(default_factory=list)


def do_add_indicator(actor: Any, data: IndicatorInput) -> Indicator:
    """Add an indicator to the catalogue, or a new version of an existing code.

    A changed definition is a new version: the older versions are made inactive, so new rounds get
    the new one, while rounds already opened keep the version they were opened with."""
    _require(actor, "stats.catalogue.manage")
    code = data.code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise ValidationError(
            {
                "code": _(
                    "Use 2 to 40 capital letters, digits, '_', '.' or '-', starting with a letter."
                )
            }
        )
    if data.unit not in CountingUnit.values:
        raise ValidationError({"unit": _("Unknown counting unit.")})
    if data.computation and data.computation not in compute.COMPUTATIONS:
        raise ValidationError({"computation": _("Unknown computation.")})
    with transaction.atomic():
        previous = (
            Indicator.objects.select_for_update().filter(code=code).order_by("-version").first()
        )
        indicator = Indicator(
            code=code,
            version=(previous.version + 1) if previous else 1,
            name=data.name.strip(),
            definition=data.definition.strip(),
            unit=data.unit,
            disaggregations=list(data.disaggregations),
            computation=data.computation,
            validation=dict(data.validation),
            cross_references=list(data.cross_references),
            translations=previous.translations if previous else {},
            position=previous.position
            if previous
            else (Indicator.objects.aggregate(m=Max("position"))["m"] or 0) + 1,
        )
        indicator.full_clean(exclude=["translations"])
        Indicator.objects.filter(code=code, active=True).update(active=False)
        indicator.save()
        record(
            Entry(
                action="indicator.version" if previous else "indicator.add",
                actor=actor,
                object_type="indicator",
                object_id=indicator.id,
                fields=["definition", "name", "unit", "disaggregations", "validation"],
                reason=code,
            )
        )
    return indicator


# --- rounds -----------------------------------------------------------------------------------


def do_open_round(
    actor: Any, *, year: int, half: int | None, opens_on: dt.date, deadline: dt.date
) -> ReportingRound:
    """Open a reporting round for a year or a half-year, with the catalogue's active indicators
    (one version per code) attached: the round keeps these versions whatever changes later."""
    _require(actor, "stats.rounds.manage")
    reporting_round = ReportingRound(year=year, half=half, opens_on=opens_on, deadline=deadline)
    reporting_round.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        if ReportingRound.objects.filter(year=year, half=half).exists():
            raise ValidationError(_("There is already a round for this period."))
        try:
            with transaction.atomic():
                reporting_round.save()
        except IntegrityError as exc:
            raise ValidationError(_("There is already a round for this period.")) from exc
        newest: dict[str, Indicator] = {}
        for indicator in Indicator.objects.filter(active=True).order_by("code", "-version"):
            newest.setdefault(indicator.code, indicator)
        reporting_round.indicators.set(newest.values())
        record(
            Entry(
                action="round.open",
                actor=actor,
                object_type="round",
                object_id=reporting_round.id,
                fields=["year", "half", "opens_on", "deadline"],
                reason=str(reporting_round),
            )
        )
    return reporting_round


def do_close_round(actor: Any, reporting_round: ReportingRound) -> ReportingRound:
    """Close a round: no new submissions and no more editing of drafts; reviews go on."""
    _require(actor, "stats.rounds.manage")
    with transaction.atomic():
        updated = ReportingRound.objects.filter(
            id=reporting_round.id, status=RoundStatus.OPEN
        ).update(status=RoundStatus.CLOSED)
        if not updated:
            raise ValidationError(_("This round is already closed."))
        record(
            Entry(
                action="round.close",
                actor=actor,
                object_type="round",
                object_id=reporting_round.id,
                fields=["status"],
                reason=str(reporting_round),
            )
        )
    reporting_round.status = RoundStatus.CLOSED
    return reporting_round


# --- preparing a submission (the member) ------------------------------------------------------


def _computed_rows(
    submission: Submission, indicators: dict[str, Indicator], values: dict[Any, Any]
) -> list[Observation]:
    manual = set(
        submission.observations.filter(source=Source.MANUAL).values_list("indicator_id", "cell")
    )
    rows = []
    for (code, cell), value in values.items():
        indicator = indicators.get(code)
        if indicator is None or indicator.is_manual or (indicator.id, cell) in manual:
            continue
        rows.append(
            Observation(
                submission=submission,
                indicator=indicator,
                cell=cell,
                value=None if value is None else Decimal(value),
                flag=Flag.OK if value is not None else Flag.MISSING,
                source=Source.COMPUTED,
            )
        )
    return rows


def do_prepare_submission(
    actor: Any, reporting_round: ReportingRound, *, recompute: bool = True
) -> Submission:
    """Start (or refresh) the actor's organisation's submission for an open round.

    With ``recompute`` the figures are computed from the organisation's own case records of
    clients who consented to statistics (``stats.compute``): computed figures are replaced, the
    figures entered by hand (and hand corrections of computed cells) are kept, and the number of
    clients left out for lack of consent is stored. Without it, an empty draft is made for a
    member that enters all its figures by hand."""
    _require(actor, "stats.submission.prepare")
    organisation = actor.organisation
    if not organisation.holds_cases:
        raise PermissionDenied
    if reporting_round.status != RoundStatus.OPEN:
        raise ValidationError(_("This round is closed."))
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            round=reporting_round, organisation=organisation
        )
        submission = _locked(submission)
        if not submission.is_editable:
            raise ValidationError(_("This submission can no longer be changed."))
        if recompute:
            result = compute.compute_figures(organisation, reporting_round)
            submission.observations.filter(source=Source.COMPUTED).delete()
            Observation.objects.bulk_create(
                _computed_rows(submission, round_indicators(reporting_round), result.values)
            )
            submission.computed_at = timezone.now()
            submission.excluded_without_consent = result.excluded_without_consent
            submission.save(update_fields=["computed_at", "excluded_without_consent", "updated_at"])
        if created or recompute:
            _audit(
                actor,
                "submission.compute" if recompute else "submission.start",
                submission,
                fields=["observations"] if recompute else [],
            )
    return submission


def _set_figure(
    submission: Submission, indicator: Indicator, cell: str, value: Decimal | None, comment: str
) -> str:
    """Write one hand figure (the caller holds the transaction and has checked everything).
    Returns what happened: "set", "override", "cleared" or "unchanged"."""
    existing = Observation.objects.filter(
        submission=submission, indicator=indicator, cell=cell
    ).first()
    if value is None:
        if existing is None or existing.source != Source.MANUAL:
            return "unchanged"
        existing.delete()
        return "cleared"
    overrides = (
        existing is not None and existing.source == Source.COMPUTED and existing.value != value
    )
    if overrides and not comment:
        raise ValidationError(
            {"comment": _("Say why you change a computed figure (a short comment).")}
        )
    if existing is None:
        Observation.objects.create(
            submission=submission,
            indicator=indicator,
            cell=cell,
            value=value,
            flag=Flag.OK,
            source=Source.MANUAL,
            comment=comment,
        )
        return "set"
    if existing.source == Source.COMPUTED and not overrides:
        return "unchanged"
    existing.value = value
    existing.flag = Flag.OK
    existing.source = Source.MANUAL
    existing.comment = comment
    existing.save(update_fields=["value", "flag", "source", "comment"])
    return "override" if overrides else "set"


def do_set_figure(
    actor: Any,
    submission: Submission,
    *,
    indicator_code: str,
    cell: str,
    value: Any,
    comment: str = "",
) -> str:
    """Enter a figure by hand, correct a computed one (with a comment saying why), or remove a
    hand figure (``value`` None). The next recomputation keeps hand figures."""
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        submission = _locked(submission)
        _require_own(actor, submission)
        indicator = round_indicators(submission.round).get(indicator_code)
        if indicator is None:
            raise ValidationError({"indicator": _("This indicator is not part of the round.")})
        try:
            cell = canonical_cell(indicator, cell)
        except ValidationError as error:
            raise ValidationError({"cell": error.messages}) from error
        if value is not None and value != "":
            try:
                value = parse_value(value)
            except ValidationError as error:
                raise ValidationError({"value": error.messages}) from error
        else:
            value = None
        outcome = _set_figure(submission, indicator, cell, value, comment)
        if outcome != "unchanged":
            _audit(actor, f"submission.figure.{outcome}", submission, fields=[indicator.code])
    return outcome


def do_set_narrative(actor: Any, submission: Submission, narrative: str) -> bool:
    """Save the narrative on patterns and practices. True if it changed."""
    narrative = (narrative or "").strip()
    with transaction.atomic():
        submission = _locked(submission)
        _require_own(actor, submission)
        if submission.narrative == narrative:
            return False
        submission.narrative = narrative
        submission.save(update_fields=["narrative", "updated_at"])
        _audit(actor, "submission.narrative", submission, fields=["narrative"])
    return True


# --- validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A finding of the validation rules. Errors block the submission, warnings do not."""

    indicator: str
    cell: str
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def _breakdown_of(cell: str) -> str:
    """The breakdown a cell belongs to ("age_group=adult|sex=female" gives "age_group x sex")."""
    try:
        return " x ".join(sorted(dimensions.parse_cell(cell)))
    except ValueError:
        return ""


def validate(submission: Submission) -> list[Problem]:
    """Check the submission's figures against the rules of its indicators.

    ``Indicator.validation`` (see ``stats.catalogue``) may hold ``min`` and ``max`` (every cell),
    ``not_above`` (the total cannot exceed that indicator's total) and ``same_population`` (the
    total equals that indicator's total). A breakdown (by sex, by age group and sex…) cannot add up
    to more than the total, unless its dimensions are ``overlapping`` (one client, several
    services); less is a warning (breakdowns are exhaustive, with an "unknown" value). Amounts and
    days are not added up. An indicator without any figure is a warning: it is submitted as
    missing."""
    indicators = round_indicators(submission.round)
    values: dict[str, dict[str, Decimal]] = defaultdict(dict)
    seen: set[str] = set()
    for code, cell, value in submission.observations.values_list(
        "indicator__code", "cell", "value"
    ):
        seen.add(code)
        if value is not None:
            values[code][cell] = value
    problems: list[Problem] = []
    for code, indicator in indicators.items():
        if code not in seen:
            problems.append(
                Problem(code, "", _("No figure yet: it will be reported as missing."), "warning")
            )
        problems += _check_rules(indicator, values)
    return problems


def _check_rules(indicator: Indicator, values: dict[str, dict[str, Decimal]]) -> list[Problem]:
    code, rules, cells = indicator.code, indicator.validation or {}, values.get(indicator.code, {})
    problems = []
    for cell, value in sorted(cells.items()):
        if rules.get("min") is not None and value < Decimal(str(rules["min"])):
            problems.append(
                Problem(code, cell, _("Below the minimum of %(min)s.") % {"min": rules["min"]})
            )
        if rules.get("max") is not None and value > Decimal(str(rules["max"])):
            problems.append(
                Problem(code, cell, _("Above the maximum of %(max)s.") % {"max": rules["max"]})
            )
    total = cells.get("")
    if total is None:
        return problems
    other = rules.get("not_above")
    if other and "" in values.get(other, {}) and total > values[other][""]:
        problems.append(
            Problem(
                code,
                "",
                _("The total is larger than the total of %(other)s (%(value)s).")
                % {"other": other, "value": values[other][""]},
            )
        )
    same = rules.get("same_population")
    if same and "" in values.get(same, {}) and total != values[same][""]:
        problems.append(
            Problem(
                code,
                "",
                _(
                    "The total must equal the total of %(other)s (%(value)s): they count the same people."
                )
                % {"other": same, "value": values[same][""]},
            )
        )
    if indicator.unit in (CountingUnit.AMOUNT, CountingUnit.DAYS):
        return problems
    overlapping = set(rules.get("overlapping") or [])
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for cell, value in cells.items():
        name = _breakdown_of(cell)
        if name and not overlapping & set(name.split(" x ")):
            sums[name] += value
    for name, breakdown in sorted(sums.items()):
        numbers = {"dimension": name, "sum": breakdown, "total": total}
        if breakdown > total:
            message = _(
                "The breakdown by %(dimension)s adds up to %(sum)s, more than the total %(total)s."
            )
            problems.append(Problem(code, "", message % numbers))
        elif breakdown < total:
            message = _(
                "The breakdown by %(dimension)s adds up to %(sum)s, less than the total %(total)s."
            )
            problems.append(Problem(code, "", message % numbers, "warning"))
    return problems


# --- submitting (figures leave the member) ----------------------------------------------------


def _apply_suppression(submission: Submission) -> int:
    """Replace every cell that disclosure control hides by NULL with the flag "suppressed"; the
    hidden values are gone from the database, not just from the pages. Returns how many."""
    observations = list(submission.observations.select_related("indicator"))
    keyed = {(o.indicator.code, o.cell): o for o in observations}
    values: dict[tuple[str, str], Decimal | None] = {
        key: o.value for key, o in keyed.items() if o.value is not None and o.flag == Flag.OK
    }
    indicators = round_indicators(submission.round).values()
    result = suppression.suppress(
        values,
        network_threshold(),
        units={i.code: i.unit for i in indicators},
        populations={
            i.code: (i.validation or {}).get("same_population") or i.code for i in indicators
        },
        basis={i.code: i.validation["based_on"] for i in indicators if "based_on" in i.validation},
    )
    hidden = []
    for key, (_value, flag) in result.items():
        observation = keyed.get(key)
        if observation is None or flag != Flag.SUPPRESSED:
            continue
        observation.value = None
        observation.flag = Flag.SUPPRESSED
        hidden.append(observation)
    Observation.objects.bulk_update(hidden, ["value", "flag"])
    return len(hidden)


def _mark_missing(submission: Submission) -> None:
    present = set(submission.observations.values_list("indicator_id", flat=True))
    Observation.objects.bulk_create(
        Observation(
            submission=submission,
            indicator=indicator,
            cell="",
            value=None,
            flag=Flag.MISSING,
            source=Source.MANUAL,
        )
        for indicator in round_indicators(submission.round).values()
        if indicator.id not in present
    )


def do_submit(actor: Any, submission: Submission) -> Submission:
    """Send the organisation's figures to the secretariat.

    Refused while validation errors remain. Disclosure control runs here, in the same transaction:
    small counts are replaced by "suppressed" before the submission becomes visible to anyone
    outside the member; indicators without figures are stored as missing."""
    with transaction.atomic():
        submission = _locked(submission)
        _require_own(actor, submission)
        errors = [p for p in validate(submission) if p.is_error]
        if errors:
            raise ValidationError(
                _("Fix the %(count)d problem(s) flagged below before submitting.")
                % {"count": len(errors)}
            )
        _mark_missing(submission)
        hidden = _apply_suppression(submission)
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = timezone.now()
        submission.submitted_by = actor
        submission.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        _audit(actor, "submission.submit", submission, fields=["status"],
               reason=f"suppressed {hidden}")  # fmt: skip
    return submission


# --- uploading figures by hand (CSV, long format) ---------------------------------------------


@dataclass
class UploadResult:
    rows: int = 0
    written: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _read_csv(data: bytes) -> list[dict[str, str]]:
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text.")) from exc
    if "\x00" in text:
        raise ValidationError(_("The file is not a CSV text file."))
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in CSV_COLUMNS[:3] if column not in header]
    if missing:
        raise ValidationError(
            _(
                "The first line must name the columns indicator, cell, value, comment; missing: %(columns)s."
            )
            % {"columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            rows.append({k: (v or "") for k, v in row.items() if isinstance(k, str)})
            if len(rows) > MAX_CSV_ROWS:
                raise ValidationError(
                    _("The file has more than %(rows)d rows.") % {"rows": MAX_CSV_ROWS}
                )
    except csv.Error as exc:
        raise ValidationError(_("The file is not valid CSV.")) from exc
    return rows


def _clean_text(value: str) -> str:
    """A cell as text: the formula-escape prefix undone, control characters refused."""
    value = str(unescape_cell(value.strip()))
    if any(ord(ch) < 32 for ch in value):
        raise ValidationError(_("Control characters are not allowed."))
    return value


def do_upload_figures(actor: Any, submission: Submission, data: bytes) -> UploadResult:
    """Enter figures from a CSV file in the long format (docs/figures-format.md).

    Every row is checked (indicator of the round, breakdown cell, value, comment); if any row is
    wrong nothing is written and the errors are returned by row number. Rows become hand figures,
    exactly as if typed one by one, with one audit event for the upload."""
    rows = _read_csv(data)
    result = UploadResult(rows=len(rows))
    with transaction.atomic():
        submission = _locked(submission)
        _require_own(actor, submission)
        indicators = round_indicators(submission.round)
        accepted: list[tuple[Indicator, str, Decimal | None, str]] = []
        seen: set[tuple[str, str]] = set()
        for number, row in enumerate(rows, start=2):
            try:
                code = _clean_text(row.get("indicator", "")).upper()
                indicator = indicators.get(code)
                if indicator is None:
                    raise ValidationError(
                        _("Unknown indicator %(code)s for this round.") % {"code": code[:40]}
                    )
                cell = canonical_cell(indicator, _clean_text(row.get("cell", "")))
                raw_value = _clean_text(row.get("value", ""))
                value = parse_value(raw_value) if raw_value else None
                comment = _clean_text(row.get("comment", ""))
                if len(comment) > 500:
                    raise ValidationError(_("The comment is longer than 500 characters."))
                if (code, cell) in seen:
                    raise ValidationError(_("This indicator and cell appear twice."))
                seen.add((code, cell))
                accepted.append((indicator, cell, value, comment))
            except ValidationError as error:
                result.errors.append((number, " ".join(error.messages)))
        if not result.errors:
            sid = transaction.savepoint()
            for number, (indicator, cell, value, comment) in enumerate(accepted, start=2):
                try:
                    if _set_figure(submission, indicator, cell, value, comment) != "unchanged":
                        result.written += 1
                except ValidationError as error:
                    result.errors.append((number, " ".join(error.messages)))
            if result.errors:
                transaction.savepoint_rollback(sid)
                result.written = 0
            else:
                transaction.savepoint_commit(sid)
                _audit(actor, "submission.upload", submission,
                       fields=sorted({i.code for i, *_rest in accepted}))  # fmt: skip
    return result


# --- review (the secretariat) -----------------------------------------------------------------


def _review(
    actor: Any,
    submission: Submission,
    *,
    expected: tuple[str, ...],
    status: str,
    action: str,
    comment: str = "",
) -> Submission:
    _require(actor, "stats.submission.review")
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status not in expected:
            raise ValidationError(
                _("This submission is %(status)s; this step is not possible now.")
                % {"status": submission.get_status_display()}
            )
        submission.status = status
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = actor
        update = ["status", "reviewed_at", "reviewed_by", "updated_at"]
        if comment:
            submission.review_comment = comment
            update.append("review_comment")
        submission.save(update_fields=update)
        _audit(actor, action, submission, fields=["status"], reason=comment)
    return submission


def do_accept(actor: Any, submission: Submission, comment: str = "") -> Submission:
    """Accept a submitted submission: its figures are frozen from now on."""
    return _review(
        actor,
        submission,
        expected=(SubmissionStatus.SUBMITTED,),
        status=SubmissionStatus.ACCEPTED,
        action="submission.accept",
        comment=comment.strip(),
    )


def do_return(actor: Any, submission: Submission, comment: str) -> Submission:
    """Return a submitted submission to its member with a comment saying what to change."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the member should change.")})
    return _review(
        actor,
        submission,
        expected=(SubmissionStatus.SUBMITTED,),
        status=SubmissionStatus.RETURNED,
        action="submission.return",
        comment=comment,
    )


def do_reopen(actor: Any, submission: Submission, reason: str) -> Submission:
    """Reopen an accepted submission (back to the member as returned); a written reason is
    required, because accepted figures are frozen and may already be in use."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"comment": _("Reopening accepted figures needs a written reason.")})
    return _review(
        actor,
        submission,
        expected=(SubmissionStatus.ACCEPTED,),
        status=SubmissionStatus.RETURNED,
        action="submission.reopen",
        comment=reason,
    )


def do_publish(actor: Any, submission: Submission) -> Submission:
    """Publish an accepted submission: its (suppressed) figures join the network view."""
    return _review(
        actor,
        submission,
        expected=(SubmissionStatus.ACCEPTED,),
        status=SubmissionStatus.PUBLISHED,
        action="submission.publish",
    )


def do_publish_round(actor: Any, reporting_round: ReportingRound) -> int:
    """Publish every accepted submission of a round; returns how many."""
    _require(actor, "stats.submission.review")
    published = 0
    with transaction.atomic():
        for submission in Submission.objects.filter(
            round=reporting_round, status=SubmissionStatus.ACCEPTED
        ):
            do_publish(actor, submission)
            published += 1
    return published
