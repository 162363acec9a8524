"""Exporting the organisation's records: coded only for data managers, identities for supervisors."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from strada.accounts.tests.reauth import reauthenticate
from strada.audit.models import AuditEvent
from strada.cases.actions import do_add_part, do_open_case
from strada.cases.models import TraffickingEvent
from strada.conftest import register
from strada.sharing import htcds


@pytest.fixture
def login(login):
    """Signed in and re-authenticated: exporting asks for the password again otherwise
    (strada/accounts/tests/test_reauth.py)."""
    return lambda user: reauthenticate(login(user))


def _rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _planted(network):
    client = register(
        network.anna, first_name="=HYPERLINK(\"http://x\")", second_name="Коваленко",
        mobile_phone="+31 6 1234 5678", coded={"citizenship": ["UA", "PL"]},
    )  # fmt: skip
    case = do_open_case(
        network.anna, client, opened_on=client.registered_on,
        type_of_exploitation=["ForcedLabour"], trafficking_status="ActualVictimOfTrafficking",
    )  # fmt: skip
    do_add_part(
        network.anna, case, TraffickingEvent, type="Exploitation", country="NL", city="Venlo"
    )
    register(network.chiara, first_name="Outsider")
    return client


def test_it_exports_coded_columns_only_to_a_data_manager(network, login):
    client = _planted(network)
    response = login(network.boris).post("/records/export/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="strada-nl-htcds-')
    rows = _rows(response.content)
    assert list(rows[0]) == htcds.HEADER
    assert len(rows) == 1
    row = rows[0]
    assert row["strada_Reference"] == client.reference
    assert row["prs_Citizenship"] == "UA;PL"
    assert row["vic_TypeOfExploitation"] == "ForcedLabour"
    assert row["hte_ExploitationCountry"] == "NL"
    assert row["hte_ExploitationCity"] == "Venlo"
    for column in htcds.COLUMNS:
        if column.identifying:
            assert row[column.name] == ""
    body = response.content.decode("utf-8")
    assert "Коваленко" not in body
    assert "Outsider" not in body
    event = AuditEvent.objects.get(action="records.export")
    assert (event.actor_id, event.fields, event.reason) == (network.boris.id, ["coded"], "csv")
    assert not AuditEvent.objects.filter(action="client.identity.read").exists()


def test_it_refuses_identities_to_a_data_manager(network, login):
    _planted(network)
    response = login(network.boris).post("/records/export/", {"format": "csv", "identities": "on"})
    assert response.status_code == 200
    assert "Your role may not export identities" in response.content.decode()


def test_it_exports_identities_to_a_supervisor_escaped_and_audited(network, login):
    client = _planted(network)
    response = login(network.sam).post("/records/export/", {"format": "csv", "identities": "on"})
    row = _rows(response.content)[0]
    assert row["prs_SecondName"] == "Коваленко"
    assert row["prs_FirstName"] == '\'=HYPERLINK("http://x")'  # formula injection escaped
    assert row["prs_MobilePhone"] == "'+31 6 1234 5678"
    read = AuditEvent.objects.get(action="client.identity.read", object_id=str(client.id))
    assert (read.actor_id, read.reason) == (network.sam.id, "export")
    assert AuditEvent.objects.get(action="records.export").fields == ["coded", "identity"]


def test_it_exports_xlsx_with_text_never_stored_as_a_formula(network, login):
    _planted(network)
    response = login(network.sam).post("/records/export/", {"format": "xlsx", "identities": "on"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    first = sheet.cell(row=2, column=header.index("prs_FirstName") + 1)
    assert first.data_type == "s"
    assert first.value.startswith("'=")
    registered = sheet.cell(row=2, column=header.index("strada_RegisteredOn") + 1)
    assert registered.is_date


def test_it_answers_403_to_roles_without_the_export_right(network, login):
    for person in (network.anna, network.olga, network.dana, network.pat):
        assert login(person).post("/records/export/", {"format": "csv"}).status_code == 403
