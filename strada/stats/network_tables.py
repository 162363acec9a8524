"""The network's tables: trends, breakdowns, routes, member comparison, completeness, countries.

Security contract: everything here reads through ``network_observations``, which answers only for
a user allowed ``stats.network.view`` and only with the observations of accepted or published
submissions. Those were suppressed when the member submitted them, so no count below the
threshold (nor one recoverable from totals) ever reaches these tables; drafts, submitted and
returned figures never do. No case record is read.

Sums over members treat a suppressed cell as unknown, never as 0: a ``Figure`` keeps the sum of
the known values and the number of suppressed contributions, and reads "at least N" when some are
suppressed, "suppressed" when nothing is known. Each table is a few aggregate queries, whatever
the number of rounds and members.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django_countries import countries

from strada.orgs.models import CASE_ORG_KINDS, Organisation
from strada.orgs.policy import can
from strada.stats.dimensions import DIMENSIONS, UNKNOWN
from strada.stats.models import (
    ContextFigure,
    Flag,
    Indicator,
    Observation,
    ReportingRound,
    Submission,
    SubmissionStatus,
)

NETWORK_STATUSES = (SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED)
SUBMITTED_STATUSES = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.ACCEPTED,
    SubmissionStatus.PUBLISHED,
)
ROUTE = "route"  # values "UA>NL": citizenship > country of exploitation (stats.dimensions)
COUNTRY_DIMENSIONS = frozenset({"citizenship", "exploitation_country"})
TOP_ROUTES = 25
COUNTRY_ROUNDS = 5


def network_observations(user: Any) -> QuerySet[Observation]:
    """The figures of the network that this user may read: those of accepted or published
    submissions (suppressed when they left the member), for ``stats.network.view`` only."""
    if not can(user, "stats.network.view"):
        raise PermissionDenied
    return Observation.objects.filter(submission__status__in=NETWORK_STATUSES)


def number(value: Decimal | float | int | None) -> str:
    """A figure without needless decimals: 12, 12.5, 1234."""
    if value is None:
        return ""
    decimal = Decimal(value)
    if decimal == decimal.to_integral_value():
        return str(int(decimal))
    return f"{decimal.normalize():f}"


@dataclass(frozen=True)
class Figure:
    """A network figure: the sum of the known values, and how many contributions are unknown."""

    known: Decimal = Decimal(0)
    suppressed: int = 0
    reported: int = 0

    @property
    def has_data(self) -> bool:
        return self.reported > 0

    @property
    def status(self) -> str:
        """``exact``, ``at least``, ``suppressed`` or ``no data`` (the CSV's status column)."""
        if not self.reported:
            return "no data"
        if not self.suppressed:
            return "exact"
        return "at least" if self.known else "suppressed"

    @property
    def value(self) -> Decimal | None:
        """The number to write in a spreadsheet: None when nothing is known."""
        return self.known if self.status in ("exact", "at least") else None

    @property
    def text(self) -> str:
        status = self.status
        if status == "exact":
            return number(self.known)
        if status == "at least":
            return _("at least %(number)s") % {"number": number(self.known)}
        if status == "suppressed":
            return _("suppressed")
        return "—"

    @property
    def drawn(self) -> float:
        return float(self.known) if self.value is not None else 0.0


def _figure(row: dict[str, Any]) -> Figure:
    return Figure(row["known"] or Decimal(0), row["suppressed"], row["reported"])


def _aggregate(observations: QuerySet[Observation], *by: str) -> list[dict[str, Any]]:
    return list(
        observations.values(*by).annotate(
            known=Sum("value"),
            suppressed=Count("id", filter=Q(flag=Flag.SUPPRESSED)),
            reported=Count("id", filter=Q(flag=Flag.SUPPRESSED) | Q(value__isnull=False)),
        )
    )


def _country_name(code: str) -> str:
    return str(countries.name(code)) if code in countries else code


def value_label(dimension: str, value: str) -> str:
    """A dimension value as a reader reads it: country names, routes with an arrow."""
    if value == UNKNOWN:
        return _("unknown")
    if dimension in COUNTRY_DIMENSIONS:
        return _country_name(value)
    if dimension == ROUTE and ">" in value:
        origin, destination = value.split(">", 1)
        return f"{_country_name(origin)} → {_country_name(destination)}"
    return value.replace("_", " ")


def dimension_label(dimension: str) -> str:
    known = DIMENSIONS.get(dimension)
    return str(known.label) if known else dimension.replace("_", " ").capitalize()


def single_dimensions(indicator: Indicator | None) -> list[str]:
    """The one-dimension breakdowns of an indicator (cross-tables are left to the downloads of
    the member's own submission)."""
    if indicator is None:
        return []
    return [entry for entry in indicator.disaggregations if entry and "|" not in entry]


def round_label(reporting_round: ReportingRound) -> str:
    return str(reporting_round)


# --- what can be chosen -------------------------------------------------------------------------


def indicators() -> list[Indicator]:
    """The newest version of each active indicator, in catalogue order."""
    seen: dict[str, Indicator] = {}
    for indicator in Indicator.objects.filter(active=True).order_by("position", "code", "-version"):
        seen.setdefault(indicator.code, indicator)
    return list(seen.values())


def rounds_ascending() -> list[ReportingRound]:
    return sorted(ReportingRound.objects.all(), key=lambda r: (r.year, r.half or 0))


# --- the tables ---------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    figure: Figure
    key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def trends(user: Any, code: str, rounds: list[ReportingRound]) -> list[Row]:
    """The network total of an indicator in each round (the members' total cells summed)."""
    rows = _aggregate(
        network_observations(user).filter(indicator__code=code, cell=""), "submission__round_id"
    )
    by_round = {row["submission__round_id"]: _figure(row) for row in rows}
    return [Row(round_label(r), by_round.get(r.id, Figure()), key=str(r.id)) for r in rounds]


def breakdown(user: Any, code: str, reporting_round: ReportingRound, dimension: str) -> list[Row]:
    """The network figure for each value of one dimension in one round (one-dimension cells)."""
    observations = (
        network_observations(user)
        .filter(indicator__code=code, submission__round=reporting_round)
        .filter(cell__startswith=f"{dimension}=")
        .exclude(cell__contains="|")
    )
    rows = []
    for row in _aggregate(observations, "cell"):
        value = row["cell"].split("=", 1)[1]
        rows.append(Row(value_label(dimension, value), _figure(row), key=value))
    known = DIMENSIONS.get(dimension)
    order = {value: index for index, value in enumerate(known.values if known else ())}
    return sorted(rows, key=lambda r: (order.get(r.key, len(order)), r.key))


def routes(user: Any, code: str, reporting_round: ReportingRound) -> list[Row]:
    """Citizenship → country of exploitation (the ``route`` cells), largest first."""
    observations = (
        network_observations(user)
        .filter(indicator__code=code, submission__round=reporting_round)
        .filter(cell__startswith=f"{ROUTE}=")
        .exclude(cell__contains="|")
    )
    rows = []
    for row in _aggregate(observations, "cell"):
        value = row["cell"].split("=", 1)[1]
        origin, _arrow, destination = value.partition(">")
        rows.append(
            Row(
                value_label(ROUTE, value),
                _figure(row),
                key=value,
                extra={"origin": origin, "destination": destination},
            )
        )
    rows.sort(key=lambda r: (-r.figure.known, -r.figure.suppressed, r.key))
    return rows[:TOP_ROUTES]


def members(user: Any, code: str, reporting_round: ReportingRound) -> list[Row]:
    """Each member's own total in one round, as it was accepted (suppressed or not)."""
    observations = network_observations(user).filter(
        indicator__code=code, submission__round=reporting_round, cell=""
    )
    rows = _aggregate(
        observations,
        "submission__organisation__code",
        "submission__organisation__name",
        "submission__organisation__country",
    )
    result = [
        Row(
            row["submission__organisation__name"],
            _figure(row),
            key=row["submission__organisation__code"],
            extra={"country": row["submission__organisation__country"]},
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: r.key)


@dataclass
class Completeness:
    rounds: list[ReportingRound]
    organisations: list[Organisation]
    # (organisation id, round id) -> "on time" | "late" | "" (not submitted)
    cells: dict[tuple[Any, Any], str]

    def matrix(self) -> list[tuple[Organisation, list[str]]]:
        return [
            (org, [self.cells.get((org.id, r.id), "") for r in self.rounds])
            for org in self.organisations
        ]

    def summary(self) -> list[tuple[ReportingRound, int, int, int]]:
        """(round, expected, on time, late)."""
        result = []
        for r in self.rounds:
            marks = [self.cells.get((org.id, r.id), "") for org in self.organisations]
            result.append((r, len(self.organisations), marks.count("on time"), marks.count("late")))
        return result


def completeness(user: Any, rounds: list[ReportingRound]) -> Completeness:
    """Which members submitted in each round, and whether before the deadline. A draft or a
    returned submission counts as not submitted; no figure is read."""
    if not can(user, "stats.network.view"):
        raise PermissionDenied
    submissions = list(
        Submission.objects.filter(round__in=rounds, status__in=SUBMITTED_STATUSES).values(
            "organisation_id", "round_id", "submitted_at"
        )
    )
    with_submission = {row["organisation_id"] for row in submissions}
    organisations = list(
        Organisation.objects.filter(
            Q(kind__in=CASE_ORG_KINDS, active=True) | Q(id__in=with_submission)
        ).order_by("code")
    )
    deadlines = {r.id: r.deadline for r in rounds}
    cells = {}
    for row in submissions:
        submitted: dt.datetime | None = row["submitted_at"]
        deadline = deadlines[row["round_id"]]
        on_time = submitted is not None and submitted.date() <= deadline
        cells[(row["organisation_id"], row["round_id"])] = "on time" if on_time else "late"
    return Completeness(rounds, organisations, cells)


# --- a country ----------------------------------------------------------------------------------


@dataclass
class CountryRow:
    indicator: Indicator
    figures: list[Figure]
    official: list[list[ContextFigure]]


@dataclass
class CountrySheet:
    country: str
    name: str
    organisations: list[Organisation]
    rounds: list[ReportingRound]
    rows: list[CountryRow]
    context: list[ContextFigure]


def country_sheet(
    user: Any, country: str, catalogue: Iterable[Indicator], rounds: list[ReportingRound]
) -> CountrySheet:
    """The totals of the members in one country for the latest rounds, each indicator with the
    official figures of the same year beside it (context figures with its code and no cell)."""
    shown = rounds[-COUNTRY_ROUNDS:]
    observations = network_observations(user).filter(
        submission__organisation__country=country, submission__round__in=shown, cell=""
    )
    figures = {
        (row["indicator__code"], row["submission__round_id"]): _figure(row)
        for row in _aggregate(observations, "indicator__code", "submission__round_id")
    }
    context = list(ContextFigure.objects.filter(country=country).order_by("-year", "label"))
    official: dict[tuple[str, int], list[ContextFigure]] = defaultdict(list)
    for figure in context:
        if figure.indicator_code and not figure.cell:
            official[(figure.indicator_code, figure.year)].append(figure)
    rows = []
    for indicator in catalogue:
        values = [figures.get((indicator.code, r.id), Figure()) for r in shown]
        beside = [official.get((indicator.code, r.year), []) for r in shown]
        if any(v.has_data for v in values) or any(beside):
            rows.append(CountryRow(indicator, values, beside))
    organisations = list(
        Organisation.objects.filter(country=country, kind__in=CASE_ORG_KINDS).order_by("code")
    )
    return CountrySheet(country, str(countries.name(country)), organisations, shown, rows, context)


def member_countries() -> list[tuple[str, str]]:
    """(code, name) of the countries with a member or affiliate, by name."""
    codes = set(
        Organisation.objects.filter(kind__in=CASE_ORG_KINDS, active=True).values_list(
            "country", flat=True
        )
    )
    return sorted(((code, str(countries.name(code))) for code in codes), key=lambda c: c[1])
