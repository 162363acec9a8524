"""Figures computed from one organisation's consented case records for one reporting round.

``compute_figures(organisation, round)`` returns every computed indicator of the round (or, when the
round names no indicators, of the default catalogue) as ``{(indicator code, cell): value}``.

Who is counted. Only clients of the organisation whose consent for statistics was active during the
round's period: given on or before the last day, and not withdrawn before the first day. Everyone
else is left out of every figure and only counted in ``excluded_without_consent`` (and the indicator
CLIENTS_WITHOUT_STATISTICS_CONSENT), never described. ``included_clients`` and
``excluded_without_consent`` split the clients "with a record in the period": registered in it, or
with a case open during it or identified in it, or with a service started, a legal step started or
ended, or a compensation claim lodged, awarded or paid in it.

What each computation counts (``COMPUTATIONS``; the period is the round's, both ends included):

- Registered victims (``victims_*``, persons): consented clients with a case whose identification
  date, or opening date when none is recorded, lies in the period and whose trafficking status is
  possible or identified. A client with several such cases counts once, with the facts of the last
  of them (highest case number): victim_status (identified = "ActualVictimOfTrafficking", else
  presumed), identification_actor, exploitation (the first form recorded on the case, "unknown" when
  none), exploitation_country (the country of the case's first exploitation leg by sequence),
  route and trafficking_type (first citizenship against that country). Person facts: sex
  (``dimensions.SEX_OF_GENDER``), age (the age reached in the round's year, from the birth year;
  else the age band recorded at registration; age_group from the band: 0-8 and 9-17 are minors),
  citizenship (the first recorded), citizenship_group (national when any of the first two
  citizenships is the organisation's country, else other EU or non-EU by the first).
- victims_retrafficked: registered victims whose counted case has an earlier case of the same client
  (opened on an earlier day).
- clients_assisted: consented clients with a case open at some time in the period (opened on or
  before its end, not closed before its start); new when registered on or after the first day.
- services_by_type: services started in the period (one per service row).
- service_clients: consented clients with a service started in the period; by service_type, a client
  counts once under each type (the breakdown overlaps and sums to more than the total).
- first_service_clients: consented clients whose earliest service (over all their cases) started in
  the period. days_to_first_service: the median, over those clients, of the days from registration
  to that first service (negative gaps, a service recorded before registration, count as 0).
- reflection_periods / residence_permits: legal steps of that kind started in the period, by outcome.
- crim_complaints / crim_investigations / crim_prosecutions: distinct cases with a step of that kind
  started in the period. crim_verdicts: verdict steps dated in the period (end date, else start
  date), by outcome.
- comp_claims / comp_awards / comp_payments: compensation rows with the claim / award / payment dated
  in the period, by route and currency; the ``*_amount`` computations sum the claimed / awarded /
  paid amounts of the same rows per currency (never across currencies; a missing amount adds 0).
- clients_without_statistics_consent: ``excluded_without_consent``.

Sex, age and citizenship of every person figure come from the client record; every breakdown of a
person, case or event count is exhaustive ("unknown" where a fact is missing), so a total equals
the sum of the cells of each one-dimension breakdown (except overlapping service types), and a
cross-table's cells sum to its margins.

How. Each figure family is one or two GROUP BY queries (``values().annotate(Count)``) whose rows are
the distinct combinations of the dimensions, summed into the published cells in Python: the work in
Python grows with the number of combinations, not of clients. The median is the one figure SQL
cannot give on every database, so the first-service dates of the clients concerned are read
(one row per client, no model instances).
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce

from strada.cases import codes
from strada.cases.models import Case, Compensation, LegalProceeding, Service, TraffickingEvent
from strada.clients import codes as client_codes
from strada.clients.models import Client, Consent
from strada.orgs.models import Organisation
from strada.stats import dimensions as dims
from strada.stats.catalogue import DEFAULT_CATALOGUE
from strada.stats.dimensions import UNKNOWN, cell_key
from strada.stats.models import ReportingRound

Values = dict[tuple[str, str], Decimal]
Cells = dict[str, Decimal]
Row = tuple[dict[str, str], int]

VICTIM_STATUSES = (codes.TraffickingStatus.POSSIBLE, codes.TraffickingStatus.ACTUAL)
# Legal steps counted one by one (by outcome), and those counted as distinct cases.
LEGAL_EVENTS: dict[str, str] = {
    "reflection_periods": codes.LegalStep.REFLECTION_PERIOD,
    "residence_permits": codes.LegalStep.RESIDENCE_PERMIT,
    "crim_verdicts": codes.LegalStep.VERDICT,
}
LEGAL_CASES: dict[str, str] = {
    "crim_complaints": codes.LegalStep.COMPLAINT,
    "crim_investigations": codes.LegalStep.INVESTIGATION,
    "crim_prosecutions": codes.LegalStep.PROSECUTION,
}


@dataclass
class Computation:
    values: dict[tuple[str, str], Decimal]
    included_clients: int
    excluded_without_consent: int


# --- SQL expressions over the client reached through ``prefix`` ("" from Client, "client__" from
# Case, "case__client__" from a case part).


def consented_ids(start: dt.date, end: dt.date) -> QuerySet[Consent, Any]:
    """The ids of the clients whose consent for statistics was active during the period: one
    uncorrelated subquery (``client__in=``), evaluated once by the database, not per row."""
    return (
        Consent.objects.filter(purpose=client_codes.ConsentPurpose.STATISTICS, given_on__lte=end)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=start))
        .values("client_id")
    )


def consented(prefix: str, start: dt.date, end: dt.date) -> Q:
    """The client's consent for statistics was active during the period."""
    return Q(**{f"{prefix}pk__in" if prefix else "pk__in": consented_ids(start, end)})


