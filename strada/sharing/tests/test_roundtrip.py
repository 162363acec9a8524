"""Round trip: export, import into a fresh organisation, export again: the two files are equal once
each reference code is replaced by the order it first appears in (imports give new references)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strada.cases import codes as case_codes
from strada.cases.actions import CASE_FIELDS, do_add_part, do_open_case, do_update_case
from strada.cases.models import Case, PerpetratorRole, TraffickingEvent
from strada.clients import codes as client_codes
from strada.clients.actions import CODED_FIELDS, Registration, do_register_clients
from strada.clients.identity import Identity, unseal
from strada.clients.models import Client
from strada.conftest import make_org, make_user
from strada.sharing.export import do_export
from strada.sharing.htcds import cell_text
from strada.sharing.models import ImportJob
from strada.sharing.tests.helpers import import_file

SCRIPTS = [
    st.characters(min_codepoint=0x41, max_codepoint=0x5A),  # Latin
    st.characters(min_codepoint=0x430, max_codepoint=0x44F),  # Cyrillic
    st.characters(min_codepoint=0x3B1, max_codepoint=0x3C9),  # Greek
    st.characters(min_codepoint=0x5D0, max_codepoint=0x5EA),  # Hebrew
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),  # CJK
]
names = st.one_of(*[st.text(alphabet, min_size=1, max_size=12) for alphabet in SCRIPTS])
dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31))
codes = st.sampled_from
some = lambda choices: st.lists(st.sampled_from(choices.values), max_size=3, unique=True)  # noqa: E731


@st.composite
def cases(draw: Any) -> dict[str, Any]:
    opened = draw(dates)
    values = {
        "opened_on": opened,
        "trafficking_status": draw(codes(case_codes.TraffickingStatus.values)),
        "trafficking_status_decision_making_org": draw(
            codes(["", *case_codes.TraffickingStatusDecisionMakingOrg.values])
        ),
        "identification_actor": draw(codes(["", *case_codes.IdentificationActor.values])),
        "identification_date": draw(st.none() | dates),
        "relationship_to_trafficker": draw(
            codes(["", *case_codes.RelationshipToTrafficker.values])
        ),
        "age_when_trafficked": draw(st.none() | st.integers(0, 110)),
        "method_of_recruitment": draw(some(case_codes.MethodOfRecruitment)),
        "recruitment_websites_and_apps": draw(some(case_codes.WebsitesAndApps)),
        "methods_of_control": draw(some(case_codes.MethodsOfControl)),
        "type_of_exploitation": draw(some(case_codes.TypeOfExploitation)),
        "forced_labour_industry": draw(codes(["", *case_codes.ForcedLabourIndustry.values])),
        "type_of_sex_exploitation": draw(some(case_codes.TypeOfSexExploitation)),
        "exploitation_websites_and_apps": draw(some(case_codes.WebsitesAndApps)),
        "vulnerabilities": draw(some(case_codes.Vulnerabilities)),
    }
    closed = draw(st.booleans())
    return {
        "values": values,
        "closed": (
            {
                "status": "Closed",
                "closed_on": opened + dt.timedelta(days=draw(st.integers(0, 99))),
                "reason_for_case_closure": draw(codes(case_codes.ReasonForCaseClosure.values)),
            }
            if closed
            else None
        ),
        "events": draw(
            st.lists(
                st.tuples(
                    codes(["Recruitment", "Exploitation"]),
                    codes(["UA", "NL", "BG", "VN"]),
                    st.none() | dates,
                    codes(["", "Lviv", "Пловдив", "Rotterdam"]),
                ),
                max_size=2,
                unique_by=lambda e: e[0],
            )
        ),
        "roles": draw(some(case_codes.RoleInProcess)),
    }


@st.composite
def clients(draw: Any) -> dict[str, Any]:
    named = draw(st.booleans())
    identity = Identity(
        first_name=draw(names) if named else "",
        second_name=draw(names) if named else "",
        aliases=draw(st.sampled_from(["", "Lena", "=cmd|' /C calc'!A0"])),
        birth_date=draw(st.none() | st.dates(dt.date(1950, 1, 1), dt.date(2010, 12, 31))),
        mobile_phone=draw(st.sampled_from(["", "+31 6 1234 5678", "-5"])),
        email=draw(st.sampled_from(["", "a@example.org"])),
    )
    coded = {
        "gender": draw(codes(client_codes.Gender.values)),
        "citizenship": draw(
            st.lists(codes(["UA", "MD", "BG", "NG", "VN", "RO"]), max_size=2, unique=True)
        ),
        "primary_language": draw(codes(["", "uk", "ro", "bg", "en"])),
        "marital_status": draw(codes(["", *client_codes.MaritalStatus.values])),
        "highest_level_of_education": draw(
            codes(["", *client_codes.HighestLevelOfEducation.values])
        ),
        "number_of_children": draw(st.none() | st.integers(0, 9)),
        "age_band": draw(codes(["", *client_codes.AgeBand.values])),
        "mailing_country": draw(codes(["", "NL", "DE"])),
    }
    return {
        "registration": Registration(identity=identity, coded=coded, registered_on=draw(dates)),
        "cases": draw(st.lists(cases(), max_size=2)),
    }


_numbers = itertools.count()


def _fresh_org(kind: str) -> Any:
    n = next(_numbers)
    org = make_org(f"{kind}{n}", "member", "NL")
    return (
        org,
        make_user(org, f"cw{kind}{n}", "caseworker"),
        make_user(org, f"sup{kind}{n}", "supervisor"),
        make_user(org, f"dm{kind}{n}", "data_manager"),
    )


def _create(people: tuple[Any, ...], records: list[dict[str, Any]]) -> None:
    _org, caseworker, supervisor, _dm = people
    created = do_register_clients(caseworker, [r["registration"] for r in records])
    for client, record in zip(created, records, strict=True):
        for case_data in record["cases"]:
            case = do_open_case(caseworker, client, **case_data["values"])
            if case_data["closed"]:
                do_update_case(supervisor, case, **case_data["closed"])
            # The flat layout has the route in its usual order: recruitment, then exploitation.
            events = sorted(case_data["events"], key=lambda e: e[0] != "Recruitment")
            for sequence, (kind, country, date, city) in enumerate(events):
                do_add_part(caseworker, case, TraffickingEvent, type=kind, country=country,
                            date=date, city=city, sequence=sequence)  # fmt: skip
            if case_data["roles"]:
                do_add_part(caseworker, case, PerpetratorRole, role_in_process=case_data["roles"])


def _table(content: bytes, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    references: dict[str, str] = {}
    for row in rows[1:]:
        row[0] = references.setdefault(row[0], f"client-{len(references) + 1}")
    return rows


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=st.lists(clients(), min_size=1, max_size=4), fmt=st.sampled_from(["csv", "xlsx"]),
       identities=st.booleans())  # fmt: skip
def test_it_imports_an_export_unchanged(network, records, fmt, identities):
    source = _fresh_org("a")
    _create(source, records)
    exporter = source[2] if identities else source[3]
    first, _name, _type = do_export(exporter, fmt, with_identities=identities)

    target = _fresh_org("b")
    job = import_file(target[3], first)
    assert job.status == ImportJob.Status.DONE, (job.errors, job.message)
    assert job.clients_count == len(records)
    second, _name, _type = do_export(target[2] if identities else target[3], fmt, identities)

    assert _table(second, fmt) == _table(first, fmt)
    assert _stored(target, identities) == _stored(source, identities)


def _stored(people: tuple[Any, ...], identities: bool) -> list[Any]:
    """What the database holds for the organisation, decrypted, without ids and references."""
    org, _caseworker, _supervisor, _dm = people
    result = []
    for client in Client.objects.filter(organisation=org).order_by("registered_on", "reference"):
        identity = unseal(client).values() if identities else None
        coded = {name: getattr(client, name) for name in CODED_FIELDS}
        cases = [
            (
                {name: getattr(case, name) for name in CASE_FIELDS if name != "owner"},
                [(e.type, e.country.code, e.city, e.date) for e in case.events.all()],
                [p.role_in_process for p in case.perpetrators.all()],
            )
            for case in Case.objects.filter(client=client).order_by("number")
        ]
        result.append((client.registered_on, identity, coded, cases))
    return result
