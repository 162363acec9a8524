"""Benchmark 3: the client list page and its search, at a given number of clients.

The clients are registered with the batch action (so they carry real ciphertexts, search tokens and
audit events). Pages are fetched through Django's test client, signed in as a caseworker: the time
is the whole server side of the request (middleware, queries, decrypting 25 identities, writing
their 25 audit events, rendering). The floor is a hand-written SQL SELECT of the same page.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import data
from bench.out import say
from strada.clients.actions import do_register_clients
from strada.clients.identity import query_tokens
from strada.clients.models import Client
from strada.lib import names

SEED = 2027
ORDER = "ORDER BY registered_on DESC, reference DESC"


def build(bench: Any, size: int, batch_size: int) -> float:
    """Register ``size`` clients in batches; return the rate (clients/s, generation not counted)."""
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
    mine = [q for q in queries if q.startswith("SELECT") and 'FROM "clients_client"' in q]
    cursor = connection.connection.cursor()

    def work() -> None:
        for sql in mine:
            cursor.execute(sql)
            cursor.fetchall()

    return _median_ms(runs, work)


def _sql_floor(sql: str, params: list[object], runs: int) -> tuple[float, int]:
    """Median time of a hand-written SELECT (all columns of one page, fetched)."""
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
    return value.hex if connection.vendor == "sqlite" else value


def _name_part(size: int) -> str:
    """The Latin surname of an existing (non-anonymous) client."""
    today = timezone.localdate()
    for number in range(size // 2, size):
        registration = data.registration(SEED, number, today)
        identity = registration.identity.with_transliteration(registration.coded["citizenship"])
        if identity.second_name_latin:
            return names.name_parts(identity.second_name_latin)[0].capitalize()
    raise RuntimeError("no named client")


def listing(bench: Any, size: int, batch_size: int, runs: int) -> dict[str, Any]:
    build_rate = build(bench, size, batch_size)
    org, user = bench.org, bench.user
    http = HttpClient()
    http.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")

    page_size = settings.STRADA_PAGE_SIZE
    middle = max(1, math.ceil(size / page_size) // 2)
    surname = _name_part(size)
    reference = Client.objects.order_by("id").values_list("reference", flat=True)[size // 3]
    group = query_tokens(org, surname)[0][0]  # the spellings of the one word searched
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
        (
            f"search name ({surname})",
            f"/clients/?q={surname}",
            f"{base} AND id IN (SELECT client_id FROM clients_searchtoken WHERE organisation_id = %s"
            f" AND kind = 'name' AND token IN ({', '.join(['%s'] * len(group))})) {ORDER} LIMIT 25",
            [_uuid(org.id), _uuid(org.id), *group],
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
    ]
    pages = []
    for label, url, sql, params in cases:
        for _ in range(2):  # warm-up: templates, caches, the pages of the database file
            response = http.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
            assert b'data-testid="client-table"' in response.content, url
        queries = _capture_queries(lambda u=url: http.get(u, secure=True))
        server_ms = _median_ms(runs, lambda u=url: http.get(u, secure=True))
        app_sql_ms = _app_sql_ms(queries, runs)
        floor_ms, rows = _sql_floor(sql, params, runs)
        assert rows > 0, label
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
