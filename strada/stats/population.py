"""The round's population, written once per computation into two temporary tables.

Every figure family counts the same people: the organisation's clients whose consent for statistics
was active during the period, and their cases. Re-checking that consent, and re-reading the wide
case and client rows, in each family's query was most of the computation's time on SQLite (every
query built the list of consented clients again and reached some 100,000 rows at random through a
small page cache). ``period_population`` reads those rows once, in one transaction, and keeps the
few facts the figures need in narrow temporary tables that the families join instead:

``stats_tmp_client``, one row per client of the organisation (consented or not: the clients left
out are counted too): ``client_id``; ``consented`` (1 when the consent for statistics was active
during the period, else 0); ``sex`` and ``band`` (``sex_sql`` and ``age_band_sql`` below, the age
reached in the period's year); ``registered_on``.

``stats_tmp_case``, one row per case of the organisation, in case order: ``case_id``,
``client_id``; ``consented``, ``sex``, ``band`` and ``registered_on`` (the client's); ``open`` (1
when the case was open at some time in the period); ``identified`` (identified in the period);
``victim`` (1 when this case counts its client as a registered victim of the period: possible or
identified victim, identified (else opened) in the period, and the last such case of the client by
case number).

A case belongs to its client's organisation (``do_open_case`` takes it from the client and
``do_open_cases_batch`` refuses other clients), so "the organisation's cases" and "the cases of the
organisation's clients" are the same rows. The tables are temporary (private to the connection)
and only live in the computation's transaction, which is rolled back at the end. On PostgreSQL they
are analysed (autovacuum never sees temporary tables) so that the planner knows their size.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value, When

from strada.cases import codes
from strada.clients import codes as client_codes
from strada.clients.models import Client, Consent
from strada.orgs.models import Organisation
from strada.stats import dimensions as dims
from strada.stats.dimensions import UNKNOWN

CLIENTS = "stats_tmp_client"
CASES = "stats_tmp_case"
VICTIM_STATUSES = (codes.TraffickingStatus.POSSIBLE, codes.TraffickingStatus.ACTUAL)


def sql_list(values: Iterable[str]) -> str:
    """Code values (never user input) as an SQL list of literals: ``'A', 'B'``."""
    values = list(values)
    for value in values:
        if not re.fullmatch(r"[A-Za-z0-9_+-]+", value):
            raise ValueError(f"Not a code: {value!r}")
    return ", ".join(f"'{value}'" for value in values)


def consented_ids(start: dt.date, end: dt.date) -> QuerySet[Consent, Any]:
    """The ids of the clients whose consent for statistics was active during the period."""
    return (
        Consent.objects.filter(purpose=client_codes.ConsentPurpose.STATISTICS, given_on__lte=end)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=start))
        .values("client_id")
    )


def sex_sql(prefix: str) -> SqlCase:
    """The client's sex (``dimensions.SEX_OF_GENDER``), the client reached through ``prefix`` ("" from
    Client, "client__" from Case)."""
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


def _clients(organisation: Organisation, start: dt.date, end: dt.date) -> QuerySet[Client, Any]:
    return (
        Client.objects.filter(organisation=organisation)
        .values(
            "registered_on",
            client_id=F("id"),
            consented=SqlCase(
                When(Q(pk__in=consented_ids(start, end)), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            sex=sex_sql(""),
            band=age_band_sql("", end.year),
        )
        .order_by()
    )


_STATUSES = sql_list(VICTIM_STATUSES)
# The organisation's cases, with the client's facts from stats_tmp_client (code lists inlined).
CASES_SQL = (
    f"CREATE TEMPORARY TABLE {CASES} AS "  # noqa: S608 (table names and code values are constants)
    "SELECT c.id AS case_id, c.client_id AS client_id, k.consented AS consented, k.sex AS sex, "
    "k.band AS band, k.registered_on AS registered_on, "
    "CASE WHEN c.opened_on <= %(end)s AND (c.closed_on IS NULL OR c.closed_on >= %(start)s) "
    "THEN 1 ELSE 0 END AS open, "
    "CASE WHEN c.identification_date BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END AS identified, "
    f"CASE WHEN c.trafficking_status IN ({_STATUSES}) "
    "AND COALESCE(c.identification_date, c.opened_on) BETWEEN %(start)s AND %(end)s "
    "AND NOT EXISTS (SELECT 1 FROM cases_case l WHERE l.client_id = c.client_id "
    f"AND l.number > c.number AND l.trafficking_status IN ({_STATUSES}) "
    "AND COALESCE(l.identification_date, l.opened_on) BETWEEN %(start)s AND %(end)s) "
    "THEN 1 ELSE 0 END AS victim "
    f"FROM cases_case c JOIN {CLIENTS} k ON k.client_id = c.client_id "
    # In case order: the families that go from each case to its services then walk forward
    # through the services' (case, start_date, type) index instead of jumping about in it.
    "WHERE c.organisation_id = %(org)s ORDER BY c.id"
)


def params(organisation: Organisation, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The named parameters of the population's and the families' SQL, as the database takes
    them (a UUID is text on SQLite)."""
    ops = connection.ops
    return {
        "org": Organisation._meta.pk.get_db_prep_value(organisation.pk, connection),
        "start": ops.adapt_datefield_value(start),
        "end": ops.adapt_datefield_value(end),
    }


@contextmanager
def period_population(organisation: Organisation, start: dt.date, end: dt.date) -> Iterator[None]:
    """Write the two tables for the organisation and the period and run the body in the same
    transaction (so every figure is read from one state of the records). The transaction (a
    savepoint inside the caller's) is then rolled back: the body only reads, and rolling back
    removes the tables at less cost than dropping them."""
    with transaction.atomic(), connection.cursor() as cursor:
        sql, clients_params = _clients(organisation, start, end).query.sql_with_params()
        cursor.execute(f"CREATE TEMPORARY TABLE {CLIENTS} AS {sql}", clients_params)
        cursor.execute(f"CREATE UNIQUE INDEX {CLIENTS}_id ON {CLIENTS} (client_id)")
        cursor.execute(CASES_SQL, params(organisation, start, end))
        cursor.execute(f"CREATE UNIQUE INDEX {CASES}_id ON {CASES} (case_id)")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {CLIENTS}")
            cursor.execute(f"ANALYZE {CASES}")
        yield
        transaction.set_rollback(True)
