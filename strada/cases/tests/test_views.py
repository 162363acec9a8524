"""The case pages and the client's cases and timeline: happy paths, outsiders, roles, queries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strada.audit.models import AuditEvent
from strada.cases import codes, views
from strada.cases.actions import do_add_note, do_add_part, do_open_case, do_set_plan
from strada.cases.models import (
    Case,
    CaseNote,
    Compensation,
    LegalProceeding,
    PerpetratorRole,
    Service,
    TraffickingEvent,
)
from strada.conftest import register
from strada.directory.models import Entry

NOTE_MARKER = "NOTE-MARKER-7731"
PLAN_MARKER = "PLAN-MARKER-5519"
D = dt.date


@pytest.fixture
def client_(network):
    return register(network.anna, first_name="Ana", second_name="Zamfirova")


@pytest.fixture
def case(network, client_):
    case = do_open_case(
        network.anna,
        client_,
        opened_on=D(2026, 3, 2),
        trafficking_status="ActualVictimOfTrafficking",
        type_of_exploitation=["ForcedLabour", "SexualExploitation"],
        forced_labour_industry="F_Construction",
    )
    return case


@pytest.fixture
def full_case(network, case):
    """A case with one of every part, a note and a plan with markers."""
    add = do_add_part
    add(network.anna, case, TraffickingEvent, type="Exploitation", country="NL", city="Rotterdam",
        date=D(2026, 1, 20), sequence=3)  # fmt: skip
    add(network.anna, case, TraffickingEvent, type="Recruitment", country="BG", city="Sofia",
        date=D(2025, 11, 5), sequence=1)  # fmt: skip
    add(network.anna, case, TraffickingEvent, type="Transit", country="RO", sequence=2)
    add(network.anna, case, PerpetratorRole, role_in_process=["RecruiterOrIntermediary"],
        gender="Masculine", citizenship="BG")  # fmt: skip
    add(network.anna, case, Service, type="SafeAccommodation", start_date=D(2026, 3, 3),
        end_date=D(2026, 4, 30), outcome="Completed")  # fmt: skip
    add(network.anna, case, LegalProceeding, step="Complaint", country="NL",
        start_date=D(2026, 3, 10))  # fmt: skip
    add(network.anna, case, Compensation, route="Criminal", currency="EUR",
        claimed_amount="12000.00", claimed_on=D(2026, 3, 20))  # fmt: skip
    do_add_note(network.anna, case, f"Client afraid of the recruiter {NOTE_MARKER}")
    do_set_plan(network.anna, case, objectives=f"Safe housing {PLAN_MARKER}",
                planned_end_date=D(2026, 9, 1), actual_end_date=None)  # fmt: skip
    return case


def _body(response) -> str:
    return response.content.decode()


def _case_pages(case) -> list[str]:
    part = case.events.first()
    return [
        f"/cases/{case.id}/",
        f"/cases/{case.id}/edit/",
        f"/cases/{case.id}/close/",
        f"/cases/{case.id}/plan/",
        f"/cases/{case.id}/notes/add/",
        f"/cases/{case.id}/events/add/",
        f"/cases/{case.id}/events/{part.id}/edit/",
        f"/cases/{case.id}/events/{part.id}/remove/",
    ]


# --- Opening and editing --------------------------------------------------------------------


def test_it_opens_a_case_from_the_client_page(network, login, client_):
    http = login(network.anna)
    page = _body(http.get(f"/clients/{client_.id}/"))
    assert f"/cases/open/{client_.id}/" in page
    response = http.post(
        f"/cases/open/{client_.id}/",
        {
            "opened_on": "2026-03-05",
            "owner": str(network.anna.id),
            "trafficking_status": "PossibleVictimOfTrafficking",
            "type_of_exploitation": ["ForcedLabour", "ForcedBegging"],
            "methods_of_control": ["DebtBondage"],
            "age_when_trafficked": "19",
            "status": "Active",
        },
    )
    case = Case.objects.get(client=client_)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/"
    assert case.type_of_exploitation == ["ForcedLabour", "ForcedBegging"]
    assert case.methods_of_control == ["DebtBondage"]
    assert (case.number, case.opened_on, case.owner) == (1, D(2026, 3, 5), network.anna)


def test_it_shows_every_coded_field_with_its_label(network, login, full_case):
    page = _body(login(network.anna).get(f"/cases/{full_case.id}/"))
    for label in ("Forced labour, Sexual exploitation", "Construction",
                  "Identified victim of trafficking", "Recruiter or intermediary", "Male",
                  "Shelter or safe accommodation", "Complaint to the police",
                  "Criminal proceedings", "12,000.00 EUR"):  # fmt: skip
        assert label in page, label
    assert "ForcedLabour" not in page


def test_it_shows_the_route_in_order(network, login, full_case):
    response = login(network.anna).get(f"/cases/{full_case.id}/")
    assert response.context["route"] == (
        "Recruitment: BG, Sofia → Transit: RO → Exploitation: NL, Rotterdam"
    )
    assert "Recruitment: BG, Sofia → Transit: RO → Exploitation: NL, Rotterdam" in _body(response)


def test_it_edits_a_case_and_keeps_unchanged_fields(network, login, case):
    http = login(network.anna)
    form = http.get(f"/cases/{case.id}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "", [])}
    data.update(
        opened_on="2026-03-02", owner=str(network.sam.id), type_of_exploitation=["ForcedBegging"]
    )
    response = http.post(f"/cases/{case.id}/edit/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.type_of_exploitation == ["ForcedBegging"]
    assert case.owner == network.sam
    assert case.forced_labour_industry == "F_Construction"


@pytest.mark.parametrize(
    "bad",
    [
        {"type_of_exploitation": ["Alien"]},
        {"age_when_trafficked": "300"},
        {"age_when_trafficked": "many"},
        {"opened_on": "2026-13-45"},
        {"opened_on": "2999-01-01"},
        {"owner": str(uuid.uuid4())},
        {"status": "Closed"},
        {"identification_actor": "Wizard"},
    ],
)
def test_it_answers_bad_case_input_with_form_errors(network, login, case, bad):
    http = login(network.anna)
    data = {"opened_on": "2026-03-02", "trafficking_status": "PossibleVictimOfTrafficking",
            "status": "Active", **bad}  # fmt: skip
    response = http.post(f"/cases/{case.id}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    case.refresh_from_db()
    assert case.trafficking_status == "ActualVictimOfTrafficking"


def test_it_refuses_an_owner_outside_the_case_roles(network, login, case):
    http = login(network.anna)
    data = {"opened_on": "2026-03-02", "trafficking_status": "ActualVictimOfTrafficking",
            "status": "Active", "owner": str(network.boris.id)}  # fmt: skip
    response = http.post(f"/cases/{case.id}/edit/", data)
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors


# --- Parts ----------------------------------------------------------------------------------


def test_it_adds_edits_and_removes_a_route_event(network, login, case):
    http = login(network.anna)
    assert http.get(f"/cases/{case.id}/events/add/").context["form"].initial == {"sequence": 1}
    response = http.post(
        f"/cases/{case.id}/events/add/",
        {"type": "Recruitment", "country": "BG", "city": "Varna", "date": "2025-10-01",
         "sequence": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/#route"
    event = case.events.get()
    response = http.post(
        f"/cases/{case.id}/events/{event.id}/edit/",
        {"type": "Recruitment", "country": "BG", "city": "Sofia", "sequence": "1"},
    )
    event.refresh_from_db()
    assert (event.city, event.date) == ("Sofia", None)
    confirm = http.get(f"/cases/{case.id}/events/{event.id}/remove/")
    assert confirm.status_code == 200
    assert case.events.exists()
    assert http.post(f"/cases/{case.id}/events/{event.id}/remove/").status_code == 302
    assert not case.events.exists()
    assert AuditEvent.objects.filter(action="case.event.remove", object_id=str(case.id)).exists()


def test_it_adds_a_perpetrator_from_checkboxes(network, login, case):
    http = login(network.anna)
    page = _body(http.get(f"/cases/{case.id}/perpetrators/add/"))
    assert 'type="checkbox" name="role_in_process" value="Smuggler"' in page
    http.post(f"/cases/{case.id}/perpetrators/add/",
              {"role_in_process": ["Smuggler", "Exploiter"], "gender": "", "citizenship": "RO"})  # fmt: skip
    perpetrator = case.perpetrators.get()
    assert perpetrator.role_in_process == ["Smuggler", "Exploiter"]
    assert perpetrator.citizenship == "RO"


def test_it_requires_a_perpetrators_role(network, login, case):
    response = login(network.anna).post(f"/cases/{case.id}/perpetrators/add/", {"gender": ""})
    assert response.status_code == 200
    assert "role_in_process" in response.context["form"].errors
    assert not case.perpetrators.exists()


def test_it_adds_services_from_each_kind_of_provider(network, login, case):
    entry = Entry.objects.create(name="Shelter Rotterdam", kind="shelter", country="NL")
    Entry.objects.create(name="Closed Shelter", kind="shelter", country="NL", active=False)
    http = login(network.anna)
    form = http.get(f"/cases/{case.id}/services/add/").context["form"]
    assert list(form.fields["provider_organisation"].queryset) == [network.bg]
    assert list(form.fields["provider_entry"].queryset) == [entry]
    base = {"type": "Medical", "start_date": "2026-03-04", "outcome": "Ongoing"}
    http.post(f"/cases/{case.id}/services/add/", {**base, "provider_kind": "own",
              "provider_entry": str(entry.id)})  # fmt: skip
    http.post(f"/cases/{case.id}/services/add/", {**base, "provider_kind": "network",
              "provider_organisation": str(network.bg.id)})  # fmt: skip
    http.post(f"/cases/{case.id}/services/add/", {**base, "provider_kind": "directory",
              "provider_entry": str(entry.id)})  # fmt: skip
    providers = {(s.provider_kind, s.provider_organisation, s.provider_entry)
                 for s in case.services.all()}  # fmt: skip
    assert providers == {("own", None, None), ("network", network.bg, None),
                         ("directory", None, entry)}  # fmt: skip
    page = _body(http.get(f"/cases/{case.id}/"))
    assert "Shelter Rotterdam" in page
    assert "La Strada BG" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"provider_kind": "network"},
        {"provider_kind": "network", "provider_organisation": "not-a-uuid"},
        {"provider_kind": "directory", "provider_entry": str(uuid.uuid4())},
        {"end_date": "2026-03-01"},
        {"type": "Teleportation"},
        {"start_date": ""},
    ],
)
def test_it_answers_bad_service_input_with_form_errors(network, login, case, bad):
    data = {"type": "Medical", "start_date": "2026-03-04", "outcome": "Ongoing",
            "provider_kind": "own", **bad}  # fmt: skip
    response = login(network.anna).post(f"/cases/{case.id}/services/add/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not case.services.exists()


def test_it_refuses_a_network_provider_outside_the_network(network, login, case):
    data = {"type": "Medical", "start_date": "2026-03-04", "outcome": "Ongoing",
            "provider_kind": "network", "provider_organisation": str(network.polaris.id)}  # fmt: skip
    response = login(network.anna).post(f"/cases/{case.id}/services/add/", data)
    assert response.status_code == 200
    assert not case.services.exists()


def test_it_adds_a_legal_step_and_a_compensation_claim(network, login, case):
    http = login(network.anna)
    http.post(f"/cases/{case.id}/legal/add/",
              {"step": "ResidencePermit", "country": "NL", "start_date": "2026-04-01",
               "outcome": "Granted"})  # fmt: skip
    http.post(f"/cases/{case.id}/compensation/add/",
              {"route": "StateFund", "currency": "eur", "claimed_amount": "3500",
               "claimed_on": "2026-04-02"})  # fmt: skip
    assert case.legal_steps.get().outcome == "Granted"
    compensation = case.compensations.get()
    assert (compensation.currency, str(compensation.claimed_amount)) == ("EUR", "3500.00")


@pytest.mark.parametrize(
    "bad",
    [
        {"currency": "XXQ"},
        {"claimed_amount": "-5"},
        {"claimed_amount": "1" * 20},
        {"claimed_amount": ""},
        {"claimed_on": "yesterday"},
    ],
)
def test_it_answers_bad_compensation_input_with_form_errors(network, login, case, bad):
    data = {"route": "Civil", "currency": "EUR", "claimed_amount": "100", **bad}
    response = login(network.anna).post(f"/cases/{case.id}/compensation/add/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not case.compensations.exists()


def test_it_answers_404_for_a_part_of_another_case(network, login, full_case, client_):
    other = do_open_case(network.anna, client_)
    event = full_case.events.first()
    http = login(network.anna)
    assert http.get(f"/cases/{other.id}/events/{event.id}/edit/").status_code == 404
    assert http.post(f"/cases/{other.id}/events/{event.id}/remove/").status_code == 404
    assert http.get(f"/cases/{full_case.id}/services/{event.id}/edit/").status_code == 404
    assert http.get(f"/cases/{full_case.id}/unknown/add/").status_code == 404
    assert full_case.events.filter(id=event.id).exists()


# --- Plan and notes -------------------------------------------------------------------------


def test_it_sets_the_plan_and_adds_a_note(network, login, case):
    http = login(network.anna)
    http.post(f"/cases/{case.id}/plan/",
              {"objectives": "Find safe housing", "planned_end_date": "2026-10-01"})  # fmt: skip
    http.post(f"/cases/{case.id}/notes/add/", {"text": "First meeting went well"})
    page = _body(http.get(f"/cases/{case.id}/"))
    assert "Find safe housing" in page
    assert "First meeting went well" in page
    assert "Find safe housing" in _body(http.get(f"/cases/{case.id}/plan/"))


def test_it_refuses_an_empty_note(network, login, case):
    response = login(network.anna).post(f"/cases/{case.id}/notes/add/", {"text": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CaseNote.objects.exists()


# --- Closing --------------------------------------------------------------------------------


def test_it_lets_a_supervisor_close_and_reopen(network, login, case):
    http = login(network.sam)
    assert f"/cases/{case.id}/close/" in _body(http.get(f"/cases/{case.id}/"))
    response = http.post(f"/cases/{case.id}/close/", {"status": "Closed", "closed_on": "2026-05-01",
                         "reason_for_case_closure": "GoalsAchieved"})  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("Closed", D(2026, 5, 1))
    page = _body(http.get(f"/cases/{case.id}/"))
    assert f"/cases/{case.id}/reopen/" in page
    assert f"/cases/{case.id}/close/" not in page
    assert http.get(f"/cases/{case.id}/reopen/").status_code == 200
    assert http.post(f"/cases/{case.id}/reopen/").status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.reason_for_case_closure) == ("Active", None, "")


def test_it_needs_a_reason_and_a_sane_date_to_close(network, login, case):
    http = login(network.sam)
    for data in (
        {"status": "Closed", "closed_on": "2026-05-01"},
        {"status": "Closed", "closed_on": "2020-01-01", "reason_for_case_closure": "Other"},
        {"status": "Active", "closed_on": "2026-05-01", "reason_for_case_closure": "Other"},
    ):
        response = http.post(f"/cases/{case.id}/close/", data)
        assert response.status_code == 200
        assert response.context["form"].errors
    case.refresh_from_db()
    assert case.status == "Active"


@pytest.mark.parametrize("who", ["anna", "boris"])
def test_it_hides_and_refuses_closing_to_others_than_supervisors(network, login, case, who):
    http = login(getattr(network, who))
    assert f"/cases/{case.id}/close/" not in _body(http.get(f"/cases/{case.id}/"))
    response = http.post(f"/cases/{case.id}/close/", {"status": "Closed",
                         "closed_on": "2026-05-01", "reason_for_case_closure": "Other"})  # fmt: skip
    assert response.status_code == 403
    assert http.post(f"/cases/{case.id}/reopen/").status_code == 403
    case.refresh_from_db()
    assert case.status == "Active"


# --- Outsiders and wrong roles --------------------------------------------------------------


@pytest.mark.parametrize("who", ["chiara", "bogdan"])
def test_it_answers_404_to_another_organisation(network, login, full_case, client_, who):
    http = login(getattr(network, who))
    paths = [*_case_pages(full_case), f"/cases/open/{client_.id}/"]
    for path in paths:
        # Chiara may not close cases at all: the policy answers first, without looking.
        expected = 403 if who == "chiara" and path.endswith("/close/") else 404
        for method in (http.get, http.post):
            response = method(path)
            assert response.status_code == expected, path
            assert NOTE_MARKER not in _body(response)
    assert http.post(f"/cases/{full_case.id}/notes/add/", {"text": "x"}).status_code == 404
    assert full_case.notes.count() == 1


@pytest.mark.parametrize("who", ["dana", "nick", "olga", "pat"])
def test_it_answers_403_to_roles_without_case_rights(network, login, full_case, who):
    http = login(getattr(network, who))
    for path in _case_pages(full_case):
        assert http.get(path).status_code == 403, path


def test_it_refuses_changes_to_a_data_manager(network, login, full_case, client_):
    http = login(network.boris)
    event = full_case.events.first()
    assert http.get(f"/cases/{full_case.id}/").status_code == 200
    for path in _case_pages(full_case)[1:]:
        assert http.get(path).status_code == 403, path
    assert http.get(f"/cases/open/{client_.id}/").status_code == 403
    assert http.post(f"/cases/{full_case.id}/events/{event.id}/remove/").status_code == 403
    assert full_case.events.filter(id=event.id).exists()


def test_it_shows_a_data_manager_no_notes_objectives_or_identity(
    network, login, full_case, client_, monkeypatch
):
    def refuse(*args, **kwargs):
        raise AssertionError("the page read notes for a data manager")

    monkeypatch.setattr(views, "read_notes", refuse)
    monkeypatch.setattr(views, "read_objectives", refuse)
    monkeypatch.setattr("strada.clients.views.read_client_notes", refuse)
    http = login(network.boris)
    pages = [f"/cases/{full_case.id}/", f"/clients/{client_.id}/"]
    for path in pages:
        response = http.get(path)
        body = _body(response)
        assert response.status_code == 200, path
        for marker in (NOTE_MARKER, PLAN_MARKER, "Zamfirova"):
            assert marker not in body, f"{marker} on {path}"
    case_page = _body(http.get(f"/cases/{full_case.id}/"))
    assert "Recruitment: BG, Sofia" in case_page  # coded data is there
    assert "1 Sep 2026" in case_page  # the plan's dates too
    client_page = _body(http.get(f"/clients/{client_.id}/"))
    assert "Note written" in client_page  # that a note exists, not what it says
    assert not AuditEvent.objects.filter(
        action__in=["case.notes.read", "case.plan.read"], actor_id=network.boris.id
    ).exists()


def test_it_shows_notes_to_a_caseworker_and_audits_the_read(network, login, full_case, client_):
    http = login(network.anna)
    assert NOTE_MARKER in _body(http.get(f"/cases/{full_case.id}/"))
    assert NOTE_MARKER in _body(http.get(f"/clients/{client_.id}/"))
    assert (
        AuditEvent.objects.filter(action="case.notes.read", object_id=str(full_case.id)).count()
        == 2
    )


# --- The client page: cases and timeline ----------------------------------------------------


def test_it_lists_the_clients_cases(network, login, full_case, client_):
    do_open_case(network.sam, client_, opened_on=D(2026, 4, 1), status="Closed",
                 closed_on=D(2026, 4, 2), reason_for_case_closure="NotEligible")  # fmt: skip
    response = login(network.anna).get(f"/clients/{client_.id}/")
    rows = response.context["cases"]
    assert [(r["case"].number, r["closed"]) for r in rows] == [(1, False), (2, True)]
    assert rows[0]["exploitation"] == ["Forced labour", "Sexual exploitation"]
    body = _body(response)
    assert f"/cases/{full_case.id}/" in body
    assert "Closed" in body


def test_it_orders_the_timeline_by_date(network, login, full_case, client_):
    response = login(network.anna).get(f"/clients/{client_.id}/")
    moments = response.context["timeline"]
    dates = [m.date for m in moments]
    assert dates == sorted(dates)
    titles = [m.title for m in moments]
    expected = ["Recruitment", "Exploitation", "Case 1 opened",
                "Service started: Shelter or safe accommodation", "Complaint to the police",
                "Compensation claimed", "Service ended: Shelter or safe accommodation"]  # fmt: skip
    assert [t for t in titles if t in expected] == expected
    assert "Note written" in titles  # the note, dated today
    assert "Transit" not in titles  # no date, no place on the timeline
    compensation = next(m for m in moments if m.title == "Compensation claimed")
    assert compensation.detail == "12,000.00 EUR · Criminal proceedings"


def _fill(network, client, cases: int, services: int) -> None:
    for _n in range(cases):
        case = do_open_case(network.anna, client, opened_on=D(2026, 3, 1),
                            type_of_exploitation=["ForcedLabour"])  # fmt: skip
        do_add_part(network.anna, case, TraffickingEvent, type="Recruitment", country="BG",
                    date=D(2025, 12, 1))  # fmt: skip
        do_add_part(network.anna, case, LegalProceeding, step="Complaint", country="NL",
                    start_date=D(2026, 3, 5))  # fmt: skip
        do_add_part(network.anna, case, Compensation, route="Civil", claimed_amount="10",
                    claimed_on=D(2026, 3, 6))  # fmt: skip
        for m in range(services // cases):
            do_add_part(network.anna, case, Service, type="Medical", start_date=D(2026, 3, 2),
                        provider_kind="network", provider_organisation=network.bg,
                        end_date=D(2026, 3, 2 + m % 20))  # fmt: skip


def _queries(http, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["anna", "boris"])
def test_it_renders_the_client_page_with_a_constant_number_of_queries(network, login, who):
    few_client = register(network.anna, first_name="Ana")
    many_client = register(network.anna, first_name="Ion")
    _fill(network, few_client, cases=1, services=2)
    _fill(network, many_client, cases=5, services=50)
    http = login(getattr(network, who))
    http.get("/")  # the session's first request also stores its start time
    few = _queries(http, f"/clients/{few_client.id}/")
    many = _queries(http, f"/clients/{many_client.id}/")
    assert many == few
    assert len(http.get(f"/clients/{many_client.id}/").context["timeline"]) == 5 * 4 + 50 * 2


def test_it_renders_the_client_page_with_notes_with_a_constant_number_of_queries(network, login):
    few_client = register(network.anna, first_name="Ana")
    many_client = register(network.anna, first_name="Ion")
    _fill(network, few_client, cases=1, services=2)
    _fill(network, many_client, cases=5, services=50)
    for case in [*few_client.cases.all(), *many_client.cases.all()]:
        do_add_note(network.anna, case, "A note")
    http = login(network.anna)
    http.get("/")
    assert _queries(http, f"/clients/{many_client.id}/") == _queries(
        http, f"/clients/{few_client.id}/"
    )


def test_it_round_trips_every_code_of_every_case_list_through_the_form(network, login, case):
    """Each code list of the case form: every value posted comes back from the database as sent."""
    http = login(network.anna)
    base = {"opened_on": "2026-03-02", "trafficking_status": "PossibleVictimOfTrafficking",
            "status": "Active"}  # fmt: skip
    for name, choices in Case.LIST_FIELDS.items():
        everything = sorted(choices.values)
        response = http.post(f"/cases/{case.id}/edit/", {**base, name: everything})
        assert response.status_code == 302, (
            name,
            response.context and response.context["form"].errors,
        )
        case.refresh_from_db()
        assert sorted(getattr(case, name)) == everything, name
    single = {
        "trafficking_status": codes.TraffickingStatus,
        "trafficking_status_decision_making_org": codes.TraffickingStatusDecisionMakingOrg,
        "identification_actor": codes.IdentificationActor,
        "relationship_to_trafficker": codes.RelationshipToTrafficker,
        "forced_labour_industry": codes.ForcedLabourIndustry,
    }
    for name, choices in single.items():
        for value in choices.values:
            response = http.post(f"/cases/{case.id}/edit/", {**base, name: value})
            assert response.status_code == 302, (name, value)
            case.refresh_from_db()
            assert getattr(case, name) == value
