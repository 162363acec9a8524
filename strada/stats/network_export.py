"""The network's tables as CSV and XLSX, and the country fact sheet as PDF.

Every text cell is escaped against formula injection (``strada.lib.csvsafe``), in CSV and XLSX
alike. A figure is written as its known value with a ``status`` column (``exact``, ``at least``,
``suppressed``, ``no data``): a suppressed cell has an empty value, never 0.

The PDF is drawn by WeasyPrint from a template with its stylesheet inline and its charts as
inline SVG; fonts come from the system. Its ``url_fetcher`` refuses every URL, so that a template
(or a label someone typed) can never make the server fetch anything, from the network or the disk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from strada.lib.csvsafe import SafeWriter, escape_cell
from strada.stats.network_tables import Completeness, Figure, Row, number

Table = tuple[list[str], list[list[Any]]]


def _figure_cells(figure: Figure) -> list[Any]:
    return [figure.value, figure.status, figure.reported, figure.suppressed]


FIGURE_COLUMNS = ["value", "status", "contributions", "suppressed_contributions"]


def trends_table(indicator: str, rows: Sequence[Row]) -> Table:
    header = ["indicator", "round", *FIGURE_COLUMNS]
    return header, [[indicator, row.label, *_figure_cells(row.figure)] for row in rows]


def breakdown_table(indicator: str, round_label: str, dimension: str, rows: Sequence[Row]) -> Table:
    header = ["indicator", "round", "dimension", "code", "label", *FIGURE_COLUMNS]
    return header, [
        [indicator, round_label, dimension, row.key, row.label, *_figure_cells(row.figure)]
        for row in rows
    ]


def routes_table(indicator: str, round_label: str, rows: Sequence[Row]) -> Table:
    header = ["indicator", "round", "citizenship", "country_of_exploitation", *FIGURE_COLUMNS]
    return header, [
        [
            indicator,
            round_label,
            row.extra["origin"],
            row.extra["destination"],
            *_figure_cells(row.figure),
        ]
        for row in rows
    ]


def members_table(indicator: str, round_label: str, rows: Sequence[Row]) -> Table:
    header = ["indicator", "round", "organisation", "name", "country", "value", "status"]
    return header, [
        [
            indicator,
            round_label,
            row.key,
            row.label,
            row.extra["country"],
            row.figure.value,
            row.figure.status,
        ]
        for row in rows
    ]


def completeness_table(table: Completeness) -> Table:
    header = ["organisation", "name", *(str(r) for r in table.rounds)]
    return header, [
        [org.code, org.name, *(mark or "not submitted" for mark in marks)]
        for org, marks in table.matrix()
    ]


def _plain(value: Any) -> Any:
    """Decimals as numbers a spreadsheet reads (ints when whole)."""
    if value is None:
        return None
    if hasattr(value, "as_tuple"):
        text = number(value)
        return int(text) if "." not in text else float(text)
    return value


def to_csv(table: Table) -> str:
    """UTF-8 text with a BOM (so that Excel reads it as UTF-8), every cell escaped."""
    header, rows = table
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = SafeWriter(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else _plain(value) for value in row])
    return buffer.getvalue()


def to_xlsx(table: Table, title: str) -> bytes:
    """One sheet; text escaped (openpyxl would store a text starting with ``=`` as a formula)."""
    import openpyxl

    header, rows = table
    workbook = openpyxl.Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(title[:31])
    sheet.append([escape_cell(value) for value in header])
    for row in rows:
        sheet.append([escape_cell(_plain(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class RefusedFetch(ValueError):
    pass


def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's url_fetcher: the fact sheet needs nothing outside its own HTML."""
    raise RefusedFetch(f"the fact sheet fetches nothing: {url[:80]}")


def to_pdf(html: str, base_url: str = "") -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url or None, url_fetcher=refuse_fetch)
    pdf: bytes = document.write_pdf()
    return pdf
