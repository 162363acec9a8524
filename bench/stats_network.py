"""Benchmark: the network view over 10 reporting rounds x 20 member organisations.

The figures are built directly (no workflow): 20 member organisations, 10 yearly rounds, every
organisation's submission accepted in every round, each with 25 indicators broken down by sex,
age group, citizenship group and 8 routes (19 cells an indicator, about 95,000 observations), counts
from 1 to 5 suppressed as disclosure control leaves them. The pages are fetched through Django's
test client signed in as the secretariat's analyst: the time is the whole server side of the
request. The dashboard (trends, breakdown, routes, member comparison, completeness), a country page
and two downloads are measured; the target is the dashboard under 300 ms.

Run it alone with ``python -m bench.stats_network [--rounds 10] [--organisations 20] [--runs 15]``;
``python -m bench`` runs it in its own process through ``section``.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from bench.out import run_module, section_lines

PAGE_MAX_MS = 300.0
ROOT = Path(__file__).resolve().parent.parent
SEED = 2029
INDICATORS = 25
COUNTRIES = ["AT", "BE", "BG", "CZ", "DE", "ES", "FR", "HU", "IT", "LT",
             "MD", "NL", "PL", "PT", "RO", "SK", "UA", "GB", "RS", "AL"]  # fmt: skip
CELLS = {
    "sex": ("female", "male", "other_unknown"),
    "age_group": ("minor", "adult", "unknown"),
    "citizenship_group": ("national", "other_eu", "non_eu", "unknown"),
}
ROUTES = 8


def build(rounds: int, organisations: int) -> dict[str, Any]:
    """The network's figures; returns what was built."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from strada.orgs.actions import do_create_organisation
    from strada.stats.models import (
        Flag,
        Indicator,
        Observation,
        ReportingRound,
        Source,
        Submission,
        SubmissionStatus,
    )

    rng = random.Random(SEED)
    indicators = Indicator.objects.bulk_create(
        Indicator(
            code=f"BENCH_{n:02d}",
            name=f"Benchmark indicator {n}",
            definition="Built by the benchmark.",
            unit="person",
            disaggregations=[*CELLS, "route"],
            position=n,
        )
        for n in range(INDICATORS)
    )
    orgs = [
        do_create_organisation(
            None,
            code=f"m{n:02d}",
            name=f"Member {n:02d}",
            kind="member",
            country=COUNTRIES[n % len(COUNTRIES)],
        )
        for n in range(organisations)
    ]
    this_year = timezone.localdate().year
    made_rounds = [
        ReportingRound.objects.create(
            year=year, opens_on=dt.date(year + 1, 1, 15), deadline=dt.date(year + 1, 3, 31)
        )
        for year in range(this_year - rounds, this_year)
    ]
    submissions = Submission.objects.bulk_create(
        Submission(
            round=reporting_round,
            organisation=org,
            status=SubmissionStatus.ACCEPTED,
            submitted_at=timezone.make_aware(
                dt.datetime(reporting_round.year + 1, 3, 1) + dt.timedelta(days=rng.randint(0, 60))
            ),
        )
        for reporting_round in made_rounds
        for org in orgs
    )
    country_of = {org.id: org.country.code for org in orgs}
    count = 0
    batch: list[Observation] = []

    def add(submission: Any, indicator: Any, cell: str, value: int) -> None:
        suppressed = 1 <= value <= 5
        batch.append(
            Observation(
                submission=submission,
                indicator=indicator,
                cell=cell,
                value=None if suppressed else Decimal(value),
                flag=Flag.SUPPRESSED if suppressed else Flag.OK,
                source=Source.COMPUTED,
            )
        )

    for submission in submissions:
        home = country_of[submission.organisation_id]
        for indicator in indicators:
            add(submission, indicator, "", rng.randint(20, 400))
            for dimension, values in CELLS.items():
                for value in values:
                    add(submission, indicator, f"{dimension}={value}", rng.randint(0, 120))
            for origin in rng.sample(COUNTRIES, ROUTES):
                add(submission, indicator, f"route={origin}>{home}", rng.randint(0, 40))
        if len(batch) >= 20_000:
            Observation.objects.bulk_create(batch, batch_size=2000)
            count += len(batch)
            batch = []
    Observation.objects.bulk_create(batch, batch_size=2000)
    count += len(batch)
    return {"rounds": rounds, "organisations": organisations, "observations": count}


