"""Benchmark: one member's computed figures for a reporting round, from ~100k cases.

A population of clients with demo case histories (``strada.demo``: routes, services, legal steps,
compensation; written with the batch actions, so with real ciphertexts and audit events) is built
for one organisation, then ``stats.compute.compute_figures`` computes the figures of last year's
round. The floor is the same figures computed by hand-written SQL (one statement per figure family,
the counting done by the database, the results summed the same way), run in the same process on the
same database. Target: under 2 s, and within 3x of the floor. Each of the floor's statements checks
consent and reads the case rows again; ``compute_figures`` writes the round's population once
(``stats.population``), so it now takes less time than this floor (a ratio below 1).

Run it alone with ``python -m bench.stats_compute [--clients 100000] [--runs 5] [--parts]``
(``--parts``: also one computation timed part by part, population and figure families).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from bench.out import run_module, section_lines

MAX_SECONDS = 2.0
MAX_RATIO = 3.0

# {consent} and {c0}/{c1}/{form} are filled in per database; %(name)s are parameters.
CONSENT = (
    "EXISTS (SELECT 1 FROM clients_consent k WHERE k.client_id = {alias}.id "
    "AND k.purpose = 'statistics' AND k.given_on <= %(end)s "
    "AND (k.withdrawn_on IS NULL OR k.withdrawn_on >= %(start)s))"
)
SEX = (
    "CASE WHEN p.gender IN ('Feminine', 'TransgenderFeminine') THEN 'female' "
    "WHEN p.gender IN ('Masculine', 'TransgenderMasculine') THEN 'male' ELSE 'other_unknown' END"
)
BAND = (
    "CASE WHEN p.birth_year IS NOT NULL THEN CASE "
    "WHEN p.birth_year >= %(year)s - 8 THEN '0-8' WHEN p.birth_year >= %(year)s - 17 THEN '9-17' "
    "WHEN p.birth_year >= %(year)s - 20 THEN '18-20' WHEN p.birth_year >= %(year)s - 23 THEN '21-23' "
    "WHEN p.birth_year >= %(year)s - 26 THEN '24-26' WHEN p.birth_year >= %(year)s - 29 THEN '27-29' "
    "WHEN p.birth_year >= %(year)s - 38 THEN '30-38' WHEN p.birth_year >= %(year)s - 47 THEN '39-47' "
    "ELSE '48+' END WHEN p.age_band = '' THEN 'unknown' ELSE p.age_band END"
)
STATUSES = "('PossibleVictimOfTrafficking', 'ActualVictimOfTrafficking')"
VICTIMS = (
    "FROM cases_case c JOIN clients_client p ON p.id = c.client_id "
    "WHERE c.organisation_id = %(org)s AND c.trafficking_status IN " + STATUSES + " "
    "AND COALESCE(c.identification_date, c.opened_on) BETWEEN %(start)s AND %(end)s "
    "AND {consent_p} AND NOT EXISTS (SELECT 1 FROM cases_case l WHERE l.client_id = c.client_id "
    "AND l.number > c.number AND l.trafficking_status IN " + STATUSES + " "
    "AND COALESCE(l.identification_date, l.opened_on) BETWEEN %(start)s AND %(end)s)"
)
PARTS = (
    "JOIN cases_case c ON c.id = x.case_id JOIN clients_client p ON p.id = c.client_id "
    "WHERE c.organisation_id = %(org)s AND {consent_p}"
)
OPEN_CASE = (
    "EXISTS (SELECT 1 FROM cases_case c WHERE c.client_id = p.id AND c.opened_on <= %(end)s "
    "AND (c.closed_on IS NULL OR c.closed_on >= %(start)s))"
)
QUERIES = {
    "victims by person": "SELECT c.trafficking_status, c.identification_actor, " + SEX + ", "
    + BAND + ", {c0}, {c1}, {form}, COUNT(*) " + VICTIMS + " GROUP BY 1, 2, 3, 4, 5, 6, 7",
    "victims by place": "SELECT " + SEX + ", {c0}, (SELECT e.country FROM cases_traffickingevent e "
    "WHERE e.case_id = c.id AND e.type = 'Exploitation' ORDER BY e.sequence, e.date LIMIT 1), "
    "COUNT(*) " + VICTIMS + " GROUP BY 1, 2, 3",
    "re-trafficked": "SELECT " + SEX + ", COUNT(*) " + VICTIMS + " AND EXISTS (SELECT 1 FROM "
    "cases_case e WHERE e.client_id = c.client_id AND e.opened_on < c.opened_on) GROUP BY 1",
    "clients assisted": "SELECT " + SEX + ", " + BAND + ", CASE WHEN p.registered_on >= %(start)s "
    "THEN 'new' ELSE 'continuing' END, COUNT(*) FROM clients_client p "
    "WHERE p.organisation_id = %(org)s AND {consent_p} AND " + OPEN_CASE + " GROUP BY 1, 2, 3",
    "services by type": "SELECT x.type, COUNT(*), COUNT(DISTINCT c.client_id) "
    "FROM cases_service x " + PARTS + " AND x.start_date BETWEEN %(start)s AND %(end)s GROUP BY 1",
    "service clients": "SELECT " + SEX + ", COUNT(*) FROM clients_client p WHERE "
    "p.organisation_id = %(org)s AND {consent_p} AND EXISTS (SELECT 1 FROM cases_service x "
    "JOIN cases_case c ON c.id = x.case_id WHERE c.client_id = p.id "
    "AND x.start_date BETWEEN %(start)s AND %(end)s) GROUP BY 1",
    "first services": "SELECT MIN(x.start_date), p.registered_on, p.gender FROM clients_client p "
    "JOIN cases_case c ON c.client_id = p.id JOIN cases_service x ON x.case_id = c.id "
    "WHERE p.organisation_id = %(org)s AND {consent_p} GROUP BY p.id, p.registered_on, p.gender "
    "HAVING MIN(x.start_date) BETWEEN %(start)s AND %(end)s",
    "legal events": "SELECT x.step, x.outcome, " + SEX + ", COUNT(*) "
    "FROM cases_legalproceeding x " + PARTS + " AND x.step IN ('ReflectionPeriod', "
    "'ResidencePermit', 'Verdict') AND (CASE WHEN x.step = 'Verdict' THEN "
    "COALESCE(x.end_date, x.start_date) ELSE x.start_date END) BETWEEN %(start)s AND %(end)s "
    "GROUP BY 1, 2, 3",
    "legal cases": "SELECT x.step, " + SEX + ", COUNT(DISTINCT x.case_id) "
    "FROM cases_legalproceeding x " + PARTS + " AND x.step IN ('Complaint', 'Investigation', "
    "'Prosecution') AND x.start_date BETWEEN %(start)s AND %(end)s GROUP BY 1, 2",
    "compensation": "SELECT x.route, x.currency, "
    + ", ".join(
        f"SUM(CASE WHEN x.{kind}_on BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN x.{kind}_on BETWEEN %(start)s AND %(end)s THEN x.{kind}_amount END)"
        for kind in ("claimed", "awarded", "paid")
    )
    + " FROM cases_compensation x " + PARTS + " AND (x.claimed_on BETWEEN %(start)s AND %(end)s "
    "OR x.awarded_on BETWEEN %(start)s AND %(end)s OR x.paid_on BETWEEN %(start)s AND %(end)s) "
    "GROUP BY 1, 2",
    "record in period": "SELECT SUM(CASE WHEN {consent_p} THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN {consent_p} THEN 0 ELSE 1 END) FROM clients_client p "
    "WHERE p.organisation_id = %(org)s AND (p.registered_on BETWEEN %(start)s AND %(end)s OR "
    + OPEN_CASE + " OR EXISTS (SELECT 1 FROM cases_case c WHERE c.client_id = p.id "
    "AND c.identification_date BETWEEN %(start)s AND %(end)s) "
    "OR EXISTS (SELECT 1 FROM cases_service x JOIN cases_case c ON c.id = x.case_id "
    "WHERE c.client_id = p.id AND x.start_date BETWEEN %(start)s AND %(end)s) "
    "OR EXISTS (SELECT 1 FROM cases_legalproceeding x JOIN cases_case c ON c.id = x.case_id "
    "WHERE c.client_id = p.id AND (x.start_date BETWEEN %(start)s AND %(end)s "
    "OR x.end_date BETWEEN %(start)s AND %(end)s)) "
    "OR EXISTS (SELECT 1 FROM cases_compensation x JOIN cases_case c ON c.id = x.case_id "
    "WHERE c.client_id = p.id AND (x.claimed_on BETWEEN %(start)s AND %(end)s "
    "OR x.awarded_on BETWEEN %(start)s AND %(end)s OR x.paid_on BETWEEN %(start)s AND %(end)s)))",
}  # fmt: skip


def floor_queries(vendor: str) -> dict[str, str]:
    if vendor == "sqlite":
        json = {
            "c0": "json_extract(p.citizenship, '$[0]')",
            "c1": "json_extract(p.citizenship, '$[1]')",
            "form": "json_extract(c.type_of_exploitation, '$[0]')",
        }
    else:
        json = {
            "c0": "(p.citizenship ->> 0)",
            "c1": "(p.citizenship ->> 1)",
            "form": "(c.type_of_exploitation ->> 0)",
        }
    consent = CONSENT.format(alias="p")
    return {name: sql.format(consent_p=consent, **json) for name, sql in QUERIES.items()}


def floor(vendor: str, params: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Run the hand-written statements; their rows (summing them into cells is the same cheap
    Python as compute's and is left out of the floor)."""
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        for name, sql in floor_queries(vendor).items():
            cursor.execute(sql, params)
            rows[name] = cursor.fetchall()
    return rows


