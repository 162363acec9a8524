"""Benchmarks 1 and 2: registering clients through the real actions, against the plain-SQL floor.

The real path and its floors run in alternating rounds on the same database, so that a burst of load
from elsewhere on the machine hits both; each figure is the median over rounds, and each ratio is the
median of the per-round ratios.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils import timezone

from bench import data, floor
from bench.out import say
from strada.clients.actions import do_register_client, do_register_clients

SEED = 2026


def _rate(count: int, work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return count / (time.perf_counter() - started)


def _references(prefix: str, start: int, count: int) -> list[str]:
    return [f"{prefix}-{n:07d}" for n in range(start, start + count)]


def _summary(name: str, rates: dict[str, list[float]], clients: int) -> dict[str, Any]:
    real = rates["real"]
    return {
        "name": name,
        "clients": clients,
        "rounds": len(real),
        "real": statistics.median(real),
        "floor_client": statistics.median(rates["floor_client"]),
        "floor_all": statistics.median(rates["floor_all"]),
        # A ratio > 1 means the real path is that many times slower than its floor.
        "ratio_client": statistics.median(
            f / r for f, r in zip(rates["floor_client"], real, strict=True)
        ),
        "ratio_all": statistics.median(
            f / r for f, r in zip(rates["floor_all"], real, strict=True)
        ),
        # The spread over rounds: a round whose commits were slow (a disk busy elsewhere) has a
        # low ratio, a round on an idle disk a high one.
        "ratio_client_range": [
            min(f / r for f, r in zip(rates["floor_client"], real, strict=True)),
            max(f / r for f, r in zip(rates["floor_client"], real, strict=True)),
        ],
        "rates": rates,
    }


def single(bench: Any, clients: int, rounds: int) -> dict[str, Any]:
    """One transaction per client, as the web page and the API register a client."""
    floor.create_tables()
    today = timezone.localdate()
    per_round = max(1, clients // rounds)
    regs = data.registrations(SEED, 0, per_round * rounds + 20, today)
    for registration in regs[:20]:  # warm-up: caches, prepared statements, the first pages
        do_register_client(bench.user, registration)
    rates: dict[str, list[float]] = {"real": [], "floor_client": [], "floor_all": []}
    for r in range(rounds):
        batch = regs[20 + r * per_round : 20 + (r + 1) * per_round]
        refs = _references("F", r * per_round, per_round)
        one = [
            floor.rows_for(bench.org, bench.user, g, f, all_rows=False)
            for g, f in zip(batch, refs, strict=True)
        ]
        refs = _references("A", r * per_round, per_round)
        full = [
            floor.rows_for(bench.org, bench.user, g, f, all_rows=True, linkage=True)
            for g, f in zip(batch, refs, strict=True)
        ]
        rates["real"].append(_rate(per_round, partial(_register_each, bench.user, batch)))
        rates["floor_client"].append(_rate(per_round, partial(floor.write, one)))
        rates["floor_all"].append(_rate(per_round, partial(floor.write, full)))
        say(
            f"  round {r + 1}/{rounds}: real {rates['real'][-1]:,.0f}/s, "
            f"floor {rates['floor_client'][-1]:,.0f}/s (client row), "
            f"{rates['floor_all'][-1]:,.0f}/s (all rows)",
        )
    return _summary("register, one transaction per client", rates, per_round * rounds)


def _register_each(user: Any, registrations: list[Any]) -> None:
    for registration in registrations:
        do_register_client(user, registration)


def batched(bench: Any, clients: int, batch_size: int) -> dict[str, Any]:
    """``do_register_clients`` in batches (imports, the demo): one transaction per batch."""
    floor.create_tables()
    today = timezone.localdate()
    batches = max(1, clients // batch_size)
    regs = data.registrations(SEED, 0, batches * batch_size + batch_size, today)
    do_register_clients(bench.user, regs[:batch_size])  # warm-up
    rates: dict[str, list[float]] = {"real": [], "floor_client": [], "floor_all": []}
    for b in range(batches):
        batch = regs[(b + 1) * batch_size : (b + 2) * batch_size]
        one = floor.merge(
            floor.rows_for(bench.org, bench.user, g, f, all_rows=False)
            for g, f in zip(batch, _references("F", b * batch_size, batch_size), strict=True)
        )
        full = floor.merge(
            floor.rows_for(bench.org, bench.user, g, f, all_rows=True)
            for g, f in zip(batch, _references("A", b * batch_size, batch_size), strict=True)
        )
        rates["real"].append(_rate(batch_size, partial(do_register_clients, bench.user, batch)))
        rates["floor_client"].append(_rate(batch_size, partial(floor.write, [one])))
        rates["floor_all"].append(_rate(batch_size, partial(floor.write, [full])))
        say(
            f"  batch {b + 1}/{batches}: real {rates['real'][-1]:,.0f}/s, "
            f"floor {rates['floor_client'][-1]:,.0f}/s (client row), "
            f"{rates['floor_all'][-1]:,.0f}/s (all rows)",
        )
    result = _summary(f"register in batches of {batch_size}", rates, batches * batch_size)
    result["batch_size"] = batch_size
    return result
