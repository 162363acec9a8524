"""Benchmark 3: the client list page and its search, at a given number of clients.

The clients are registered with the batch action (so they carry real ciphertexts, search tokens and
audit events). Pages are fetched through Django's test client, signed in as a caseworker: the time
is the whole server side of the request (middleware, queries, decrypting 25 identities, writing
their 25 audit events, rendering). The floor is a hand-written SQL SELECT of the same page.

``python -m bench`` runs it in its own process (``bench.run listing``) on a fresh database. Run it
alone with ``python -m bench.listing [--clients 100000] [--runs 15] [--data-dir DIR]``: with
``--data-dir`` (SQLite only) the clients are built into DIR and kept; run again with the same DIR
and number of clients, they are reused (migrated first, so new tables and indexes are applied) and
only the pages are timed.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path
from typing import Any

# Django and Strada are imported inside the functions: ``bench.env`` must configure Django first.

SEED = 2027
BUILT = "listing-bench-built"  # in a kept data directory: the number of clients built there
PAGE_MAX_MS = 50.0
ORDER = "ORDER BY registered_on DESC, reference DESC"


def build(bench: Any, size: int, batch_size: int) -> float:
    """Register ``size`` clients in batches; return the rate (clients/s, generation not counted)."""
    from django.utils import timezone

    from bench import data
    from bench.out import say
    from strada.clients.actions import do_register_clients

    today = timezone.localdate()
    spent = 0.0
    step = max(size // 10, batch_size)
    started = time.perf_counter()
    for start in range(0, size, batch_size):
        regs = data.registrations(SEED, start, min(size, start + batch_size), today)
        t0 = time.perf_counter()
        do_register_clients(bench.user, regs)
        spent += time.perf_counter() - t0
        done = min(size, start + batch_size)
        if done % step < batch_size or done == size:
            say(
                f"  built {done:,}/{size:,} clients ({done / spent:,.0f}/s, "
                f"{time.perf_counter() - started:,.0f} s)",
            )
    return size / spent


def _median_ms(runs: int, work: Any) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _capture_queries(work: Any) -> list[str]:
    """The SQL statements one request runs, with CaptureQueriesContext. Django empties the query log
    when a request starts (``reset_queries`` on ``request_started``), which would hide them: that
    receiver is disconnected for the duration."""
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as captured:
            work()
    finally:
        request_started.connect(reset_queries)
    return [query["sql"] for query in captured.captured_queries]


def _app_sql_ms(queries: list[str], runs: int) -> float:
    """Median time of the view's own SELECTs on the client table (the count and the page), re-run
    as captured: what the database costs the page, apart from Python."""
    from django.db import connection

    mine = [q for q in queries if q.startswith("SELECT") and 'FROM "clients_client"' in q]
    cursor = connection.connection.cursor()

    def work() -> None:
        for sql in mine:
            cursor.execute(sql)
            cursor.fetchall()

    return _median_ms(runs, work)


def _sql_floor(sql: str, params: list[object], runs: int) -> tuple[float, int]:
    """Median time of a hand-written SELECT (all columns of one page, fetched)."""
    from django.db import connection

    mark = "?" if connection.vendor == "sqlite" else "%s"
    sql = sql.replace("%s", mark)
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    cursor.execute(sql, params)
    count = len(cursor.fetchall())

    def work() -> None:
        cursor.execute(sql, params)
        cursor.fetchall()

    return _median_ms(runs, work), count


def _uuid(value: Any) -> object:
    from django.db import connection

    return value.hex if connection.vendor == "sqlite" else value


def _latin_name(size: int) -> tuple[str, str]:
    """The Latin first name and surname of an existing (non-anonymous) client."""
    from django.utils import timezone

    from bench import data
    from strada.lib import names

    today = timezone.localdate()
    for number in range(size // 2, size):
        registration = data.registration(SEED, number, today)
        identity = registration.identity.with_transliteration(registration.coded["citizenship"])
        if identity.first_name_latin and identity.second_name_latin:
            first = names.name_parts(identity.first_name_latin)[0].capitalize()
            return first, names.name_parts(identity.second_name_latin)[0].capitalize()
    raise RuntimeError("no named client")


def listing(
    bench: Any, size: int, batch_size: int, runs: int, *, built: bool = False
) -> dict[str, Any]:
    """Build ``size`` clients (unless ``built``: they are there already), then time the pages."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client as HttpClient

    from bench.out import say
    from strada.clients.identity import citizenship_token, query_tokens
    from strada.clients.models import Client

    build_rate = 0.0 if built else build(bench, size, batch_size)
    if connection.vendor == "postgresql":
        # A database in service has been through autovacuum, which sets the visibility map that
        # index-only scans need and the statistics the planner reads; a freshly loaded one has
        # not. VACUUM ANALYZE once, so that pages are timed as a running Strada would serve them.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    org, user = bench.org, bench.user
    http = HttpClient()
    http.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")

    page_size = settings.STRADA_PAGE_SIZE
    middle = max(1, math.ceil(size / page_size) // 2)
    first_name, surname = _latin_name(size)
    reference = Client.objects.order_by("id").values_list("reference", flat=True)[size // 3]
    group = query_tokens(org, surname)[0][0]  # the spellings of the one word searched
    both = query_tokens(org, f"{first_name} {surname}")[0]  # the spellings of each word

    def _by_name(groups: list[list[str]]) -> tuple[str, list[object]]:
        """The floor of a name search: the organisation's tokens of each word, then the clients by
        id (no ``organisation_id = …`` on clients: SQLite would walk the organisation to test it)."""
        where = " AND ".join(
            "id IN (SELECT client_id FROM clients_searchtoken WHERE organisation_id = %s AND "
            f"kind = 'name' AND token IN ({', '.join(['%s'] * len(spellings))}))"
            for spellings in groups
        )
        params = [value for spellings in groups for value in (_uuid(org.id), *spellings)]
        return f"SELECT {columns} FROM clients_client WHERE {where} {ORDER} LIMIT 25", params

    columns = ", ".join(f'"{f.column}"' for f in Client._meta.concrete_fields)
    citizenship = "citizenship" if connection.vendor == "sqlite" else "citizenship::text"
    base = f"SELECT {columns} FROM clients_client WHERE organisation_id = %s"
    cases = [
        ("list, page 1", "/clients/", f"{base} {ORDER} LIMIT 25", [_uuid(org.id)]),
        (
            f"list, page {middle}",
            f"/clients/?page={middle}",
            f"{base} {ORDER} LIMIT 25 OFFSET {(middle - 1) * page_size}",
            [_uuid(org.id)],
        ),
        (f"search name ({surname})", f"/clients/?q={surname}", *_by_name([group])),
        (
            f"search full name ({first_name} {surname})",
            f"/clients/?q={first_name}+{surname}",
            *_by_name(both),
        ),
        (
            "search reference",
            f"/clients/?q={reference}",
            f"{base} AND reference = %s {ORDER} LIMIT 25",
            [_uuid(org.id), reference],
        ),
        (
            "filter gender + citizenship",
            "/clients/?gender=Feminine&citizenship_country=UA",
            f"{base} AND gender = %s AND {citizenship} LIKE %s {ORDER} LIMIT 25",
            [_uuid(org.id), "Feminine", '%"UA"%'],
        ),
        (
            "filter citizenship nobody has (FR)",
            "/clients/?citizenship_country=FR",
            f"SELECT {columns} FROM clients_client WHERE id IN (SELECT client_id FROM "
            f"clients_searchtoken WHERE organisation_id = %s AND token = %s) {ORDER} LIMIT 25",
            [_uuid(org.id), citizenship_token(org, "FR")],
        ),
        (
            "filter consent nobody gave (referral)",
            "/clients/?consent=referral",
            f"SELECT {columns} FROM clients_client WHERE id IN (SELECT client_id FROM "
            "clients_consent WHERE organisation_id = %s AND purpose = %s AND withdrawn_on IS NULL) "
            f"{ORDER} LIMIT 25",
            [_uuid(org.id), "referral"],
        ),
    ]
    empty = {"/clients/?citizenship_country=FR", "/clients/?consent=referral"}
    pages = []
    for label, url, sql, params in cases:
        for _ in range(2):  # warm-up: templates, caches, the pages of the database file
            response = http.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            shown = b'data-testid="client-table"' in response.content
            assert shown or url in empty, url
        queries = _capture_queries(lambda u=url: http.get(u, secure=True))
        server_ms = _median_ms(runs, lambda u=url: http.get(u, secure=True))
        app_sql_ms = _app_sql_ms(queries, runs)
        floor_ms, rows = _sql_floor(sql, params, runs)
        assert rows > 0 or url in empty, label
        pages.append(
            {
                "label": label,
                "url": url,
                "ms": server_ms,
                "floor_ms": floor_ms,
                "ratio": server_ms / floor_ms,
                "app_sql_ms": app_sql_ms,
                "queries": len(queries),
                "sql": [q[:120] for q in queries],
            }
        )
        say(
            f"  {label}: {server_ms:.1f} ms (floor {floor_ms:.2f} ms, the page's own SELECTs on "
            f"clients {app_sql_ms:.2f} ms), {len(queries)} queries",
        )
    return {"name": "listing", "size": size, "build_rate": build_rate, "runs": runs, "pages": pages}


def report(result: dict[str, Any]) -> list[str]:
    """The pages of one run as a table, as ``python -m bench`` prints them."""
    lines = [
        f"  {'page':<40}{'server ms':>11}{'floor ms':>10}{'ratio':>9}{'queries':>9}"
        f"{'its SQL ms':>12}  target < {PAGE_MAX_MS:.0f} ms",
    ]
    for page in result["pages"]:
        ok = page["ms"] < PAGE_MAX_MS
        lines.append(
            f"  {page['label']:<40}{page['ms']:>11.1f}{page['floor_ms']:>10.2f}"
            f"{page['ratio']:>8.0f}x{page['queries']:>9}{page['app_sql_ms']:>12.2f}"
            f"  {'met' if ok else 'MISSED'}"
        )
    return lines


def _kept(data_dir: Path, size: int) -> tuple[Any, bool]:
    """A Strada in a kept data directory (SQLite): a fresh one, or the one built there before with
    the same number of clients (migrated first). Returns the bench and whether it was built."""
    import os

    from bench import env

    marker = data_dir / BUILT
    if not marker.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        if any(data_dir.iterdir()):
            raise SystemExit(f"{data_dir} is neither empty nor a built list benchmark")
        return env.start(data_dir=data_dir), False
    if int(marker.read_text(encoding="utf-8")) != size:
        raise SystemExit(f"{data_dir} holds {marker.read_text(encoding='utf-8')} clients")
    os.environ["DJANGO_SETTINGS_MODULE"] = "strada.settings"
    os.environ["STRADA_DATA_DIR"] = str(data_dir)
    os.environ["STRADA_DEBUG"] = "0"
    os.environ["STRADA_TESTING"] = "0"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from strada.orgs.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)  # new tables and indexes, if any
    settings.STRADA_REQUIRE_MFA = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    org = Organisation.objects.get(code="bench")
    user = get_user_model().objects.get(username="caseworker")
    return env.Bench(data_dir, connection.vendor, org, user), True


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.listing", description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15, help="requests per page (median)")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", help="write the result as JSON to this file")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="SQLite only: build the clients into this directory and keep it; when it already "
        "holds the same number of clients, reuse them (migrated first) instead of building again",
    )
    args = parser.parse_args()
    if args.data_dir and args.database_url:
        parser.error("--data-dir is for SQLite only")

    from bench import env

    if args.data_dir:
        bench, built = _kept(args.data_dir, args.clients)
    else:
        bench, built = env.start(args.database_url), False
    try:
        from django.db import connection

        from bench.out import say

        say(f"[3] client list and search at {args.clients:,} clients")
        result = listing(bench, args.clients, args.batch_size, args.runs, built=built)
        if args.data_dir and not built:
            (args.data_dir / BUILT).write_text(str(args.clients), encoding="utf-8")
        result["database"] = connection.vendor
        say("\n".join(report(result)))
        if args.out:
            Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    finally:
        if args.data_dir:
            from django.db import connections

            connections.close_all()
        else:
            bench.close()


if __name__ == "__main__":
    main()