def _median_seconds(runs: int, work: Any) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def breakdown(organisation: Any, reporting_round: Any) -> list[str]:
    """One computation timed part by part: the population's tables, then each figure family (the
    first computation that needs a family's rows reads them), then the rest of the round."""
    from strada.stats import compute
    from strada.stats.population import period_population

    def line(label: str, since: float) -> str:
        return f"    {label:<36} {(time.perf_counter() - since) * 1000:7.0f} ms"

    start, end = reporting_round.period
    ctx = compute.Context(organisation, start, end)
    t0 = time.perf_counter()
    with period_population(organisation, start, end):
        lines = [line("population tables", t0)]
        for code, computation, disaggregations in compute._indicators(reporting_round):
            t1 = time.perf_counter()
            compute.COMPUTATIONS[computation](ctx, disaggregations)
            if time.perf_counter() - t1 >= 0.001:
                lines.append(line(code.lower(), t1))
        t1 = time.perf_counter()
        ctx.record_in_period  # noqa: B018 (read for its time)
        lines.append(line("record in the period", t1))
    return [*lines, line("in all", t0)]


def stats_compute(
    bench: Any, size: int, runs: int, reused: bool = False, parts: bool = False
) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from bench.client_page import _build_background
    from bench.out import say
    from strada.cases.models import Case
    from strada.orgs.actions import do_create_user
    from strada.stats.compute import compute_figures
    from strada.stats.models import ReportingRound

    if reused:
        cases = Case.objects.filter(organisation=bench.org).count()
        say(f"  reused the built population: {cases:,} cases")
    else:
        supervisor = do_create_user(
            None, organisation=bench.org, username="supervisor", role="supervisor", password=None
        )
        t0 = time.perf_counter()
        _build_background(bench, supervisor, size)
        cases = Case.objects.filter(organisation=bench.org).count()
        say(f"  built {size:,} clients, {cases:,} cases in {time.perf_counter() - t0:.0f} s")
    year = timezone.localdate().year - 1
    reporting_round = ReportingRound(
        year=year, opens_on=timezone.localdate(), deadline=timezone.localdate()
    )
    start, end = reporting_round.period
    org_id: Any = bench.org.id.hex if connection.vendor == "sqlite" else bench.org.id
    params = {"org": org_id, "start": start.isoformat(), "end": end.isoformat(), "year": year}
    if connection.vendor != "sqlite":
        params.update(start=start, end=end)

    figures = compute_figures(bench.org, reporting_round)  # warm-up, and the check below
    rows = floor(connection.vendor, params)
    victims = sum(r[-1] for r in rows["victims by person"])
    assert figures.values[("VICTIMS_REGISTERED", "")] == victims, "floor and compute disagree"
    included, excluded = rows["record in period"][0]
    assert (figures.included_clients, figures.excluded_without_consent) == (included, excluded)

    if parts:
        say("  one computation, part by part:\n" + "\n".join(breakdown(bench.org, reporting_round)))
    real = _median_seconds(runs, lambda: compute_figures(bench.org, reporting_round))
    bare = _median_seconds(runs, lambda: floor(connection.vendor, params))
    say(
        f"  compute_figures {real * 1000:.0f} ms, hand-written SQL {bare * 1000:.0f} ms, "
        f"ratio {real / bare:.2f} ({len(figures.values):,} figures, {victims:,} victims, "
        f"{included:,} clients included, {excluded:,} left out)"
    )
    return {
        "name": "stats_compute",
        "size": size,
        "cases": cases,
        "year": year,
        "figures": len(figures.values),
        "compute_s": real,
        "floor_s": bare,
        "ratio": real / bare,
    }