def sex_sql(prefix: str) -> SqlCase:
    return SqlCase(
        *(
            When(**{f"{prefix}gender__in": [g for g, s in dims.SEX_OF_GENDER.items() if s == sex]},
                 then=Value(sex))
            for sex in ("female", "male")
        ),
        default=Value("other_unknown"),
        output_field=CharField(),
    )  # fmt: skip


def age_band_sql(prefix: str, year: int) -> SqlCase:
    """The age band of the age reached in ``year`` (birth year), else the recorded band."""
    born = f"{prefix}birth_year"
    uppers = [(8, "0-8"), (17, "9-17"), (20, "18-20"), (23, "21-23"), (26, "24-26"),
              (29, "27-29"), (38, "30-38"), (47, "39-47")]  # fmt: skip
    from_year = [When(**{f"{born}__gte": year - upper}, then=Value(band)) for upper, band in uppers]
    return SqlCase(
        When(**{f"{born}__isnull": False}, then=SqlCase(*from_year, default=Value("48+"))),
        When(**{f"{prefix}age_band": ""}, then=Value(UNKNOWN)),
        default=F(f"{prefix}age_band"),
        output_field=CharField(),
    )


def citizenship_sql(prefix: str, index: int) -> KeyTextTransform:
    return KeyTextTransform(str(index), f"{prefix}citizenship")


# --- Tabulation: combination rows into published cells.


def _values_of(name: str) -> tuple[str, ...]:
    return dims.DIMENSIONS[name].values


def tabulate(rows: Iterable[Row], disaggregations: list[str], *, total: bool = True) -> Cells:
    """Sum combination rows into the total and the cells of each breakdown. Closed dimensions get
    every value (zeros included); a cross-table with an open dimension gets the combinations seen."""
    rows = list(rows)
    cells: dict[str, Decimal] = defaultdict(Decimal)
    if total:
        cells[""] = Decimal(sum(n for _d, n in rows))
    for breakdown in dims.breakdowns(disaggregations):
        if all(not dims.DIMENSIONS[d].is_open for d in breakdown):
            for combination in itertools.product(*(_values_of(d) for d in breakdown)):
                cells[cell_key(**dict(zip(breakdown, combination, strict=True)))] += 0
        for row, n in rows:
            cells[cell_key(**{d: row[d] for d in breakdown})] += n
    return dict(cells)


