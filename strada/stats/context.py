"""Official context figures: published national statistics (UNODC, Eurostat…) that the
secretariat loads from a CSV or XLSX file, to show beside the members' figures.

The layout is one figure per row, with a header naming the columns ``source, dataset, country,
year, indicator_code, label, cell, value`` (``dataset``, ``indicator_code`` and ``cell`` may be
left out or empty; ``value`` may be empty, or ``:`` as Eurostat writes it, for "not available").
``check_context_file`` reads and checks every row without writing (the dry run) and lists the
problems per row; ``do_load_context_figures`` loads a file only if it has none, in one transaction
with its audit event. Loading a figure again (same source, dataset, country, year, label and cell)
replaces it, so a corrected table can be loaded over the old one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_countries import countries

from strada.audit.log import Entry as AuditEntry
from strada.audit.log import record
from strada.lib.csvsafe import unescape_cell
from strada.orgs.policy import can
from strada.sharing.readers import FileProblem, detect_format, read_rows
from strada.stats.dimensions import cell_key, parse_cell
from strada.stats.models import ContextFigure, Indicator

COLUMNS = ["source", "dataset", "country", "year", "indicator_code", "label", "cell", "value"]
REQUIRED = frozenset({"source", "country", "year", "label", "value"})
MAX_FIGURES = 20_000
MAX_ERRORS_SHOWN = 200
NOT_AVAILABLE = frozenset({"", ":", "..", "n/a"})
DIMENSION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_VALUE = Decimal("999999999999.99")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ContextCheck:
    figures: list[ContextFigure] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.figures)

    @property
    def errors_shown(self) -> list[RowError]:
        return self.errors[:MAX_ERRORS_SHOWN]

    @property
    def more_errors(self) -> int:
        return max(0, len(self.errors) - MAX_ERRORS_SHOWN)


def _cell(text: str) -> str:
    """A disaggregation in the canonical form (``stats.dimensions``); ValueError if malformed."""
    dims = parse_cell(text.strip())
    if not all(DIMENSION_NAME.match(name) for name in dims):
        raise ValueError
    return cell_key(**{name: value.strip() for name, value in dims.items()})


def _value(text: str) -> Decimal | None:
    if text.lower() in NOT_AVAILABLE:
        return None
    value = Decimal(text.replace(" ", "").replace("\u00a0", ""))
    if not value.is_finite() or abs(value) > MAX_VALUE:
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def _figure(number: int, values: dict[str, str], codes: set[str], check: ContextCheck) -> None:
    problems: list[tuple[str, str]] = []
    for column in COLUMNS:
        if values.get(column, "").startswith("="):
            problems.append((column, _("Formulas are not read; enter the value itself.")))
    for column in REQUIRED - {"value"}:
        if not values.get(column):
            problems.append((column, _("This column is required.")))
    country = values.get("country", "").upper()
    if country and country not in countries:
        problems.append(("country", _("Use an ISO 3166 country code, e.g. NL, UA.")))
    year = 0
    if values.get("year"):
        try:
            year = int(values["year"])
        except ValueError:
            year = 0
        if not 1900 <= year <= 2100:
            problems.append(("year", _("Give the year as four digits, e.g. 2024.")))
    code = values.get("indicator_code", "")
    if code and code not in codes:
        problems.append(("indicator_code", _("No indicator of the catalogue has this code.")))
    try:
        cell = _cell(values.get("cell", ""))
    except ValueError:
        cell = ""
        problems.append(
            (
                "cell",
                _("Write the breakdown as dimension=value pairs joined by |, e.g. sex=female."),
            )
        )
    try:
        value = _value(values.get("value", ""))
    except (InvalidOperation, ValueError):
        value = None
        problems.append(("value", _("Give a number (a dot for decimals), or leave it empty.")))
    for column, limit in (("source", 100), ("dataset", 100), ("label", 200), ("cell", 200)):
        if len(values.get(column, "")) > limit:
            problems.append((column, _("At most %(n)d characters.") % {"n": limit}))
    if problems:
        check.errors.extend(RowError(number, column, message) for column, message in problems)
        return
    check.figures.append(
        ContextFigure(
            source=values["source"],
            dataset=values.get("dataset", ""),
            country=country,
            year=year,
            indicator_code=code,
            label=values["label"],
            cell=cell,
            value=value,
        )
    )


def check_context_file(data: bytes) -> ContextCheck:
    """Read and check every row of the file; write nothing (the dry run)."""
    check = ContextCheck()
    header: list[str] = []
    codes = set(Indicator.objects.values_list("code", flat=True))
    try:
        for number, cells in read_rows(data, detect_format(data)):
            texts = [str(unescape_cell(cell)).strip() for cell in cells]
            if not header:
                header = [text.lower() for text in texts]
                unknown = [name for name in header if name not in COLUMNS]
                missing = sorted(REQUIRED - set(header))
                if unknown or missing or len(set(header)) != len(header):
                    check.errors.append(
                        RowError(
                            number,
                            ", ".join(unknown + missing),
                            _("The header must name the columns %(columns)s (each once).")
                            % {"columns": ", ".join(COLUMNS)},
                        )
                    )
                    return check
                continue
            check.rows += 1
            if check.rows > MAX_FIGURES:
                check.errors.append(
                    RowError(
                        number,
                        "",
                        _("The file has more than %(max)s figures; split it.")
                        % {"max": f"{MAX_FIGURES:,}"},
                    )
                )
                return check
            values = dict(zip(header, texts, strict=False))
            _figure(number, values, codes, check)
    except FileProblem as problem:
        check.errors.append(RowError(problem.row or 0, "", problem.message))
    if not header:
        check.errors.append(RowError(0, "", _("The file is empty.")))
    return check


def do_load_context_figures(actor: Any, data: bytes) -> ContextCheck:
    """Check the file and, if every row is right, load its figures (replacing those with the same
    source, dataset, country, year, label and cell) in one transaction with its audit event.
    Raises ValidationError when the file has problems: then nothing is written."""
    if not can(actor, "stats.context.manage"):
        raise PermissionDenied
    check = check_context_file(data)
    if not check.ok:
        raise ValidationError(_("The file has problems; nothing was loaded."))
    with transaction.atomic():
        # Delete in slices: SQLite limits the number of terms in one statement.
        keys = check.figures
        for start in range(0, len(keys), 200):
            chunk = Q()
            for figure in keys[start : start + 200]:
                chunk |= Q(
                    source=figure.source,
                    dataset=figure.dataset,
                    country=figure.country,
                    year=figure.year,
                    label=figure.label,
                    cell=figure.cell,
                )
            ContextFigure.objects.filter(chunk).delete()
        ContextFigure.objects.bulk_create(check.figures, batch_size=500)
        record(
            AuditEntry(
                action="stats.context.load",
                actor=actor,
                org_id=actor.organisation_id,
                object_type="context_figures",
                fields=sorted({figure.country for figure in check.figures}),
                reason=f"{len(check.figures)} figures",
            )
        )
    return check
