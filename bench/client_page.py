"""Benchmark 4: the client page (and the case page) of a client with many cases and services.

A background population of clients with demo case histories (``strada.demo``: routes, services,
legal steps, notes; written with the batch action, so with real ciphertexts and audit events) is
built first, then two clients whose pages are measured: a small one (1 case, 2 services) and a
large one (5 cases, 50 services, each case with a route, perpetrators, legal steps, a compensation
claim, a plan and notes). Pages are fetched through Django's test client signed in as a caseworker:
the time is the whole server side of the request. The query count must not grow from the small
client to the large one (no query per case or per service).

Run it alone with ``python -m bench.client_page [--clients 2000] [--runs 15]``; ``python -m bench``
runs it in its own process through ``section``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from bench.out import run_module, section_lines

PAGE_MAX_MS = 50.0
ROOT = Path(__file__).resolve().parent.parent
SEED = 2028


def _build_background(bench: Any, supervisor: Any, size: int, batch_size: int = 500) -> float:
    """``size`` clients with their demo cases; returns the rate (cases/s, generation included)."""
    from django.utils import timezone

    from bench import data
    from bench.out import say
    from strada.clients.actions import do_register_clients
    from strada.demo.caseplans import cases_for
    from strada.demo.cases import Providers, case_input, do_open_cases_batch, facts_of
    from strada.demo.network import NETWORK

    today = timezone.localdate()
    providers = Providers.load()
    demo_org = NETWORK.by_code("nl")
    opened = 0
    spent = 0.0
    for start in range(0, size, batch_size):
        clients = do_register_clients(
            bench.user, data.registrations(SEED, start, min(size, start + batch_size), today)
        )
        t0 = time.perf_counter()
        inputs = [
            case_input(client, bench.org, case, providers)
            for client in clients
            for case in cases_for(SEED, demo_org, facts_of(client), today)
        ]
        cases, _counts = do_open_cases_batch(bench.user, inputs, closer=supervisor)
        spent += time.perf_counter() - t0
        opened += len(cases)
    if size:
        say(f"  background: {size:,} clients, {opened:,} cases ({opened / spent:,.0f} cases/s)")
    return opened / spent if spent else 0.0


def _client_with(bench: Any, supervisor: Any, number: int, cases: int, services: int) -> Any:
    """A client with ``cases`` cases and ``services`` services spread over them, each case with a
    full record: a three-leg route, two perpetrators, legal steps, a claim, a plan and notes."""
    from django.utils import timezone

    from bench import data
    from strada.cases import codes
    from strada.cases.models import (
        Compensation,
        LegalProceeding,
        PerpetratorRole,
        Service,
        TraffickingEvent,
    )
    from strada.clients.actions import do_register_clients
    from strada.demo.cases import CaseInput, do_open_cases_batch

    today = timezone.localdate()
    registration = data.registration(SEED + 1, number, today)
    registration.registered_on = today - dt.timedelta(days=700)
    (client,) = do_register_clients(bench.user, [registration])
    client.organisation = bench.org
    day = client.registered_on
    inputs = []
    for index in range(cases):
        opened = day + dt.timedelta(days=index * 100)
        item = CaseInput(
            client,
            {
                "opened_on": opened,
                "trafficking_status": codes.TraffickingStatus.ACTUAL,
                "identification_date": opened,
                "identification_actor": "Police",
                "type_of_exploitation": [codes.TypeOfExploitation.SEXUAL_EXPLOITATION],
                "method_of_recruitment": [codes.MethodOfRecruitment.ONLINE_SOCIAL_NETWORKS],
                "recruitment_websites_and_apps": ["Facebook", "Telegram"],
                "methods_of_control": ["DebtBondage", "WithholdsDocuments"],
            },
            objectives="Safe accommodation and stabilisation. Legal counselling.",
            planned_end_date=opened + dt.timedelta(days=365),
            notes=[(f"Benchmark note {n} of case {index + 1}.", timezone.now()) for n in range(2)],
        )
        for leg, (kind, country) in enumerate(
            (("Recruitment", "BG"), ("Transit", "DE"), ("Exploitation", "NL"))
        ):
            item.parts.append(
                (TraffickingEvent, {"type": kind, "country": country, "city": "",
                                    "date": opened - dt.timedelta(days=90 - leg * 30),
                                    "sequence": leg})
            )  # fmt: skip
        for roles in (["RecruiterOrIntermediary"], ["Exploiter", "ControlledIndividual"]):
            item.parts.append((PerpetratorRole, {"role_in_process": roles, "gender": "Masculine"}))
        kinds = list(codes.ServiceType.values)
        share = services // cases + (1 if index < services % cases else 0)
        for n in range(share):
            start = opened + dt.timedelta(days=n * 3)
            item.parts.append(
                (Service, {"type": kinds[n % len(kinds)], "start_date": start,
                           "end_date": start + dt.timedelta(days=10),
                           "outcome": codes.ServiceOutcome.COMPLETED})
            )  # fmt: skip
        for step in ("Complaint", "Investigation"):
            item.parts.append(
                (LegalProceeding, {"step": step, "country": "NL", "start_date": opened})
            )
        item.parts.append(
            (Compensation, {"route": "Criminal", "currency": "EUR", "claimed_amount": 10_000,
                            "claimed_on": opened + dt.timedelta(days=30)})
        )  # fmt: skip
        inputs.append(item)
    made, _counts = do_open_cases_batch(bench.user, inputs, closer=supervisor)
    return client, made


def client_page(bench: Any, size: int, runs: int) -> dict[str, Any]:
    from django.test import Client as HttpClient

    from bench.listing import _capture_queries, _median_ms
    from bench.out import say
    from strada.orgs.actions import do_create_user

    supervisor = do_create_user(
        None, organisation=bench.org, username="supervisor", role="supervisor", password=None
    )
    build_rate = _build_background(bench, supervisor, size)
    small, small_cases = _client_with(bench, supervisor, 1, cases=1, services=2)
    large, large_cases = _client_with(bench, supervisor, 2, cases=5, services=50)
    http = HttpClient()
    http.force_login(bench.user, backend="allauth.account.auth_backends.AuthenticationBackend")
    pages = []
    for label, url in (
        ("client page, 1 case / 2 services", f"/clients/{small.id}/"),
        ("client page, 5 cases / 50 services", f"/clients/{large.id}/"),
        ("case page, 2 services", f"/cases/{small_cases[0].id}/"),
        ("case page, 10 services", f"/cases/{large_cases[0].id}/"),
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
                "sql": [q[:120] for q in queries],
            }
        )
        say(
            f"  {label}: {server_ms:.1f} ms, {len(queries)} queries, {len(response.content):,} bytes"
        )
    return {
        "name": "client_page",
        "size": size,
        "runs": runs,
        "build_rate": build_rate,
        "pages": pages,
    }


def report(result: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The report's lines for this benchmark, and the targets it missed."""
    lines = [
        "",
        f"client and case pages of a client with many cases ({result['size']:,} background "
        "clients with demo cases; server time through Django's test client, caseworker, medians)",
        f"  {'page':<40}{'server ms':>11}{'queries':>9}  target < {PAGE_MAX_MS:.0f} ms",
    ]
    missed = []
    measured = {}
    for page in result["pages"]:
        if page["status"] != 200:
            lines.append(f"  {page['label']:<40}{'answers ' + str(page['status']):>20}")
            continue
        ok = page["ms"] < PAGE_MAX_MS
        measured[page["label"]] = page
        lines.append(
            f"  {page['label']:<40}{page['ms']:>11.1f}{page['queries']:>9}  "
            f"{'met' if ok else 'MISSED'}"
        )
        if not ok:
            missed.append(f"{page['label']}: {page['ms']:.1f} ms")
    for kind in ("client page", "case page"):
        counts = [p["queries"] for label, p in measured.items() if label.startswith(kind)]
        if len(counts) == 2:
            constant = counts[0] == counts[1]
            lines.append(
                f"  {kind} queries, small / large: {counts[0]} / {counts[1]} -> "
                f"{'constant' if constant else 'NOT constant'}"
            )
            if not constant:
                missed.append(f"{kind}: queries grow with cases and services")
    return lines, missed


def section(database_url: str = "", quick: bool = False, runs: int = 15) -> list[str]:
    """Run this benchmark in its own process on a fresh Strada; its lines for the report."""
    options = ["--clients", "200" if quick else "2000", "--runs", str(runs)]
    return section_lines(report, run_module("bench.client_page", options, database_url))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.client_page", description=__doc__)
    parser.add_argument("--clients", type=int, default=2000, help="background clients")
    parser.add_argument("--runs", type=int, default=15, help="requests per page (median)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", help="write the result as JSON to this file")
    args = parser.parse_args()

    from bench import env

    bench = env.start(args.database_url)
    try:
        from django.db import connection

        from bench.out import say

        say(f"[4] client page at {args.clients:,} background clients")
        result = client_page(bench, args.clients, args.runs)
        result["database"] = connection.vendor
        lines, missed = report(result)
        say("\n".join(lines + [f"  missed: {m}" for m in missed]))
        if args.out:
            Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