@dataclass
class Context:
    organisation: Organisation
    start: dt.date
    end: dt.date
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def home(self) -> str:
        return str(self.organisation.country)

    # -- registered victims

    def _reference_date(self) -> Coalesce:
        return Coalesce("identification_date", "opened_on")

    def victim_cases(self) -> QuerySet[Case]:
        """The counted case of each registered victim of the period (see the module docstring)."""
        later = (
            Case.objects.filter(
                client=OuterRef("client"),
                number__gt=OuterRef("number"),
                trafficking_status__in=VICTIM_STATUSES,
            )
            .annotate(reference_date=self._reference_date())
            .filter(reference_date__range=(self.start, self.end))
        )
        return (
            Case.objects.filter(
                organisation=self.organisation, trafficking_status__in=VICTIM_STATUSES
            )
            .annotate(reference_date=self._reference_date())
            .filter(reference_date__range=(self.start, self.end))
            .filter(consented("client__", self.start, self.end))
            .filter(~Exists(later))
        )

    @cached_property
    def _victims(self) -> list[dict[str, Any]]:
        """The combinations of every fact the victim figures need, with their counts: one query
        for the three families (by person, by place, re-trafficked)."""
        first_exploitation = (
            TraffickingEvent.objects.filter(
                case=OuterRef("pk"), type=codes.TraffickingEventType.EXPLOITATION
            )
            .order_by("sequence", "date")
            .values("country")[:1]
        )
        earlier = Case.objects.filter(
            client=OuterRef("client"), opened_on__lt=OuterRef("opened_on")
        )
        return list(
            self.victim_cases()
            .values(
                "trafficking_status",
                "identification_actor",
                sex=sex_sql("client__"),
                band=age_band_sql("client__", self.year),
                c0=citizenship_sql("client__", 0),
                c1=citizenship_sql("client__", 1),
                form=KeyTextTransform("0", "type_of_exploitation"),
                country=Subquery(first_exploitation),
                again=Exists(earlier),
            )
            .annotate(n=Count("id"))
            .order_by()
        )

    @cached_property
    def victims_by_person(self) -> list[Row]:
        """Rows of (victim_status, sex, age_band, age_group, citizenship_group, exploitation,
        identification_actor) with their counts."""
        rows = []
        for r in self._victims:
            citizenships = [c for c in (r["c0"], r["c1"]) if c]
            status = r["trafficking_status"] == codes.TraffickingStatus.ACTUAL
            rows.append(
                (
                    {
                        "victim_status": "identified" if status else "presumed",
                        "sex": r["sex"],
                        "age_band": r["band"],
                        "age_group": dims.age_group_of_band(r["band"]),
                        "citizenship_group": dims.citizenship_group_of(citizenships, self.home),
                        "exploitation": r["form"] or UNKNOWN,
                        "identification_actor": r["identification_actor"] or UNKNOWN,
                    },
                    r["n"],
                )
            )
        return rows

    @cached_property
    def victims_by_place(self) -> list[Row]:
        """Rows of (sex, citizenship, exploitation_country, route, trafficking_type)."""
        rows = []
        for r in self._victims:
            citizenship, country = r["c0"] or None, r["country"] or None
            rows.append(
                (
                    {
                        "sex": r["sex"],
                        "citizenship": citizenship or UNKNOWN,
                        "exploitation_country": country or UNKNOWN,
                        "route": dims.route_of(citizenship, country),
                        "trafficking_type": dims.trafficking_type_of(citizenship, country),
                    },
                    r["n"],
                )
            )
        return rows

    # -- clients and services

    def clients(self) -> QuerySet[Client]:
        return Client.objects.filter(organisation=self.organisation).filter(
            consented("", self.start, self.end)
        )

    # Uncorrelated subqueries of client ids (``pk__in=``): each evaluated once, driven by dates.

    def open_case_clients(self) -> QuerySet[Case, Any]:
        """Clients with a case open at some time in the period."""
        return (
            Case.objects.filter(opened_on__lte=self.end)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=self.start))
            .values("client_id")
        )

    def service_clients(self) -> QuerySet[Service, Any]:
        """Clients with a service started in the period (on any of their cases)."""
        return Service.objects.filter(start_date__range=(self.start, self.end)).values(
            "case__client_id"
        )

    def services(self) -> QuerySet[Service]:
        return Service.objects.filter(
            case__organisation=self.organisation, start_date__range=(self.start, self.end)
        ).filter(consented("case__client__", self.start, self.end))

    def legal_steps(self, steps: list[str]) -> QuerySet[LegalProceeding]:
        """Legal steps of these kinds dated in the period: a verdict by its end date (else its
        start), any other step by its start."""
        period = (self.start, self.end)
        verdict = codes.LegalStep.VERDICT
        # Written so that the database can drive the steps dated by their start from its index.
        dated = Q(step__in=[s for s in steps if s != verdict], start_date__range=period)
        if verdict in steps:
            dated |= Q(step=verdict) & (
                Q(end_date__range=period) | Q(end_date__isnull=True, start_date__range=period)
            )
        return (
            LegalProceeding.objects.filter(case__organisation=self.organisation)
            .filter(dated)
            .filter(consented("case__client__", self.start, self.end))
        )

    @cached_property
    def _legal_rows(self) -> list[dict[str, Any]]:
        """One query for both legal families: per step, outcome, sex and case, the steps dated in
        the period (the rows are the steps' cases, not combinations, so distinct cases can be
        counted from them)."""
        steps = [*LEGAL_EVENTS.values(), *LEGAL_CASES.values()]
        return list(
            self.legal_steps(steps)
            .values("step", "outcome", "case_id", sex=sex_sql("case__client__"))
            .annotate(n=Count("id"))
            .order_by()
        )

    @cached_property
    def legal_events(self) -> dict[str, list[Row]]:
        """Rows (legal_outcome, sex) of the steps counted one by one, by step."""
        counts: dict[tuple[str, str, str], int] = defaultdict(int)
        for r in self._legal_rows:
            if r["step"] in LEGAL_EVENTS.values():
                counts[(r["step"], r["outcome"], r["sex"])] += r["n"]
        rows: dict[str, list[Row]] = defaultdict(list)
        for (step, outcome, sex), n in counts.items():
            rows[step].append(({"legal_outcome": outcome, "sex": sex}, n))
        return rows

    @cached_property
    def legal_cases(self) -> dict[str, list[Row]]:
        """Rows (sex) of the distinct cases with a step of the kinds counted by case, by step."""
        cases: dict[tuple[str, str], set[Any]] = defaultdict(set)
        for r in self._legal_rows:
            if r["step"] in LEGAL_CASES.values():
                cases[(r["step"], r["sex"])].add(r["case_id"])
        rows: dict[str, list[Row]] = defaultdict(list)
        for (step, sex), ids in cases.items():
            rows[step].append(({"sex": sex}, len(ids)))
        return rows

    @cached_property
    def first_services(self) -> list[tuple[str, int]]:
        """(sex, days from registration to the first service) of each client whose first service
        started in the period."""
        # The earliest service lies in the period when one started in it and none before it.
        earlier = Service.objects.filter(
            case__client=OuterRef("case__client"), start_date__lt=self.start
        )
        query = (
            Service.objects.filter(start_date__range=(self.start, self.end))
            .filter(case__client__organisation=self.organisation)
            .filter(consented("case__client__", self.start, self.end))
            .filter(~Exists(earlier))
            .values("case__client", "case__client__registered_on", "case__client__gender")
            .annotate(first=Min("start_date"))  # one row per client
            .values_list("first", "case__client__registered_on", "case__client__gender")
            .order_by()
        )
        return [
            (dims.SEX_OF_GENDER.get(gender, "other_unknown"), max((first - registered).days, 0))
            for first, registered, gender in query
        ]

    def compensation_rows(
        self, dated: str, amount: str
    ) -> list[tuple[dict[str, str], int, Decimal]]:
        """(route and currency, count, sum of ``amount``) of the claims dated in the period."""
        return [
            (row, counts[dated], amounts[amount])
            for row, counts, amounts in self._compensations
            if counts[dated]
        ]

    @cached_property
    def _compensations(self) -> list[tuple[dict[str, str], dict[str, int], dict[str, Decimal]]]:
        """One pass over the compensation rows with a claim, award or payment in the period:
        per route and currency, the count and sum of each kind (conditional aggregation)."""
        period = (self.start, self.end)
        annotations: dict[str, Any] = {}
        for kind, dated in COMPENSATION_DATES.items():
            within = Q(**{f"{dated}__range": period})
            annotations[f"n_{dated}"] = Count("id", filter=within)
            annotations[f"sum_{kind}_amount"] = Sum(f"{kind}_amount", filter=within)
        query = (
            Compensation.objects.filter(case__organisation=self.organisation)
            .filter(
                Q(claimed_on__range=period) | Q(awarded_on__range=period) | Q(paid_on__range=period)
            )
            .filter(consented("case__client__", self.start, self.end))
            .values("route", "currency")
            .annotate(**annotations)
        )
        return [
            (
                {"compensation_route": r["route"], "currency": r["currency"]},
                {dated: r[f"n_{dated}"] for dated in COMPENSATION_DATES.values()},
                {f"{k}_amount": r[f"sum_{k}_amount"] or Decimal(0) for k in COMPENSATION_DATES},
            )
            for r in query
        ]

    @cached_property
    def services_by_type(self) -> list[tuple[str, int, int]]:
        """(type, services, distinct clients) of the services started in the period."""
        query = (
            self.services()
            .values("type")
            .annotate(n=Count("id"), clients=Count("case__client", distinct=True))
        )
        return [(r["type"], r["n"], r["clients"]) for r in query]

    @cached_property
    def record_in_period(self) -> dict[str, int]:
        """Clients with a record in the period, split by statistics consent."""
        period = (self.start, self.end)
        record = (
            Q(registered_on__range=period)
            | Q(pk__in=self.open_case_clients())
            | Q(pk__in=Case.objects.filter(identification_date__range=period).values("client_id"))
            | Q(pk__in=self.service_clients())
            | Q(
                pk__in=LegalProceeding.objects.filter(
                    Q(start_date__range=period) | Q(end_date__range=period)
                ).values("case__client_id")
            )
            | Q(
                pk__in=Compensation.objects.filter(
                    Q(claimed_on__range=period)
                    | Q(awarded_on__range=period)
                    | Q(paid_on__range=period)
                ).values("case__client_id")
            )
        )
        counts = (
            Client.objects.filter(organisation=self.organisation)
            .filter(record)
            .aggregate(
                total=Count("id"), included=Count("id", filter=consented("", self.start, self.end))
            )
        )
        included = counts["included"] or 0
        return {"included": included, "excluded": (counts["total"] or 0) - included}


