"""Disclosure control: which figures may leave a member, and which are shown as suppressed.

``suppress(values, threshold, units)`` flags every figure "ok" or "suppressed" (a suppressed figure
has no value: never shown as 0). The rules:

1. Primary suppression: a count from 1 to ``threshold`` is suppressed. A count of 0 is published:
   "nobody" discloses nothing about a person, and hiding zeros would make every sparse table
   unreadable (Eurostat's and the ONS's practice as well).
2. Tables. The cells of one indicator with the same dimensions form a breakdown; a cell's parent
   is the cell without one of its dimensions ("age_group=minor|sex=female" has the parents
   "age_group=minor" and "sex=female"; a one-dimension cell has the total "" as parent). Every parent
   with its children along one dimension is a group whose members sum to the parent. Indicators of
   the catalogue that count the same population (``same_population``) are one table: a cell key
   names the same figure in each of them. Every breakdown is treated as summing to its parent, also
   the overlapping ones (a client under several service types), which only errs on the safe side.
3. Secondary suppression: no group may hold exactly one suppressed cell (it would be the parent minus
   the others). The complement is the smallest positive published cell of the group (a zero would
   protect nothing: a cell known to be 0 is no unknown), members before the parent. Then an exact
   check over each table's equations (rational Gaussian elimination): a suppressed cell that the
   published cells still determine (for instance a "bridge" between two suppressed rectangles of a
   cross-table) gets another complement in one of its groups, until none is determined. As every
   suppressed cell is positive, "not determined by the equations" means its feasible interval, given
   that counts are not negative, has a width above 0.
4. Amounts, days and medians (unit ``amount`` or ``days``) are not counts: a figure is suppressed
   when the count it is computed over (the cell with the same key of its ``based_on`` indicator) is
   suppressed or missing; amounts add up along their breakdowns, so secondary suppression then runs
   on an amount's own table as on counts (medians and days do not add up: the basis rule alone). Such a figure without a known basis is published as it is
   (manual figures entered by a member are its own responsibility).
5. A figure that is ``None`` (missing) stays None and "ok"; it takes no part in the equations.

``units``, ``populations`` and ``basis`` default to the default catalogue's (codes it does not know
are counts of a population of their own).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from strada.stats.catalogue import BASIS, POPULATIONS, UNITS
from strada.stats.dimensions import cell_key, parse_cell

OK = "ok"
SUPPRESSED = "suppressed"
NOT_COUNTS = frozenset({"amount", "days"})

Key = tuple[str, str]
Node = tuple[str, str]  # (population or indicator code, cell)


def _cell_without(cell: dict[str, str], dimension: str) -> str:
    return cell_key(**{d: v for d, v in cell.items() if d != dimension})


def groups_of(cells: Iterable[str]) -> list[tuple[str, list[str]]]:
    """The (parent, members) groups of one table: for each cell and each of its dimensions, the
    cells that differ from it only in that dimension, under the cell without that dimension.
    Only parents present in the table make a group."""
    present = set(cells)
    grouped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cell in present:
        parsed = parse_cell(cell)
        for dimension in parsed:
            parent = _cell_without(parsed, dimension)
            if parent in present:
                grouped[(parent, dimension)].add(cell)
    return [(parent, sorted(members)) for (parent, _d), members in sorted(grouped.items())]


PRIME = 2**61 - 1  # elimination over GF(p): the equations have coefficients 0 and ±1


def determined(groups: list[tuple[str, list[str]]], hidden: set[str]) -> set[str]:
    """The hidden cells whose value the published cells determine through the group equations
    (parent - sum(members) = known): a hidden cell is determined when its unit vector lies in the
    row space of the equations restricted to the hidden cells, i.e. when it is a pivot of the
    reduced row echelon form whose row has no entry in a free column. Sparse elimination modulo a
    large prime, exact for these small-coefficient systems."""
    columns = sorted(hidden)
    index = {cell: i for i, cell in enumerate(columns)}
    rows: list[dict[int, int]] = []
    for parent, members in groups:
        row: dict[int, int] = defaultdict(int)
        for cell, sign in [(parent, 1), *((m, -1) for m in members)]:
            if cell in index:
                row[index[cell]] = (row[index[cell]] + sign) % PRIME
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    reduced: dict[int, dict[int, int]] = {}  # pivot column -> its row (pivot entry 1)
    for row in rows:
        for col, pivot_row in reduced.items():
            factor = row.get(col)
            if factor:
                for c, v in pivot_row.items():
                    row[c] = (row.get(c, 0) - factor * v) % PRIME
                    if not row[c]:
                        del row[c]
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], PRIME - 2, PRIME)
        row = {c: v * inverse % PRIME for c, v in row.items()}
        for other in reduced.values():
            factor = other.get(col)
            if factor:
                for c, v in row.items():
                    other[c] = (other.get(c, 0) - factor * v) % PRIME
                    if not other[c]:
                        del other[c]
        reduced[col] = row
    return {columns[col] for col, row in reduced.items() if len(row) == 1}


def protect(values: Mapping[str, Fraction], hidden: set[str]) -> set[str]:
    """Secondary suppression on one table: more hidden cells until no group has exactly one and
    no hidden cell is determined. Returns the hidden cells (a superset of ``hidden``)."""
    hidden = set(hidden)
    groups = groups_of(values)
    by_cell: dict[str, list[int]] = defaultdict(list)
    for number, (parent, members) in enumerate(groups):
        for cell in (parent, *members):
            by_cell[cell].append(number)

    def complement(number: int) -> str | None:
        parent, members = groups[number]
        # Only a positive cell protects: a hidden 0 would still be known (hidden cells are positive).
        positive = [c for c in (*members, parent) if c not in hidden and values[c] > 0]
        if not positive:
            return None
        return min(positive, key=lambda c: (values[c], c == parent, c))

    while True:
        queue = list(range(len(groups)))
        while queue:
            number = queue.pop()
            parent, members = groups[number]
            if sum(c in hidden for c in (parent, *members)) != 1:
                continue
            extra = complement(number)
            if extra is None:
                continue
            hidden.add(extra)
            queue.extend(by_cell[extra])
        exposed = sorted(determined(groups, hidden))
        if not exposed:
            return hidden
        added = False
        for cell in exposed:
            for number in by_cell[cell]:
                extra = complement(number)
                if extra is not None:
                    hidden.add(extra)
                    added = True
                    break
            if added:
                break
        if not added:  # every group of the exposed cells is hidden: widen to any group
            for number, (parent, members) in enumerate(groups):
                if any(c in hidden for c in (parent, *members)):
                    extra = complement(number)
                    if extra is not None:
                        hidden.add(extra)
                        added = True
                        break
        if not added:
            return hidden


@dataclass
class Rules:
    """What ``suppress`` needs to know of the indicators, read from their catalogue rows."""

    units: dict[str, str]
    populations: dict[str, str]
    basis: dict[str, str]


def rules_for(indicators: Iterable[Any]) -> Rules:
    """The units, shared populations and bases of these ``Indicator`` rows (their ``validation``
    keys ``same_population`` and ``based_on``), for ``suppress(values, t, rules.units,
    populations=rules.populations, basis=rules.basis)`` over an extended catalogue."""
    rules = Rules({}, dict(POPULATIONS), dict(BASIS))
    for indicator in indicators:
        validation = indicator.validation or {}
        rules.units[indicator.code] = indicator.unit
        rules.populations[indicator.code] = validation.get("same_population", indicator.code)
        if validation.get("based_on"):
            rules.basis[indicator.code] = validation["based_on"]
    return rules


def suppress(
    values: dict[tuple[str, str], Decimal | None],
    threshold: int,
    units: dict[str, str] | None = None,
    *,
    populations: Mapping[str, str] | None = None,
    basis: Mapping[str, str] | None = None,
) -> dict[tuple[str, str], tuple[Decimal | None, str]]:
    """Flag every figure "ok" or "suppressed" (value None) by the rules of the module docstring."""
    units = {**UNITS, **(units or {})}
    populations = POPULATIONS if populations is None else populations
    basis = BASIS if basis is None else basis
    result: dict[Key, tuple[Decimal | None, str]] = {}

    def table_of(code: str) -> str:
        return populations.get(code, code)

    # Counts, by table (population).
    tables: dict[str, dict[str, Fraction]] = defaultdict(dict)
    members: dict[Node, list[Key]] = defaultdict(list)
    others: list[Key] = []
    for key, value in values.items():
        code, cell = key
        if value is None:
            result[key] = (None, OK)
        elif units.get(code, "person") in NOT_COUNTS:
            others.append(key)
        else:
            tables[table_of(code)][cell] = Fraction(value)
            members[(table_of(code), cell)].append(key)
    hidden_counts: set[Key] = set()
    for table, cells in tables.items():
        primary = {cell for cell, v in cells.items() if 1 <= v <= threshold}
        for cell in protect(cells, primary):
            hidden_counts.update(members[(table, cell)])

    # Amounts and days, by indicator.
    derived: dict[str, dict[str, Fraction]] = defaultdict(dict)
    first: dict[str, set[str]] = defaultdict(set)
    for key in others:
        code, cell = key
        value = values[key]
        assert value is not None
        derived[code][cell] = Fraction(value)
        base = basis.get(code)
        if base is None:
            continue
        base_value = values.get((base, cell))
        if base_value is None or (base, cell) in hidden_counts:
            first[code].add(cell)
    hidden_others: set[Key] = set()
    for code, cells in derived.items():
        if not first[code]:
            continue
        additive = units.get(code) == "amount"  # medians and days do not add up
        hidden = protect(cells, first[code]) if additive else first[code]
        hidden_others.update((code, cell) for cell in hidden)

    for key, value in values.items():
        if key in result:
            continue
        if key in hidden_counts or key in hidden_others:
            result[key] = (None, SUPPRESSED)
        else:
            result[key] = (value, OK)
    return result
