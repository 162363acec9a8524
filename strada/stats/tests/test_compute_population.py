"""The round's population (stats.population) and the plans of the families' queries.

The figures are fast only while the population's tables drive the families' queries and the services
are read from their (case, start_date, type) index in case order; the plan tests (SQLite, the
database without statistics whose planner needs the query written that way) guard that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from strada.cases.actions import do_open_case
from strada.conftest import Network, register
from strada.stats import compute
from strada.stats.compute import compute_figures
from strada.stats.models import ReportingRound
from strada.stats.population import CASES, CLIENTS, params, period_population

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def _round() -> ReportingRound:
    return ReportingRound(year=2026, opens_on=START, deadline=dt.date(2027, 3, 1))


def _exists(table: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table}")
    except DatabaseError:
        return False
    return True


def _plan(network: Network, sql: str) -> list[str]:
    if connection.vendor != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    with period_population(network.nl, START, END), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params(network.nl, START, END))
        return [str(row[-1]) for row in cursor.fetchall()]


def test_it_leaves_no_tables_behind(network: Network) -> None:
    client = register(network.anna, first_name="Ala")
    do_open_case(network.sam, client, opened_on=dt.date(2026, 3, 2))
    assert compute_figures(network.nl, _round()).values[("CLIENTS_ASSISTED", "")] == 1
    assert not _exists(CLIENTS)
    assert not _exists(CASES)


def test_it_leaves_no_tables_behind_when_a_figure_fails(network: Network, monkeypatch: Any) -> None:
    def fail(ctx: compute.Context, disaggregations: list[str]) -> compute.Cells:
        raise ZeroDivisionError

    monkeypatch.setitem(compute.COMPUTATIONS, "clients_assisted", fail)
    with pytest.raises(ZeroDivisionError):
        compute_figures(network.nl, _round())
    assert not _exists(CLIENTS)
    monkeypatch.undo()
    assert compute_figures(network.nl, _round()).included_clients == 0


def test_it_reads_the_services_of_the_period_in_case_order_from_their_index(
    network: Network,
) -> None:
    plan = _plan(network, compute.SERVICES_SQL)
    assert plan[0] == "SCAN t"
    assert plan[1].startswith("SEARCH s USING COVERING INDEX cases_servi_case_id_")
    assert plan[1].endswith("(case_id=? AND start_date>? AND start_date<?)")
    before = _plan(network, compute.SERVED_BEFORE_SQL)
    assert before[-1].startswith("SEARCH e USING COVERING INDEX cases_servi_case_id_")


def test_it_reads_no_case_or_client_table_in_full(network: Network) -> None:
    for name in ("CASES_IN_PERIOD_SQL", "SERVICES_SQL", "SERVED_BEFORE_SQL", "LEGAL_SQL",
                 "COMPENSATION_SQL", "RECORD_SQL"):  # fmt: skip
        for step in _plan(network, getattr(compute, name)):
            for table in ("cases_case", "cases_service", "clients_client", "clients_consent"):
                assert not step.startswith(f"SCAN {table}"), (name, step)