Compute = Callable[[Context, list[str]], Cells]


def _victims(rows: str) -> Compute:
    def compute(ctx: Context, disaggregations: list[str]) -> Cells:
        return tabulate(getattr(ctx, rows), disaggregations)

    return compute


def _victims_retrafficked(ctx: Context, disaggregations: list[str]) -> Cells:
    rows = (({"sex": r["sex"]}, r["n"]) for r in ctx._victims if r["again"])
    return tabulate(rows, disaggregations)


def _clients_assisted(ctx: Context, disaggregations: list[str]) -> Cells:
    query = (
        ctx.clients()
        .filter(pk__in=ctx.open_case_clients())
        .values(
            sex=sex_sql(""),
            band=age_band_sql("", ctx.year),
            new=SqlCase(
                When(registered_on__gte=ctx.start, then=Value("new")),
                default=Value("continuing"),
                output_field=CharField(),
            ),
        )
        .annotate(n=Count("id"))
    )
    rows = [
        ({"sex": r["sex"], "age_group": dims.age_group_of_band(r["band"]), "client_type": r["new"]},
         r["n"])
        for r in query
    ]  # fmt: skip
    return tabulate(rows, disaggregations)


def _services_by_type(ctx: Context, disaggregations: list[str]) -> Cells:
    rows = (({"service_type": kind}, n) for kind, n, _clients in ctx.services_by_type)
    return tabulate(rows, disaggregations)


