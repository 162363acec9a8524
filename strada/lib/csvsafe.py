"""CSV cells that a spreadsheet will not run as formulas (CSV or formula injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be taken for a
formula by Excel, LibreOffice or Google Sheets; prefixing ``'`` makes it text. ``unescape_cell`` undoes
exactly that prefix, so that an exported file imports again unchanged. Only strings are touched:
numbers, dates and None pass as they are. Framework-free, for every export and import in Strada.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_cell(value: Any) -> Any:
    """The value, with ``'`` in front if it is a string a spreadsheet could run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def unescape_cell(value: Any) -> Any:
    """The value as it was before ``escape_cell``: a ``'`` is removed only in front of a trigger."""
    if (
        isinstance(value, str)
        and value.startswith(QUOTE)
        and value[1:].startswith(FORMULA_TRIGGERS)
    ):
        return value[1:]
    return value


def escape_row(values: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in values]


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """``csv.writer`` that escapes every cell it writes."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(escape_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