def stats_network(bench: Any, rounds: int, organisations: int, runs: int) -> dict[str, Any]:
    import time

    from django.test import Client as HttpClient
    from django.urls import NoReverseMatch, reverse

    from bench.listing import _capture_queries, _median_ms
    from bench.out import say
    from strada.orgs.actions import do_create_organisation, do_create_user

    t0 = time.perf_counter()
    built = build(rounds, organisations)
    say(
        f"  built {built['observations']:,} observations in {time.perf_counter() - t0:.1f} s "
        f"({rounds} rounds x {organisations} organisations x {INDICATORS} indicators)"
    )
    secretariat = do_create_organisation(
        None, code="lsi", name="Secretariat", kind="secretariat", country="NL"
    )
    analyst = do_create_user(
        None, organisation=secretariat, username="analyst", role="analyst", password=None
    )
    try:
        base = reverse("stats_network:dashboard")
    except NoReverseMatch:
        say("  the network view is not in strada.urls yet: add its include first")
        raise
    http = HttpClient()
    http.force_login(analyst, backend="allauth.account.auth_backends.AuthenticationBackend")
    query = "?indicator=BENCH_00&dimension=sex"
    pages = []
    for label, url in (
        ("network dashboard (all five tables)", base + query),
        ("network dashboard, routes indicator", base + "?indicator=BENCH_07&dimension=route"),
        ("country page (NL)", base + "countries/nl/"),
        ("download: trends CSV", base + "trends.csv" + query),
        ("download: completeness XLSX", base + "completeness.xlsx" + query),
    ):
        response = http.get(url, secure=True)
        if response.status_code != 200:
            say(f"  {label}: {url} answers {response.status_code}, not measured")
            pages.append({"label": label, "url": url, "status": response.status_code})
            continue
        http.get(url, secure=True)  # warm-up: templates, caches
        queries = _capture_queries(lambda u=url: http.get(u, secure=True))
        server_ms = _median_ms(runs, lambda u=url: http.get(u, secure=True))
        pages.append(
            {
                "label": label,
                "url": url,
                "status": 200,
                "ms": server_ms,
                "queries": len(queries),
                "bytes": len(response.content),
            }
        )
        say(
            f"  {label}: {server_ms:.1f} ms, {len(queries)} queries, {len(response.content):,} bytes"
        )
    return {"name": "stats_network", **built, "runs": runs, "pages": pages}


def report(result: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The report's lines for this benchmark, and the targets it missed."""
    lines = [
        "",
        f"network view over {result['rounds']} rounds x {result['organisations']} organisations "
        f"({result['observations']:,} observations; server time through Django's test client, "
        "analyst, medians)",
        f"  {'page':<40}{'server ms':>11}{'queries':>9}  target < {PAGE_MAX_MS:.0f} ms",
    ]
    missed = []
    for page in result["pages"]:
        if page["status"] != 200:
            lines.append(f"  {page['label']:<40}{'answers ' + str(page['status']):>20}")
            missed.append(f"{page['label']}: answers {page['status']}")
            continue
        ok = page["ms"] < PAGE_MAX_MS
        lines.append(
            f"  {page['label']:<40}{page['ms']:>11.1f}{page['queries']:>9}  "
            f"{'met' if ok else 'MISSED'}"
        )
        if not ok:
            missed.append(f"{page['label']}: {page['ms']:.1f} ms")
    return lines, missed


def section(database_url: str = "", quick: bool = False, runs: int = 15) -> list[str]:
    """Run this benchmark in its own process on a fresh Strada; its lines for the report."""
    options = ["--runs", str(runs)]
    if quick:
        options += ["--rounds", "3", "--organisations", "5"]
    return section_lines(report, run_module("bench.stats_network", options, database_url))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stats_network", description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--runs", type=int, default=15, help="requests per page (median)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", help="write the result as JSON to this file")
    args = parser.parse_args()

    from bench import env

    bench = env.start(args.database_url)
    try:
        from django.db import connection

        from bench.out import say

        say(f"[6] network view over {args.rounds} rounds x {args.organisations} organisations")
        result = stats_network(bench, args.rounds, args.organisations, args.runs)
        result["database"] = connection.vendor
        lines, missed = report(result)
        say("\n".join(lines + [f"  missed: {m}" for m in missed]))
        if args.out:
            Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
