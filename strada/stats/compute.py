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

How. The round's population is written once (``population.period_population``): two temporary
tables hold the organisation's clients (consent for the period, sex, age band) and their cases
(client facts, and whether each was open, identified, or is a victim's counted case in the period),
in one transaction that only reads the records. Each family then reads those narrow tables, joined
to the case parts it counts, instead of checking consent and reading the wide case and client rows
again. Legal steps and compensation are grouped by the database (one row per combination of the
dimensions, summed into the published cells in Python). The victims' counted cases, the services
started in the period and the cases open or identified in it are each read once, one row per case
or service (plain tuples, no model instances), and counted in Python: the victim figures, the three
service families (distinct clients per type, first services and their median, which SQL cannot
give on every database), the clients assisted and the clients with a record in the period.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform

from strada.cases import codes
from strada.cases.models import Case, TraffickingEvent
from strada.orgs.models import Organisation
from strada.stats import dimensions as dims
from strada.stats import population
from strada.stats.catalogue import DEFAULT_CATALOGUE
from strada.stats.dimensions import UNKNOWN, cell_key
from strada.stats.models import ReportingRound
from strada.stats.population import CASES, CLIENTS, age_band_sql, sex_sql, sql_list

Values = dict[tuple[str, str], Decimal]
Cells = dict[str, Decimal]
Row = tuple[dict[str, str], int]

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
COMPENSATION_DATES = {"claimed": "claimed_on", "awarded": "awarded_on", "paid": "paid_on"}


@dataclass
class Computation:
    values: dict[tuple[str, str], Decimal]
    included_clients: int
    excluded_without_consent: int


def citizenship_sql(prefix: str, index: int) -> KeyTextTransform:
    return KeyTextTransform(str(index), f"{prefix}citizenship")


# --- The families' SQL over the population's tables (population.py). Parameters are named: org,
# start, end (``population.params``); code values are constants, inlined by ``sql_list``.

_PERIOD = "BETWEEN %(start)s AND %(end)s"
# Client ids are read as text where Python counts them: a UUID object (PostgreSQL) costs far more to
# make and to hash than its text (SQLite keeps the text already).
_CLIENT_ID = "CAST(client_id AS TEXT)"
_T_CLIENT_ID = "CAST(t.client_id AS TEXT)"

# The cases open or identified in the period, with their client: the clients assisted (consented,
# with a case open in the period) and part of "a record in the period" are counted from these rows.
CASES_IN_PERIOD_SQL = (
    f"SELECT {_CLIENT_ID}, consented, open, sex, band, "  # noqa: S608
    "CASE WHEN registered_on >= %(start)s THEN 'new' ELSE 'continuing' END "
    f"FROM {CASES} WHERE open = 1 OR identified = 1"
)

# Every service started in the period on a case of the organisation, with its client (consented or
# not: the clients with a record in the period count those left out too). The three service
# families and the service part of "a record in the period" are counted from these rows in Python.
# CROSS JOIN with the condition in WHERE: SQLite keeps the tables in the order written (the cases,
# in case order, drive; their services come from the (case, start_date, type) index alone), while
# PostgreSQL plans it as any inner join.
SERVICES_SQL = (
    f"SELECT {_T_CLIENT_ID}, t.consented, t.sex, t.registered_on, s.type, s.start_date "  # noqa: S608
    f"FROM {CASES} t CROSS JOIN cases_service s "
    f"WHERE s.case_id = t.case_id AND s.start_date {_PERIOD}"
)

# The consented clients with a service (on any of their cases) that started before the period:
# one look per case into the services' (case, start_date, type) index, in case order.
SERVED_BEFORE_SQL = (
    f"SELECT {_T_CLIENT_ID} FROM {CASES} t WHERE t.consented = 1 AND EXISTS (SELECT 1 "  # noqa: S608
    "FROM cases_service e WHERE e.case_id = t.case_id AND e.start_date < %(start)s)"
)

_EVENT_STEPS = sql_list(LEGAL_EVENTS.values())
_VERDICT = sql_list([codes.LegalStep.VERDICT])
_STARTED_STEPS = sql_list(
    s for s in [*LEGAL_EVENTS.values(), *LEGAL_CASES.values()] if s != codes.LegalStep.VERDICT
)
# Legal steps of the period (a verdict dated by its end date, else its start; any other step by its
# start) by step, outcome (only for the steps counted one by one) and sex: steps and distinct cases.
LEGAL_SQL = (
    f"SELECT x.step, CASE WHEN x.step IN ({_EVENT_STEPS}) THEN x.outcome ELSE '' END, "  # noqa: S608
    "t.sex, COUNT(*), COUNT(DISTINCT x.case_id) "
    f"FROM cases_legalproceeding x JOIN {CASES} t ON t.case_id = x.case_id "
    f"WHERE t.consented = 1 AND ((x.step IN ({_STARTED_STEPS}) AND x.start_date {_PERIOD}) "
    f"OR (x.step = {_VERDICT} AND (x.end_date {_PERIOD} "
    f"OR (x.end_date IS NULL AND x.start_date {_PERIOD})))) GROUP BY 1, 2, 3"
)

# Compensation rows with a claim, award or payment in the period, per route and currency: the
# count and sum of each kind (conditional aggregation).
COMPENSATION_SQL = (
    "SELECT x.route, x.currency, "  # noqa: S608
    + ", ".join(
        f"SUM(CASE WHEN x.{dated} {_PERIOD} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN x.{dated} {_PERIOD} THEN x.{kind}_amount END)"
        for kind, dated in COMPENSATION_DATES.items()
    )
    + f" FROM cases_compensation x JOIN {CASES} t ON t.case_id = x.case_id WHERE t.consented = 1 "
    + "AND ("
    + " OR ".join(f"x.{dated} {_PERIOD}" for dated in COMPENSATION_DATES.values())
    + ") GROUP BY 1, 2"
)

# The clients with a record in the period other than a case or a service (consented or not, one row
# per record): registered in it, or with a legal step started or ended, or compensation dated in it.
RECORD_SQL = (
    f"SELECT {_CLIENT_ID}, consented FROM {CLIENTS} WHERE registered_on {_PERIOD} "  # noqa: S608
    f"UNION ALL SELECT {_T_CLIENT_ID}, t.consented FROM cases_legalproceeding x JOIN {CASES} t "
    f"ON t.case_id = x.case_id WHERE x.start_date {_PERIOD} OR x.end_date {_PERIOD} "
    f"UNION ALL SELECT {_T_CLIENT_ID}, t.consented FROM cases_compensation x JOIN {CASES} t "
    "ON t.case_id = x.case_id WHERE "
    + " OR ".join(f"x.{dated} {_PERIOD}" for dated in COMPENSATION_DATES.values())
)


@dataclass
class ServiceCounts:
    """What the services started in the period give (consented clients only, except ``clients``)."""

    services: Counter[str] = field(default_factory=Counter)  # per type
    clients_by_type: Counter[str] = field(default_factory=Counter)
    clients_by_sex: Counter[str] = field(default_factory=Counter)
    # Per sex, the days from registration to the first service of each client whose first service
    # started in the period.
    first: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    clients: dict[Any, int] = field(default_factory=dict)  # every client served: consented or not


def _date(value: dt.date | str) -> dt.date:
    """A date as the database returns it (SQLite gives the text of a computed or copied date)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


_CENTS = Decimal("0.01")  # the amounts' two decimal places (cases.Compensation)


def _amount(value: Decimal | float | None) -> Decimal:
    """A sum of amounts as the ORM gives it: SQLite adds a decimal column as floating point, which
    is read back with 15 significant digits and rounded to the column's two decimal places."""
    if value is None:
        return Decimal(0)
    if isinstance(value, float):
        return decimal.Context(prec=15).create_decimal_from_float(value).quantize(_CENTS)
    return Decimal(value).quantize(_CENTS)


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
        # Summed per combination of the breakdown's values first: one cell key per combination.
        values_of = itemgetter(*breakdown)
        sums: Counter[Any] = Counter()
        for row, n in rows:
            sums[values_of(row)] += n
        for combination, n in sums.items():
            values = combination if len(breakdown) > 1 else (combination,)
            cells[cell_key(**dict(zip(breakdown, values, strict=True)))] += n
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

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of one of the families' statements (run inside ``period_population``)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, population.params(self.organisation, self.start, self.end))
            return cursor.fetchall()

    # -- registered victims

    @cached_property
    def _victims(self) -> list[dict[str, Any]]:
        """The combinations of every fact the victim figures need, with their counts, for the
        three families (by person, by place, re-trafficked): one row per counted case (``victim``
        in the population's cases), counted here, so that the database evaluates the subqueries
        once per case (a GROUP BY over them evaluates them again for the grouping)."""
        counted = RawSQL(f"SELECT case_id FROM {CASES} WHERE victim = 1 AND consented = 1", ())  # noqa: S608, S611
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
        facts = Case.objects.filter(pk__in=counted).values_list(
            "trafficking_status",
            "identification_actor",
            sex_sql("client__"),
            age_band_sql("client__", self.year),
            citizenship_sql("client__", 0),
            citizenship_sql("client__", 1),
            KeyTextTransform("0", "type_of_exploitation"),
            Subquery(first_exploitation),
            Exists(earlier),
        )
        names = ("trafficking_status", "identification_actor", "sex", "band", "c0", "c1", "form",
                 "country", "again")  # fmt: skip
        return [
            {**dict(zip(names, row, strict=True)), "n": n}
            for row, n in Counter(facts.order_by()).items()
        ]

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

    @cached_property
    def _cases(self) -> list[tuple[Any, int, int, str, str, str]]:
        """(client, consented, open, sex, age band, client type) of the cases open or identified
        in the period."""
        return self._rows(CASES_IN_PERIOD_SQL)

    @cached_property
    def clients_assisted(self) -> list[Row]:
        """Rows (sex, age_group, client_type) of the consented clients with a case open at some
        time in the period."""
        facts = {
            client: (sex, band, kind)
            for client, consented, is_open, sex, band, kind in self._cases
            if consented and is_open
        }
        return [
            ({"sex": sex, "age_group": dims.age_group_of_band(band), "client_type": kind}, n)
            for (sex, band, kind), n in Counter(facts.values()).items()
        ]

    @cached_property
    def _services(self) -> ServiceCounts:
        """The three service families from one read of the services of the period."""
        counts = ServiceCounts()
        first: dict[Any, tuple[str, Any, Any]] = {}
        types: set[tuple[str, Any]] = set()
        for client, consented, sex, registered, kind, day in self._rows(SERVICES_SQL):
            counts.clients[client] = consented
            if not consented:
                continue
            counts.services[kind] += 1
            types.add((kind, client))
            earliest = first.get(client)
            if earliest is None or day < earliest[1]:
                first[client] = (sex, day, registered)
        counts.clients_by_type.update(map(itemgetter(0), types))
        counts.clients_by_sex.update(sex for sex, _day, _registered in first.values())
        before = {client for (client,) in self._rows(SERVED_BEFORE_SQL)}
        for client, (sex, day, registered) in first.items():
            if client not in before:
                counts.first[sex].append(max((_date(day) - _date(registered)).days, 0))
        return counts

    @property
    def services_by_type(self) -> list[tuple[str, int, int]]:
        """(type, services, distinct clients) of the services started in the period."""
        counts = self._services
        return [(kind, n, counts.clients_by_type[kind]) for kind, n in counts.services.items()]

    @property
    def service_clients_by_sex(self) -> list[Row]:
        return [({"sex": sex}, n) for sex, n in self._services.clients_by_sex.items()]

    @property
    def first_services(self) -> dict[str, list[int]]:
        """Per sex, the days from registration to the first service of each client whose first
        service started in the period: one started in it and none before it (negative gaps, a
        service recorded before registration, count as 0)."""
        return self._services.first

    # -- legal steps and compensation

    @cached_property
    def _legal_rows(self) -> list[tuple[str, str, str, int, int]]:
        """(step, outcome or "", sex, steps, distinct cases) of the legal steps dated in the period:
        one query for both legal families."""
        return self._rows(LEGAL_SQL)

    @cached_property
    def legal_events(self) -> dict[str, list[Row]]:
        """Rows (legal_outcome, sex) of the steps counted one by one, by step."""
        rows: dict[str, list[Row]] = defaultdict(list)
        for step, outcome, sex, n, _cases in self._legal_rows:
            if step in LEGAL_EVENTS.values():
                rows[step].append(({"legal_outcome": outcome, "sex": sex}, n))
        return rows

    @cached_property
    def legal_cases(self) -> dict[str, list[Row]]:
        """Rows (sex) of the distinct cases with a step of the kinds counted by case, by step."""
        rows: dict[str, list[Row]] = defaultdict(list)
        for step, _outcome, sex, _n, cases in self._legal_rows:
            if step in LEGAL_CASES.values():
                rows[step].append(({"sex": sex}, cases))
        return rows

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
        """Per route and currency, the count and sum of each kind dated in the period."""
        result = []
        for route, currency, *figures in self._rows(COMPENSATION_SQL):
            counts, amounts = {}, {}
            for (kind, dated), n, amount in zip(
                COMPENSATION_DATES.items(), figures[::2], figures[1::2], strict=True
            ):
                counts[dated] = int(n or 0)
                amounts[f"{kind}_amount"] = _amount(amount)
            result.append(({"compensation_route": route, "currency": currency}, counts, amounts))
        return result

    @cached_property
    def record_in_period(self) -> dict[str, int]:
        """Clients with a record in the period, split by statistics consent."""
        clients = dict(self._services.clients)
        clients.update((client, consented) for client, consented, *_facts in self._cases)
        clients.update(self._rows(RECORD_SQL))
        included = sum(1 for consented in clients.values() if consented)
        return {"included": included, "excluded": len(clients) - included}


Compute = Callable[[Context, list[str]], Cells]


def _victims(rows: str) -> Compute:
    def compute(ctx: Context, disaggregations: list[str]) -> Cells:
        return tabulate(getattr(ctx, rows), disaggregations)

    return compute


def _victims_retrafficked(ctx: Context, disaggregations: list[str]) -> Cells:
    rows = (({"sex": r["sex"]}, r["n"]) for r in ctx._victims if r["again"])
    return tabulate(rows, disaggregations)


def _clients_assisted(ctx: Context, disaggregations: list[str]) -> Cells:
    return tabulate(ctx.clients_assisted, disaggregations)


def _services_by_type(ctx: Context, disaggregations: list[str]) -> Cells:
    rows = (({"service_type": kind}, n) for kind, n, _clients in ctx.services_by_type)
    return tabulate(rows, disaggregations)


def _service_clients(ctx: Context, disaggregations: list[str]) -> Cells:
    """Sex breakdown and total from one row per client; the overlapping type breakdown counts
    distinct clients per type."""
    person = [d for d in disaggregations if "service_type" not in d]
    cells = tabulate(ctx.service_clients_by_sex, person)
    if "service_type" in disaggregations:
        by_type = (({"service_type": kind}, n) for kind, _n, n in ctx.services_by_type)
        cells.update(tabulate(by_type, ["service_type"], total=False))
    return cells


def _first_service_clients(ctx: Context, disaggregations: list[str]) -> Cells:
    rows = (({"sex": sex}, len(days)) for sex, days in ctx.first_services.items())
    return tabulate(rows, disaggregations)


def _days_to_first_service(ctx: Context, disaggregations: list[str]) -> Cells:
    """Medians, only for cells with at least one client (a median of nobody is no figure)."""
    by_sex = {sex: days for sex, days in ctx.first_services.items() if days}
    cells: Cells = {}
    if by_sex:
        cells[""] = Decimal(str(statistics.median(itertools.chain(*by_sex.values()))))
    if "sex" in disaggregations:
        for sex, days in by_sex.items():
            cells[cell_key(sex=sex)] = Decimal(str(statistics.median(days)))
    return cells


def _legal(kind: str, name: str) -> Compute:
    def compute(ctx: Context, disaggregations: list[str]) -> Cells:
        rows = getattr(ctx, kind).get(LEGAL_EVENTS.get(name) or LEGAL_CASES[name], [])
        return tabulate(rows, disaggregations)

    return compute


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
    indicators = _indicators(reporting_round)
    ctx = Context(organisation, start, end)
    values: Values = {}
    with population.period_population(organisation, start, end):
        for code, computation, disaggregations in indicators:
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
