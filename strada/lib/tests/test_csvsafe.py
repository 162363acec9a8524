"""Formula escaping of CSV cells (no database, no Django)."""

from __future__ import annotations

import csv
import io

import pytest

from strada.lib.csvsafe import SafeWriter, escape_cell, escape_row, unescape_cell

DANGEROUS = [
    "=1+1",
    "+31 20 123 4567",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=cmd",
    "\r=cmd",
    '=HYPERLINK("http://evil.example","x")',
]
HARMLESS = ["Amsterdam", "", " =1", "a=b", "'quoted", "'plain", "0031 20 123", "Київ"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_it_prefixes_cells_that_a_spreadsheet_would_run(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_it_leaves_harmless_text_alone(value):
    assert escape_cell(value) == value


@pytest.mark.parametrize("value", [None, 42, -5, 3.5, True])
def test_it_leaves_values_that_are_not_text_alone(value):
    assert escape_cell(value) is value


@pytest.mark.parametrize("value", DANGEROUS + HARMLESS)
def test_it_undoes_its_own_escaping(value):
    assert unescape_cell(escape_cell(value)) == value


def test_it_keeps_a_quote_that_it_did_not_add():
    assert unescape_cell("'plain") == "'plain"
    assert unescape_cell("''=x") == "''=x"


def test_it_escapes_whole_rows():
    assert escape_row(["=A1", "ok", 3]) == ["'=A1", "ok", 3]


def test_it_writes_csv_that_reads_back_as_text():
    stream = io.StringIO()
    writer = SafeWriter(stream)
    writer.writerow(["name", "phone"])
    writer.writerows([["=evil()", "+31 6 1234"], ["Shelter; Chișinău", "-"]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [
        ["name", "phone"],
        ["'=evil()", "'+31 6 1234"],
        ["Shelter; Chișinău", "'-"],
    ]
    assert [[unescape_cell(cell) for cell in row] for row in rows][1] == ["=evil()", "+31 6 1234"]
