"""Computed figures against an independent count of the demo's case records.

``expected`` below recounts every computed indicator in plain Python over the model objects (no
SQL aggregation, no shared helpers beyond the code lists), following the definitions written in the
catalogue and in ``stats.compute``'s docstring.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from strada.cases.actions import do_open_case
from strada.cases.models import Case
from strada.clients.actions import do_withdraw_consent
from strada.clients.models import Client
from strada.conftest import Network, register
from strada.demo.build import build
from strada.orgs.models import Organisation
from strada.stats.catalogue import DEFAULT_CATALOGUE, ensure_catalogue
from strada.stats.compute import compute_figures
from strada.stats.models import Indicator, ReportingRound

EU = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
      "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}  # fmt: skip
WOMEN = {"Feminine", "TransgenderFeminine"}
MEN = {"Masculine", "TransgenderMasculine"}
BANDS = [(8, "0-8"), (17, "9-17"), (20, "18-20"), (23, "21-23"), (26, "24-26"), (29, "27-29"),
         (38, "30-38"), (47, "39-47"), (999, "48+")]  # fmt: skip


def _round(year: int, half: int | None = None) -> ReportingRound:
    return ReportingRound(
        year=year, half=half, opens_on=dt.date(year, 1, 1), deadline=dt.date(year + 1, 3, 1)
    )


def _sex(client: Client) -> str:
    if client.gender in WOMEN:
        return "female"
    return "male" if client.gender in MEN else "other_unknown"


def _band(client: Client, year: int) -> str:
    if client.birth_year is not None:
        age = year - client.birth_year
        return next(band for upper, band in BANDS if age <= upper)
    return client.age_band or "unknown"


def _group(band: str) -> str:
    return "unknown" if band == "unknown" else ("minor" if band in ("0-8", "9-17") else "adult")


def expected(org: Organisation, start: dt.date, end: dt.date) -> dict[tuple[str, str], Any]:
    """Every figure recounted the slow, obvious way."""
    counts: Counter[tuple[str, str]] = Counter()
    amounts: dict[tuple[str, str], Decimal] = {}
    days: dict[str, list[int]] = {}
    clients = Client.objects.filter(organisation=org).prefetch_related(
        "consents",
        "cases__events",
        "cases__services",
        "cases__legal_steps",
        "cases__compensations",
    )
    year = end.year

    def within(day: dt.date | None) -> bool:
        return day is not None and start <= day <= end

    excluded = 0
    for client in clients:
        cases = sorted(client.cases.all(), key=lambda c: c.number)
        services = [s for c in cases for s in c.services.all()]
        steps = [s for c in cases for s in c.legal_steps.all()]
        claims = [x for c in cases for x in c.compensations.all()]
        consent = any(
            c.purpose == "statistics"
            and c.given_on <= end
            and (c.withdrawn_on is None or c.withdrawn_on >= start)
            for c in client.consents.all()
        )
        open_cases = [
            c for c in cases if c.opened_on <= end and (c.closed_on is None or c.closed_on >= start)
        ]
        record = (
            within(client.registered_on)
            or open_cases
            or any(within(c.identification_date) for c in cases)
            or any(within(s.start_date) for s in services)
            or any(within(s.start_date) or within(s.end_date) for s in steps)
            or any(
                within(x.claimed_on) or within(x.awarded_on) or within(x.paid_on) for x in claims
            )
        )
        if not consent:
            excluded += bool(record)
            continue
        sex, band = _sex(client), _band(client, year)
        citizenship = list(client.citizenship)
        person = {"sex": sex, "age_band": band, "age_group": _group(band)}
        victim_cases = [
            c for c in cases
            if c.trafficking_status in ("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking")
            and within(c.identification_date or c.opened_on)
        ]  # fmt: skip
        if victim_cases:
            case = victim_cases[-1]
            exploitation = sorted(
                (e for e in case.events.all() if e.type == "Exploitation"),
                key=lambda e: (e.sequence, e.date or dt.date.min),
            )
            country = str(exploitation[0].country) if exploitation else ""
            first = citizenship[0] if citizenship else ""
            if not first:
                group = "unknown"
            elif str(org.country) in citizenship[:2]:
                group = "national"
            else:
                group = "other_eu" if first in EU else "non_eu"
            facts = {
                **person,
                "victim_status": "identified"
                if case.trafficking_status == "ActualVictimOfTrafficking"
                else "presumed",
                "citizenship_group": group,
                "exploitation": (case.type_of_exploitation or ["unknown"])[0],
                "identification_actor": case.identification_actor or "unknown",
                "citizenship": first or "unknown",
                "exploitation_country": country or "unknown",
                "route": f"{first}>{country}" if first and country else "unknown",
                "trafficking_type": ("internal" if first == country else "cross_border")
                if first and country
                else "unknown",
            }
            counts[("VICTIMS_REGISTERED", "")] += 1
            for name, value in facts.items():
                counts[("VICTIMS_REGISTERED", f"{name}={value}")] += 1
            counts[("VICTIMS_REGISTERED", f"exploitation={facts['exploitation']}|sex={sex}")] += 1
            if any(c.opened_on < case.opened_on for c in cases):
                counts[("VICTIMS_RETRAFFICKED", "")] += 1
                counts[("VICTIMS_RETRAFFICKED", f"sex={sex}")] += 1
        if open_cases:
            kind = "new" if client.registered_on >= start else "continuing"
            counts[("CLIENTS_ASSISTED", "")] += 1
            for cell in (f"client_type={kind}", f"sex={sex}", f"age_group={person['age_group']}"):
                counts[("CLIENTS_ASSISTED", cell)] += 1
        started = [s for s in services if within(s.start_date)]
        for service in started:
            counts[("SERVICES_BY_TYPE", "")] += 1
            counts[("SERVICES_BY_TYPE", f"service_type={service.type}")] += 1
        if started:
            counts[("SERVICE_CLIENTS", "")] += 1
            counts[("SERVICE_CLIENTS", f"sex={sex}")] += 1
            for kind in {s.type for s in started}:
                counts[("SERVICE_CLIENTS", f"service_type={kind}")] += 1
        if services and within(min(s.start_date for s in services)):
            gap = max((min(s.start_date for s in services) - client.registered_on).days, 0)
            counts[("FIRST_SERVICE_CLIENTS", "")] += 1
            counts[("FIRST_SERVICE_CLIENTS", f"sex={sex}")] += 1
            days.setdefault("", []).append(gap)
            days.setdefault(f"sex={sex}", []).append(gap)
        for code, step in (("REFLECTION_PERIODS", "ReflectionPeriod"),
                           ("RESIDENCE_PERMITS", "ResidencePermit")):  # fmt: skip
            for s in steps:
                if s.step == step and within(s.start_date):
                    counts[(code, "")] += 1
                    counts[(code, f"legal_outcome={s.outcome}")] += 1
                    counts[(code, f"sex={sex}")] += 1
        for code, step in (("CRIM_COMPLAINTS", "Complaint"), ("CRIM_INVESTIGATIONS", "Investigation"),
                           ("CRIM_PROSECUTIONS", "Prosecution")):  # fmt: skip
            for c in cases:
                if any(s.step == step and within(s.start_date) for s in c.legal_steps.all()):
                    counts[(code, "")] += 1
                    counts[(code, f"sex={sex}")] += 1
        for s in steps:
            if s.step == "Verdict" and within(s.end_date or s.start_date):
                counts[("CRIM_VERDICTS", "")] += 1
                counts[("CRIM_VERDICTS", f"legal_outcome={s.outcome}")] += 1
                counts[("CRIM_VERDICTS", f"sex={sex}")] += 1
        for code, kind in (("COMP_CLAIMS", "claimed"), ("COMP_AWARDS", "awarded"),
                           ("COMP_PAYMENTS", "paid")):  # fmt: skip
            amount_code = f"COMP_{kind.upper()}_AMOUNT"
            for x in claims:
                if within(getattr(x, f"{kind}_on")):
                    counts[(code, "")] += 1
                    counts[(code, f"compensation_route={x.route}")] += 1
                    counts[(code, f"currency={x.currency}")] += 1
                    key = (amount_code, f"currency={x.currency}")
                    amounts[key] = amounts.get(key, Decimal(0)) + (
                        getattr(x, f"{kind}_amount") or Decimal(0)
                    )
    result: dict[tuple[str, str], Any] = dict(counts)
    result.update(amounts)
    for cell, gaps in days.items():
        result[("DAYS_TO_FIRST_SERVICE", cell)] = Decimal(str(statistics.median(gaps)))
    result[("CLIENTS_WITHOUT_STATISTICS_CONSENT", "")] = excluded
    return result


SAME_POPULATION = {
    e["code"]: e["validation"].get("same_population", e["code"]) for e in DEFAULT_CATALOGUE
}


@pytest.fixture
def demo(db: Any) -> list[Organisation]:
    build(clients=240, seed=11, password="stats-demo-password-42", today=dt.date(2026, 10, 1))
    return list(Organisation.objects.filter(kind__in=["member", "affiliate"]).order_by("code"))


def test_it_matches_an_independent_count_of_the_demo(demo: list[Organisation]) -> None:
    checked = 0
    for org in demo:
        for reporting_round in (_round(2025), _round(2026, 1), _round(2024, 2)):
            start, end = reporting_round.period
            figures = compute_figures(org, reporting_round)
            want = expected(org, start, end)
            values = figures.values
            for (code, cell), value in want.items():
                target = SAME_POPULATION.get(code, code)
                found = [
                    v
                    for (c, k), v in values.items()
                    if k == cell and SAME_POPULATION.get(c, c) == target
                ]
                assert found, f"{org.code} {reporting_round} {code} [{cell}] missing"
                assert all(v == value for v in found), (
                    org.code,
                    str(reporting_round),
                    code,
                    cell,
                    value,
                    found,
                )
                checked += 1
            for (code, cell), value in values.items():
                if SAME_POPULATION.get(code, code) == "VICTIMS_REGISTERED":
                    key = ("VICTIMS_REGISTERED", cell)
                else:
                    key = (code, cell)
                if key not in want and "|" not in cell and "_AMOUNT" not in code:
                    assert value == 0, (org.code, str(reporting_round), code, cell, value)
            assert (
                figures.excluded_without_consent == want[("CLIENTS_WITHOUT_STATISTICS_CONSENT", "")]
            )
    assert checked > 1000


def test_it_keeps_totals_equal_to_the_sums_of_their_breakdowns(demo: list[Organisation]) -> None:
    overlapping = {
        e["code"]: set(e["validation"].get("overlapping", [])) for e in DEFAULT_CATALOGUE
    }
    for org in demo:
        values = compute_figures(org, _round(2025)).values
        sums: Counter[tuple[str, str]] = Counter()
        for (code, cell), value in values.items():
            if code == "DAYS_TO_FIRST_SERVICE":  # medians do not add up
                continue
            if cell and "|" not in cell:
                dimension = cell.split("=")[0]
                if dimension not in overlapping.get(code, set()):
                    sums[(code, dimension)] += value
            elif "|" in cell:  # a cross-table's cells sum to each of its margins
                parts = dict(p.split("=") for p in cell.split("|"))
                for d in parts:
                    margin = "|".join(f"{k}={v}" for k, v in sorted(parts.items()) if k != d)
                    sums[(code, f"{margin}/{d}")] += value
        for (code, what), total in sums.items():
            if "/" in what:
                margin = what.split("/")[0]
                family = [c for c in SAME_POPULATION if SAME_POPULATION[c] == SAME_POPULATION[code]]
                margins = [values[(c, margin)] for c in family if (c, margin) in values]
                assert margins or code.endswith("_AMOUNT"), (org.code, code, what)
                assert all(total == m for m in margins), (org.code, code, what)
            elif (code, "") in values:
                assert total == values[(code, "")], (org.code, code, what)


def test_it_leaves_out_clients_without_statistics_consent(network: Network) -> None:
    anna, sam = network.anna, network.sam
    consenting = register(anna, first_name="Ala")
    refusing = register(anna, first_name="Bea", consents=["services"])
    withdrawn_before = register(anna, first_name="Cleo")
    withdrawn_during = register(anna, first_name="Dora")
    for client, day in ((withdrawn_before, dt.date(2026, 4, 1)),
                        (withdrawn_during, dt.date(2026, 8, 1))):  # fmt: skip
        consent = client.consents.get(purpose="statistics")
        do_withdraw_consent(anna, consent, day)
    for client in (consenting, refusing, withdrawn_before, withdrawn_during):
        do_open_case(
            sam, client, opened_on=dt.date(2026, 7, 10),
            trafficking_status="ActualVictimOfTrafficking", type_of_exploitation=["ForcedLabour"],
        )  # fmt: skip
    figures = compute_figures(network.nl, _round(2026, 2))
    assert figures.values[("VICTIMS_REGISTERED", "")] == 2
    assert figures.values[("VICTIMS_REGISTERED", "exploitation=ForcedLabour")] == 2
    assert figures.values[("CLIENTS_ASSISTED", "")] == 2
    assert figures.included_clients == 2
    assert figures.excluded_without_consent == 2
    assert figures.values[("CLIENTS_WITHOUT_STATISTICS_CONSENT", "")] == 2
    assert Case.objects.count() == 4


def test_it_counts_nobody_of_another_organisation(network: Network) -> None:
    client = register(network.chiara, first_name="Elena")
    do_open_case(network.bogdan, client, opened_on=dt.date(2026, 3, 2))
    figures = compute_figures(network.nl, _round(2026))
    assert figures.values[("VICTIMS_REGISTERED", "")] == 0
    assert figures.included_clients == 0
    assert compute_figures(network.bg, _round(2026)).values[("VICTIMS_REGISTERED", "")] == 1


def test_it_creates_the_catalogue_once(db: Any, capsys: Any) -> None:
    assert len(DEFAULT_CATALOGUE) >= 25
    assert ensure_catalogue() == len(DEFAULT_CATALOGUE)
    assert ensure_catalogue() == 0
    call_command("figures", "catalogue")
    assert capsys.readouterr().out.strip() == "0 indicators created."
    indicator = Indicator.objects.get(code="VICTIMS_REGISTERED")
    assert indicator.translations["uk"]["name"]
    assert indicator.translations["ro"]["name"]


def test_it_computes_the_indicators_a_round_names(network: Network) -> None:
    ensure_catalogue()
    reporting_round = _round(2026)
    reporting_round.save()
    reporting_round.indicators.set(
        Indicator.objects.filter(code__in=["CLIENTS_ASSISTED", "HOTLINE_CONTACTS"])
    )
    client = register(network.anna, first_name="Fleur")
    do_open_case(network.sam, client, opened_on=dt.date(2026, 3, 2))
    figures = compute_figures(network.nl, reporting_round)
    assert {code for code, _cell in figures.values} == {"CLIENTS_ASSISTED"}
    assert figures.values[("CLIENTS_ASSISTED", "client_type=new")] == 1
