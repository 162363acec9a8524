from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from strada.audit.models import AuditEvent
from strada.cases.access import access_case, read_notes, read_objectives
from strada.cases.actions import (
    do_add_note,
    do_add_part,
    do_open_case,
    do_set_plan,
    do_update_case,
    do_update_part,
)
from strada.cases.models import Compensation, Service, TraffickingEvent
from strada.conftest import register


@pytest.fixture
def case(network):
    client = register(network.anna, first_name="Ana")
    return do_open_case(
        network.anna,
        client,
        trafficking_status="ActualVictimOfTrafficking",
        type_of_exploitation=["ForcedLabour"],
        forced_labour_industry="F_Construction",
    )


def test_it_numbers_cases_per_client(network, case):
    second = do_open_case(network.anna, case.client)
    assert (case.number, second.number) == (1, 2)
    assert case.owner == network.anna


def test_it_refuses_unknown_codes(network, case):
    with pytest.raises(ValidationError):
        do_update_case(network.anna, case, type_of_exploitation=["Alien"])
    with pytest.raises(ValidationError):
        do_update_case(network.anna, case, identification_actor="Wizard")


def test_it_lets_only_a_supervisor_close_and_reopen(network, case):
    closing = {
        "status": "Closed",
        "closed_on": case.opened_on,
        "reason_for_case_closure": "GoalsAchieved",
    }
    with pytest.raises(PermissionDenied):
        do_update_case(network.anna, case, **closing)
    assert do_update_case(network.sam, case, **closing)
    assert AuditEvent.objects.filter(action="case.close", object_id=str(case.id)).exists()
    do_update_case(network.sam, case, status="Active")
    assert case.closed_on is None


def test_it_requires_a_reason_to_close(network, case):
    with pytest.raises(ValidationError):
        do_update_case(network.sam, case, status="Closed", closed_on=dt.date(2026, 6, 1))


def test_it_keeps_the_route_in_order(network, case):
    do_add_part(network.anna, case, TraffickingEvent, type="Exploitation", country="NL", sequence=2)
    do_add_part(network.anna, case, TraffickingEvent, type="Recruitment", country="BG", sequence=1)
    assert [e.country.code for e in case.events.all()] == ["BG", "NL"]


def test_it_checks_service_dates_and_providers(network, case):
    with pytest.raises(ValidationError):
        do_add_part(network.anna, case, Service, type="Medical", start_date=dt.date(2026, 5, 2),
                    end_date=dt.date(2026, 5, 1))  # fmt: skip
    with pytest.raises(ValidationError):
        do_add_part(network.anna, case, Service, type="Medical", start_date=dt.date(2026, 5, 2),
                    provider_kind="network", provider_organisation=network.polaris)  # fmt: skip
    service = do_add_part(network.anna, case, Service, type="Medical", start_date=dt.date(2026, 5, 2),
                          provider_kind="network", provider_organisation=network.bg)  # fmt: skip
    assert do_update_part(network.anna, service, outcome="Completed") == ["outcome"]


def test_it_records_compensation_in_a_known_currency(network, case):
    with pytest.raises(ValidationError):
        do_add_part(
            network.anna, case, Compensation, route="Criminal", currency="XYZ", claimed_amount=10
        )
    comp = do_add_part(
        network.anna, case, Compensation, route="Criminal", currency="EUR", claimed_amount=5000
    )
    assert comp.claimed_amount == 5000


def test_it_encrypts_notes_and_audits_their_reading(network, case):
    do_add_note(network.anna, case, "Prefers a female interpreter.")
    assert b"interpreter" not in bytes(case.notes.get().text_enc)
    notes = read_notes(network.sam, case)
    assert notes[0][1] == "Prefers a female interpreter."
    assert AuditEvent.objects.filter(action="case.notes.read", actor_id=network.sam.id).exists()
    with pytest.raises(PermissionDenied):
        read_notes(network.boris, case)


def test_it_encrypts_the_plans_objectives(network, case):
    do_set_plan(network.anna, case, objectives="Safe housing first.", planned_end_date=None,
                actual_end_date=None)  # fmt: skip
    assert read_objectives(network.anna, case) == "Safe housing first."


def test_it_hides_cases_from_other_organisations(network, case):
    with pytest.raises(Http404):
        access_case(network.chiara, case.id)
    assert access_case(network.boris, case.id) == case
    with pytest.raises(PermissionDenied):
        do_update_case(network.chiara, case, status="FollowUp")