def report(result: dict[str, Any]) -> tuple[list[str], list[str]]:
    ok_time = result["compute_s"] < MAX_SECONDS
    ok_ratio = result["ratio"] <= MAX_RATIO
    lines = [
        "",
        f"one member's computed figures for round {result['year']} ({result['size']:,} clients, "
        f"{result['cases']:,} cases, {result['figures']:,} figures; medians)",
        f"  compute_figures {result['compute_s'] * 1000:,.0f} ms (target < {MAX_SECONDS:.0f} s: "
        f"{'met' if ok_time else 'MISSED'}); hand-written SQL {result['floor_s'] * 1000:,.0f} ms; "
        f"ratio {result['ratio']:.2f} (target <= {MAX_RATIO:.0f}: {'met' if ok_ratio else 'MISSED'})",
    ]
    missed = []
    if not ok_time:
        missed.append(f"stats compute: {result['compute_s']:.2f} s")
    if not ok_ratio:
        missed.append(f"stats compute: ratio {result['ratio']:.2f}")
    return lines, missed


def section(database_url: str = "", quick: bool = False, runs: int = 5) -> list[str]:
    """Run this benchmark in its own process on a fresh Strada; its lines for the report."""
    options = ["--clients", "2000" if quick else "100000", "--runs", str(runs)]
    return section_lines(report, run_module("bench.stats_compute", options, database_url))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stats_compute", description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="computations timed (median)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", help="write the result as JSON to this file")
    parser.add_argument(
        "--parts", action="store_true", help="also time one computation part by part (families)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="SQLite only: build the population into this directory and keep it; when it already "
        "holds a built one, reuse it (migrated first) instead of building again",
    )
    args = parser.parse_args()

    from bench import env

    reused = bool(args.data_dir and (args.data_dir / BUILT).exists())
    bench = _kept(args.data_dir, reused) if args.data_dir else env.start(args.database_url)
    try:
        from django.db import connection

        from bench.out import say

        say(f"[stats] one member's figures at {args.clients:,} clients")
        result = stats_compute(bench, args.clients, args.runs, reused, args.parts)
        if args.data_dir and not reused:
            (args.data_dir / BUILT).write_text(str(args.clients), encoding="utf-8")
        result["database"] = connection.vendor
        lines, missed = report(result)
        say("\n".join(lines + [f"  missed: {m}" for m in missed]))
        if args.out:
            Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    finally:
        if args.data_dir:
            from django.db import connections

            connections.close_all()
        else:
            bench.close()


BUILT = "stats-bench-built"


def _kept(data_dir: Path, reused: bool) -> Any:
    """A Strada in a kept data directory (SQLite): a fresh one, or the one already built there."""
    import os

    from bench import env

    if not reused:
        data_dir.mkdir(parents=True, exist_ok=True)
        if any(data_dir.iterdir()):
            raise SystemExit(f"{data_dir} is neither empty nor a built population")
        return env.start(data_dir=data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "strada.settings"
    os.environ["STRADA_DATA_DIR"] = str(data_dir)
    os.environ["STRADA_DEBUG"] = "0"
    os.environ["STRADA_TESTING"] = "0"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from strada.orgs.models import Organisation

    User = get_user_model()
    call_command("migrate", verbosity=0, interactive=False)  # new indexes, if any
    org = Organisation.objects.get(code="bench")
    user = User.objects.get(username="caseworker")
    return env.Bench(data_dir, connection.vendor, org, user)


if __name__ == "__main__":
    main()