def _service_clients(ctx: Context, disaggregations: list[str]) -> Cells:
    """Sex breakdown and total from one row per client; the overlapping type breakdown counts
    distinct clients per type."""
    query = (
        ctx.clients()
        .filter(pk__in=ctx.service_clients())
        .values(sex=sex_sql(""))
        .annotate(n=Count("id"))
    )
    person = [d for d in disaggregations if "service_type" not in d]
    cells = tabulate((({"sex": r["sex"]}, r["n"]) for r in query), person)
    if "service_type" in disaggregations:
        by_type = (({"service_type": kind}, n) for kind, _n, n in ctx.services_by_type)
        cells.update(tabulate(by_type, ["service_type"], total=False))
    return cells


def _first_service_clients(ctx: Context, disaggregations: list[str]) -> Cells:
    return tabulate((({"sex": sex}, 1) for sex, _days in ctx.first_services), disaggregations)


def _days_to_first_service(ctx: Context, disaggregations: list[str]) -> Cells:
    """Medians, only for cells with at least one client (a median of nobody is no figure)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for sex, days in ctx.first_services:
        groups[""].append(days)
        if "sex" in disaggregations:
            groups[cell_key(sex=sex)].append(days)
    return {cell: Decimal(str(statistics.median(days))) for cell, days in groups.items()}


def _legal(kind: str, name: str) -> Compute:
    def compute(ctx: Context, disaggregations: list[str]) -> Cells:
        rows = getattr(ctx, kind).get(LEGAL_EVENTS.get(name) or LEGAL_CASES[name], [])
        return tabulate(rows, disaggregations)

    return compute


COMPENSATION_DATES = {"claimed": "claimed_on", "awarded": "awarded_on", "paid": "paid_on"}


def _compensation_count(kind: str) -> Compute:
    def compute(ctx: Context, disaggregations: list[str]) -> Cells:
        rows = ctx.compensation_rows(COMPENSATION_DATES[kind], f"{kind}_amount")
        return tabulate(((row, n) for row, n, _amount in rows), disaggregations)

    return compute


def _compensation_amount(kind: str) -> Compute:
    """Amounts per currency only: there is no total across currencies."""

    def compute(ctx: Context, disaggregations: list[str]) -> Cells:
        rows = ctx.compensation_rows(COMPENSATION_DATES[kind], f"{kind}_amount")
        cells: dict[str, Decimal] = defaultdict(Decimal)
        for breakdown in dims.breakdowns(disaggregations):
            if "currency" not in breakdown:
                continue
            for row, _n, amount in rows:
                cells[cell_key(**{d: row[d] for d in breakdown})] += amount
        return dict(cells)

    return compute


def _without_consent(ctx: Context, disaggregations: list[str]) -> Cells:
    return {"": Decimal(ctx.record_in_period["excluded"])}


COMPUTATIONS: dict[str, Compute] = {
    "victims_registered": _victims("victims_by_person"),
    "victims_by_age_band": _victims("victims_by_person"),
    "victims_by_identification_actor": _victims("victims_by_person"),
    "victims_by_citizenship": _victims("victims_by_place"),
    "victims_by_exploitation_country": _victims("victims_by_place"),
    "victims_internal_cross_border": _victims("victims_by_place"),
    "victims_routes": _victims("victims_by_place"),
    "victims_retrafficked": _victims_retrafficked,
    "clients_assisted": _clients_assisted,
    "services_by_type": _services_by_type,
    "service_clients": _service_clients,
    "first_service_clients": _first_service_clients,
    "days_to_first_service": _days_to_first_service,
    **{name: _legal("legal_events", name) for name in LEGAL_EVENTS},
    **{name: _legal("legal_cases", name) for name in LEGAL_CASES},
    "comp_claims": _compensation_count("claimed"),
    "comp_awards": _compensation_count("awarded"),
    "comp_payments": _compensation_count("paid"),
    "comp_claimed_amount": _compensation_amount("claimed"),
    "comp_awarded_amount": _compensation_amount("awarded"),
    "comp_paid_amount": _compensation_amount("paid"),
    "clients_without_statistics_consent": _without_consent,
}


def _indicators(reporting_round: ReportingRound) -> list[tuple[str, str, list[str]]]:
    """(code, computation, disaggregations) of the round's computed indicators; the default
    catalogue's when the round names none."""
    chosen: Iterable[Mapping[str, Any]]
    if not reporting_round._state.adding and reporting_round.indicators.exists():
        chosen = reporting_round.indicators.exclude(computation="").values(
            "code", "computation", "disaggregations"
        )
    else:
        chosen = DEFAULT_CATALOGUE
    return [
        (str(i["code"]), str(i["computation"]), list(i["disaggregations"]))
        for i in chosen
        if i["computation"]
    ]


def compute_figures(organisation: Organisation, reporting_round: ReportingRound) -> Computation:
    """The round's computed figures for the organisation, from its consented case records only
    (see the module docstring for what each figure counts and who is left out). Reads only the
    organisation's own rows; the caller decides who may see the result."""
    start, end = reporting_round.period
    ctx = Context(organisation, start, end)
    values: Values = {}
    for code, computation, disaggregations in _indicators(reporting_round):
        compute = COMPUTATIONS.get(computation)
        if compute is None:
            continue
        for cell, value in compute(ctx, disaggregations).items():
            values[(code, cell)] = value
    counts = ctx.record_in_period
    return Computation(
        values=values,
        included_clients=counts["included"],
        excluded_without_consent=counts["excluded"],
    )
