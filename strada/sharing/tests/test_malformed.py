"""Malformed files get a clear report and import nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from strada.clients.models import Client
from strada.sharing import readers
from strada.sharing.models import ImportJob
from strada.sharing.tests.helpers import BASE, check, csv_bytes, xlsx_bytes

HEADER = ["strada_RegisteredOn", "prs_Gender", "prs_FirstName", "vic_TypeOfExploitation"]


def _report(network, data: bytes) -> list[dict]:
    job = check(network.boris, data)
    assert job.status == ImportJob.Status.INVALID
    assert job.file_enc is None
    assert not Client.objects.filter(organisation=network.nl).exists()
    return job.errors


def _only_message(errors: list[dict]) -> str:
    assert len(errors) == 1, errors
    return errors[0]["message"]


def test_it_refuses_a_cp1251_file_without_guessing(network):
    data = "strada_RegisteredOn,prs_Gender,prs_FirstName\n2026-03-01,Feminine,Олена\n"
    message = _only_message(_report(network, data.encode("cp1251")))
    assert "not UTF-8" in message
    assert "line 2" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_it_refuses_utf16(network, encoding):
    data = "strada_RegisteredOn,prs_Gender\n2026-03-01,Feminine\n".encode(encoding)
    assert "UTF-16" in _only_message(_report(network, data))


def test_it_accepts_utf8_with_and_without_bom(network):
    for bom in (True, False):
        job = check(network.boris, csv_bytes([BASE], bom=bom))
        assert job.status == ImportJob.Status.READY, job.errors


def test_it_refuses_formula_cells_in_xlsx_without_evaluating_them(network):
    data = xlsx_bytes([
        HEADER,
        ["2026-03-01", "Feminine", "=1+1", ""],
        ["2026-03-01", "Feminine", "Olena", '=HYPERLINK("http://evil.example","x")'],
    ])  # fmt: skip
    errors = _report(network, data)
    assert [(e["row"], e["column"]) for e in errors] == [
        (2, "prs_FirstName"), (3, "vic_TypeOfExploitation"),
    ]  # fmt: skip
    assert all("formula" in e["message"] for e in errors)


def test_it_refuses_formula_text_in_csv(network):
    errors = _report(network, csv_bytes([{**BASE, "prs_FirstName": "=1+1"}]))
    assert errors[0]["column"] == "prs_FirstName"
    assert "formula" in errors[0]["message"]


def test_it_refuses_a_file_over_the_size_limit(network, monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    data = csv_bytes([BASE] * 100)
    assert "larger than" in _only_message(_report(network, data))


def test_it_refuses_a_file_over_the_row_limit(network, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 50)
    assert "more than 50 rows" in _only_message(_report(network, csv_bytes([BASE] * 60)))


def _zip_with_member(name: str, size: int) -> bytes:
    """A zip whose one member inflates to ``size`` zero bytes, compressed as a stream."""
    buffer = io.BytesIO()
    chunk = bytes(16 * 1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


def test_it_refuses_a_zip_bomb_before_inflating_it(network):
    bomb = _zip_with_member("xl/worksheets/sheet1.xml", readers.MAX_UNCOMPRESSED + 16 * 2**20)
    assert len(bomb) < 2 * 2**20  # small on the wire
    # Refused from the sizes the archive declares, before a byte is inflated.
    assert "would unpack to more than" in _only_message(_report(network, bomb))


def test_it_refuses_a_zip_that_lies_about_its_sizes(network):
    data = bytearray(xlsx_bytes([HEADER]))
    # Claim 4 GB for every member in the central directory (signature PK\x01\x02).
    position = data.find(b"PK\x01\x02")
    while position != -1:
        data[position + 24 : position + 28] = (0xFFFFFFF0).to_bytes(4, "little")
        position = data.find(b"PK\x01\x02", position + 4)
    assert "would unpack" in _only_message(_report(network, bytes(data)))


def _million_empty_rows_xlsx(rows: int = 1_000_000) -> bytes:
    """A workbook with a header, a million empty rows and one data row, built directly as XML."""
    ns = "http://schemas.openxmlformats.org/"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{ns}package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{ns}package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{ns}officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{ns}spreadsheetml/2006/main" xmlns:r="{ns}officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{ns}package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{ns}officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }  # fmt: skip

    def cells(row: int, values: list[str]) -> bytes:
        inner = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
        return f'<row r="{row}">{inner}</row>'.encode()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{ns}spreadsheetml/2006/main">'.encode())
            sheet.write(b'<dimension ref="A1:XFD1048576"/><sheetData>')
            sheet.write(cells(1, ["strada_RegisteredOn", "prs_Gender"]))
            sheet.write(b"".join(b'<row r="%d"/>' % n for n in range(2, rows + 2)))
            sheet.write(cells(rows + 2, ["2026-03-01", "Masculine"]))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def test_it_skips_a_million_empty_rows_quickly(network):
    data = _million_empty_rows_xlsx()
    rows = list(readers.read_rows(data, readers.XLSX))
    assert rows == [
        (1, ["strada_RegisteredOn", "prs_Gender"]),
        (1_000_002, ["2026-03-01", "Masculine"]),
    ]
    job = check(network.boris, data)
    assert (job.status, job.rows_total, job.errors) == (ImportJob.Status.READY, 1, [])


def test_it_skips_a_million_empty_csv_rows(network):
    data = csv_bytes([BASE]) + b",\r\n" * 1_000_000
    job = check(network.boris, data)
    assert (job.status, job.rows_total) == (ImportJob.Status.READY, 1)


def test_it_reports_unknown_codes_bad_dates_and_missing_values_per_row(network):
    rows = [
        {**BASE, "vic_TypeOfExploitation": "ForcedLabour;Slavery", "strada_CaseOpenedOn": "2026-01-01"},
        {**BASE, "strada_RegisteredOn": "01/03/2026"},
        {**BASE, "prs_Gender": ""},
        {**BASE, "vic_TraffickingStatus": "ActualVictimOfTrafficking"},
        {**BASE, "prs_Citizenship": "UA;XX"},
        {**BASE, "strada_CaseOpenedOn": "2026-02-01", "cas_Status": "Closed"},
        {**BASE, "prs_PrimaryLanguage": "ukrainian"},
        {**BASE, "strada_BirthYear": "1850"},
    ]  # fmt: skip
    errors = _report(network, csv_bytes(rows))
    found = {(e["row"], e["column"]): e["message"] for e in errors}
    assert "Slavery" in found[(2, "vic_TypeOfExploitation")]
    assert "YYYY-MM-DD" in found[(3, "strada_RegisteredOn")]
    assert "must have a value" in found[(4, "prs_Gender")]
    assert "needs the date it opened" in found[(5, "strada_CaseOpenedOn")]
    assert "XX" in found[(6, "prs_Citizenship")]
    assert "Say why the case was closed" in found[(7, "cas_ReasonForCaseClosure")]
    assert "ukrainian" in found[(8, "prs_PrimaryLanguage")]
    assert "120 years" in found[(9, "strada_BirthYear")]


def test_it_never_echoes_an_identifying_value_in_a_report(network):
    errors = _report(network, csv_bytes([{**BASE, "prs_Birthdate": "Olena-1999"}]))
    assert errors[0]["column"] == "prs_Birthdate"
    assert "Olena" not in errors[0]["message"]


def test_it_reports_missing_required_columns(network):
    errors = _report(network, csv_bytes([{"prs_Gender": "Feminine"}]))
    assert errors == [
        {"row": 1, "column": "strada_RegisteredOn", "message": "This required column is missing."}
    ]


def test_it_reports_duplicate_and_unknown_headers(network):
    data = b"strada_RegisteredOn,prs_Gender,prs_Gender,prs_Gendr\n2026-03-01,Feminine,Feminine,x\n"
    errors = _report(network, data)
    assert {(e["column"], e["message"]) for e in errors} == {
        ("prs_Gender", "This column appears more than once."),
        ("prs_Gendr", "Unknown column (see the data mapping)."),
    }


def test_it_refuses_semicolon_separated_files_and_broken_xlsx(network):
    assert "commas" in _only_message(_report(network, b"strada_RegisteredOn;prs_Gender\n"))
    assert "not a valid XLSX" in _only_message(_report(network, b"PK\x03\x04broken"))
    assert "empty" in _only_message(_report(network, b""))


def test_it_reports_rows_of_one_client_that_disagree(network):
    rows = [
        {**BASE, "strada_Reference": "A", "strada_CaseOpenedOn": "2026-03-01"},
        {**BASE, "strada_Reference": "A", "prs_Gender": "Masculine", "strada_CaseOpenedOn": "2026-03-02"},
        {**BASE, "strada_Reference": "B", "strada_CaseNumber": "1", "strada_CaseOpenedOn": "2026-03-01"},
        {**BASE, "strada_Reference": "B", "strada_CaseNumber": "1", "strada_CaseOpenedOn": "2026-03-01"},
    ]  # fmt: skip
    errors = _report(network, csv_bytes(rows))
    assert [(e["row"], e["column"]) for e in errors] == [
        (3, "strada_Reference"), (5, "strada_CaseNumber"),
    ]  # fmt: skip
