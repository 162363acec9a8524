"""CSV and vCard exports of the directory: filtered like the list, escaped, audited."""

from __future__ import annotations

import csv
import io

import pytest

from strada.accounts.tests.reauth import reauthenticate
from strada.audit.models import AuditEvent
from strada.directory.actions import do_add_contact_person
from strada.directory.tests.conftest import make_entry
from strada.directory.vcard import fold


@pytest.fixture
def login(login):
    """Signed in and re-authenticated: every page here is an export, and asks for the password
    again otherwise (strada/accounts/tests/test_reauth.py)."""
    return lambda user: reauthenticate(login(user))


def _csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_it_exports_the_filtered_list_as_csv(network, entries, login):
    response = login(network.chiara).get("/directory/export.csv", {"country": "BG"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    assert [row["name"] for row in rows] == ["Legal Aid Clinic Sofia"]
    assert rows[0]["kept_by"] == "bg"
    assert rows[0]["services"] == "legal_aid"


def test_it_exports_contact_persons_and_multi_value_cells(network, entries, login):
    rows = _csv(login(network.anna).get("/directory/export.csv", {"q": "Safe House"}))
    assert rows[0]["languages"] == "nl; en"
    assert rows[0]["services"] == "shelter; psychological"
    assert rows[0]["contact_persons"] == "Marieke Jansen, Coordinator"


def test_it_escapes_cells_a_spreadsheet_would_run_as_formulas(network, login):
    entry = make_entry(
        network.dana,
        name='=HYPERLINK("http://evil.example","click")',
        city="@SUM(A1)",
        phones=["+31 20 123 4567"],
        notes="-1+2",
    )
    do_add_contact_person(network.dana, entry, name="=cmd|' /C calc'!A0")
    rows = _csv(login(network.anna).get("/directory/export.csv"))
    row = rows[0]
    assert row["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["city"] == "'@SUM(A1)"
    assert row["phones"] == "'+31 20 123 4567"
    assert row["notes"] == "'-1+2"
    assert row["contact_persons"] == "'=cmd|' /C calc'!A0"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_it_audits_every_export(network, entries, login):
    http = login(network.boris)
    http.get("/directory/export.csv", {"country": "NL"})
    http.get("/directory/export.vcf")
    http.get(f"/directory/{entries.shelter.id}/entry.vcf")
    events = list(AuditEvent.objects.filter(action="directory.export").order_by("seq"))
    assert [(e.fields, e.reason) for e in events] == [
        (["csv"], "3 entries"),
        (["vcard"], "4 entries"),
        (["vcard"], "1 entries"),
    ]
    assert all(e.actor_username == "boris" for e in events)
    assert events[-1].object_id == str(entries.shelter.id)


def test_it_writes_a_vcard_per_entry_and_contact_person(network, entries, login):
    response = login(network.pat).get(f"/directory/{entries.shelter.id}/entry.vcf")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.count("BEGIN:VCARD\r\n") == text.count("END:VCARD\r\n") == 2
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "KIND:org"]
    assert f"UID:urn:uuid:{entries.shelter.id}" in lines
    assert "FN:Safe House Amsterdam" in lines
    assert "ADR;TYPE=work:;;;Amsterdam;;;Netherlands" in lines
    assert "TEL;VALUE=uri;TYPE=work:tel:+31201234567" in lines
    assert "EMAIL;TYPE=work:info@safehouse.example" in lines
    assert "LANG;PREF=1:nl" in lines
    assert "LANG;PREF=2:en" in lines
    assert "KIND:individual" in lines
    assert "FN:Marieke Jansen" in lines
    assert "TITLE:Coordinator" in lines
    assert f"RELATED;TYPE=colleague:urn:uuid:{entries.shelter.id}" in lines


def test_it_escapes_vcard_text_and_folds_long_lines(network, login):
    entry = make_entry(
        network.dana,
        name="Shelter; North, Annex",
        notes="Line one\nЛінія два " + "довгий текст " * 12,
    )
    text = login(network.anna).get(f"/directory/{entry.id}/entry.vcf").content.decode()
    assert "FN:Shelter\\; North\\, Annex\r\n" in text
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "NOTE:Line one\\nЛінія два довгий текст" in unfolded


@pytest.mark.parametrize("length", [1, 74, 75, 76, 200])
def test_it_folds_without_splitting_a_character(length):
    line = "NOTE:" + "ї" * length
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


def test_it_exports_the_filtered_list_as_vcards(network, entries, login):
    text = login(network.anna).get("/directory/export.vcf", {"kind": "embassy"}).content.decode()
    assert text.count("BEGIN:VCARD") == 1
    assert "FN:Embassy of Ukraine\\, consular section" in text
