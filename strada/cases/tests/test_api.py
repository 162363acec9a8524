"""The JSON API of the case record: every operation, the code lists, the policy, isolation, input."""

from __future__ import annotations

import datetime as dt
import enum
import json
import typing
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strada.api import api
from strada.audit.models import AuditEvent
from strada.cases import schemas
from strada.cases.actions import do_add_note, do_add_part, do_open_case, do_set_plan
from strada.cases.api import PART_KINDS
from strada.cases.models import (
    Case,
    CaseNote,
    Compensation,
    LegalProceeding,
    PerpetratorRole,
    Service,
    SupportPlan,
    TraffickingEvent,
)
from strada.clients.tests.test_api import api_client, patch, post
from strada.conftest import register
from strada.directory.models import Entry
from strada.orgs.policy import POLICY

URL = "/api/v1/cases"
TODAY = dt.date.today()

# A valid body to add each kind of row, and a valid change of it.
PARTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "events": (
        {"type": "Recruitment", "country": "BG", "city": "Varna", "date": "2025-06-01"},
        {"city": "Burgas", "sequence": 2},
    ),
    "perpetrators": (
        {"role_in_process": ["RecruiterOrIntermediary", "Exploiter"], "citizenship": "BG"},
        {"gender": "Masculine"},
    ),
    "services": (
        {"type": "SafeAccommodation", "start_date": "2026-03-02"},
        {"outcome": "Completed", "end_date": "2026-04-01"},
    ),
    "legal": (
        {"step": "ReflectionPeriod", "country": "NL", "start_date": "2026-03-02"},
        {"outcome": "Granted", "end_date": "2026-06-02"},
    ),
    "compensations": (
        {"route": "Criminal", "claimed_amount": "5000", "claimed_on": "2026-03-10"},
        {"awarded_amount": 2500.5, "currency": "BGN"},
    ),
}
MODELS = {kind.path: kind.model for kind in PART_KINDS}


def call(http: HttpClient, method: str, url: str, data: Any = None) -> Any:
    if data is None:
        return getattr(http, method.lower())(url)
    return getattr(http, method.lower())(url, json.dumps(data), content_type="application/json")


def open_case(user: Any, client: Any, **values: Any) -> Case:
    return do_open_case(user, client, opened_on=dt.date(2026, 3, 1), **values)


@pytest.fixture
def client(network):
    return register(network.anna, first_name="Ana")


@pytest.fixture
def case(network, client):
    return open_case(
        network.anna,
        client,
        trafficking_status="ActualVictimOfTrafficking",
        type_of_exploitation=["ForcedLabour"],
        forced_labour_industry="F_Construction",
    )


def add_parts(user: Any, case: Case) -> dict[str, Any]:
    """One row of every kind under the case, through the API; their ids by kind."""
    http = api_client(user)
    return {
        kind: post(http, f"{URL}/{case.id}/{kind}", body).json()["id"]
        for kind, (body, _change) in PARTS.items()
    }


# Cases


def test_it_opens_a_case_for_a_client(network, client):
    response = post(
        api_client(network.anna),
        URL,
        {
            "client_id": str(client.id),
            "opened_on": "2026-03-02",
            "trafficking_status": "ActualVictimOfTrafficking",
            "trafficking_status_decision_making_org": "Police",
            "identification_date": "2026-03-01",
            "identification_actor": "LabourInspectorate",
            "age_when_trafficked": 17,
            "type_of_exploitation": ["ForcedLabour", "ForcedBegging"],
            "forced_labour_industry": "A_AgricultureForestryAndFishing",
            "method_of_recruitment": ["ThroughOnlineSocialNetworks"],
            "recruitment_websites_and_apps": ["Telegram", "Facebook"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    stored = Case.objects.get()
    assert body["id"] == str(stored.id)
    assert (body["client_id"], body["client_reference"], body["number"]) == (
        str(client.id),
        client.reference,
        1,
    )
    assert body["owner_id"] == str(network.anna.id)
    assert body["type_of_exploitation"] == ["ForcedLabour", "ForcedBegging"]
    assert body["recruitment_websites_and_apps"] == ["Telegram", "Facebook"]
    assert body["relationship_to_trafficker"] is None
    assert body["status"] == "Active"
    assert stored.identification_actor == "LabourInspectorate"
    assert stored.relationship_to_trafficker == ""
    opened = AuditEvent.objects.get(action="case.open")
    assert opened.via == "api"
    assert "type_of_exploitation" in opened.fields


def test_it_opens_a_case_with_defaults_and_numbers_it_per_client(network, case):
    response = post(api_client(network.anna), URL, {"client_id": str(case.client_id)})
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["trafficking_status"], body["opened_on"]) == (
        2,
        "PossibleVictimOfTrafficking",
        TODAY.isoformat(),
    )
    assert body["type_of_exploitation"] == []


def test_it_gets_a_case(network, case):
    response = api_client(network.boris).get(f"{URL}/{case.id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["forced_labour_industry"]) == (str(case.id), "F_Construction")
    assert body["opened_on"] == "2026-03-01"


def test_it_lists_cases_a_page_at_a_time_and_filters_them(network, client, case):
    other = register(network.anna, first_name="Bea")
    for _ in range(4):
        open_case(network.anna, other)
    open_case(network.sam, other, status="FollowUp")
    open_case(network.chiara, register(network.chiara))
    http = api_client(network.anna)

    first = http.get(URL, {"page_size": 4}).json()
    last = http.get(URL, {"page_size": 4, "page": 2}).json()
    assert (first["count"], first["page"], first["page_size"], len(first["items"])) == (6, 1, 4, 4)
    assert len(last["items"]) == 2
    assert len({i["id"] for i in first["items"] + last["items"]}) == 6

    by_client = http.get(URL, {"client_id": str(client.id)}).json()
    assert [i["id"] for i in by_client["items"]] == [str(case.id)]
    assert http.get(URL, {"status": "FollowUp"}).json()["count"] == 1
    assert http.get(URL, {"client_id": str(uuid.uuid4())}).json()["count"] == 0


def test_it_lists_cases_with_a_constant_number_of_queries(network, client, case):
    http = api_client(network.anna)
    with CaptureQueriesContext(connection) as few:
        http.get(URL)
    for n in range(5):
        open_case(network.anna, register(network.anna, first_name=f"P{n}"))
    with CaptureQueriesContext(connection) as many:
        response = http.get(URL)
    assert response.json()["count"] == 6
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "params", [{"page_size": 101}, {"page": 0}, {"status": "Open"}, {"client_id": "42"}]
)
def test_it_rejects_bad_list_parameters(network, params):
    response = api_client(network.anna).get(URL, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_it_changes_only_the_fields_given(network, case):
    response = patch(
        api_client(network.anna),
        f"{URL}/{case.id}",
        {"relationship_to_trafficker": "Acquainted", "forced_labour_industry": None},
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert (case.relationship_to_trafficker, case.forced_labour_industry) == ("Acquainted", "")
    assert case.type_of_exploitation == ["ForcedLabour"]
    assert case.trafficking_status == "ActualVictimOfTrafficking"
    assert response.json()["forced_labour_industry"] is None
    edit = AuditEvent.objects.get(action="case.edit")
    assert edit.fields == ["forced_labour_industry", "relationship_to_trafficker"]


def test_it_writes_nothing_when_a_change_changes_nothing(network, case):
    response = patch(api_client(network.anna), f"{URL}/{case.id}", {"type_of_exploitation": []})
    assert response.status_code == 200
    response = patch(
        api_client(network.anna),
        f"{URL}/{case.id}",
        {"type_of_exploitation": [], "forced_labour_industry": "F_Construction"},
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="case.edit").count() == 1


def test_it_gives_a_case_to_a_colleague_in_a_case_role_only(network, case):
    http = api_client(network.anna)
    url = f"{URL}/{case.id}"
    assert patch(http, url, {"owner_id": str(network.sam.id)}).json()["owner_id"] == str(
        network.sam.id
    )
    refused = [
        patch(http, url, {"owner_id": str(someone)})
        for someone in (network.boris.id, network.chiara.id, uuid.uuid4())
    ]
    assert [r.status_code for r in refused] == [422, 422, 422]
    assert all(r.json()["detail"][0]["loc"] == ["body", "owner_id"] for r in refused)
    # Another organisation's user reads exactly like no user at all.
    assert refused[1].content == refused[2].content
    case.refresh_from_db()
    assert case.owner == network.sam
    assert patch(http, url, {"owner_id": None}).json()["owner_id"] is None


CLOSING = {"status": "Closed", "closed_on": "2026-06-01", "reason_for_case_closure": "Relocated"}


def test_it_lets_only_a_supervisor_close_and_reopen_a_case(network, case):
    url = f"{URL}/{case.id}"
    refused = patch(api_client(network.anna), url, CLOSING)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You are not allowed to do this."}
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("Active", None)

    closed = patch(api_client(network.sam), url, CLOSING)
    assert closed.status_code == 200
    assert closed.json()["reason_for_case_closure"] == "Relocated"
    assert AuditEvent.objects.filter(action="case.close").count() == 1

    assert patch(api_client(network.anna), url, {"status": "Active"}).status_code == 403
    # A caseworker may still correct the coded record of a closed case.
    assert patch(api_client(network.anna), url, {"age_when_trafficked": 20}).status_code == 200
    reopened = patch(api_client(network.sam), url, {"status": "Active"})
    assert reopened.status_code == 200
    assert (reopened.json()["closed_on"], reopened.json()["reason_for_case_closure"]) == (
        None,
        None,
    )


def test_it_refuses_to_open_a_closed_case_for_a_caseworker(network, client):
    body = {"client_id": str(client.id), "opened_on": "2026-03-01", **CLOSING}
    assert post(api_client(network.anna), URL, body).status_code == 403
    assert Case.objects.count() == 0
    assert post(api_client(network.sam), URL, body).status_code == 201


def test_it_needs_a_reason_and_a_date_to_close(network, case):
    response = patch(api_client(network.sam), f"{URL}/{case.id}", {"status": "Closed"})
    assert response.status_code == 422
    fields = {error["loc"][-1] for error in response.json()["detail"]}
    assert fields == {"closed_on", "reason_for_case_closure"}
    case.refresh_from_db()
    assert case.status == "Active"


# The rows under a case


@pytest.mark.parametrize("kind", list(PARTS))
def test_it_adds_lists_changes_and_removes_a_row(network, case, kind):
    http = api_client(network.anna)
    body, change = PARTS[kind]
    many = f"{URL}/{case.id}/{kind}"

    added = post(http, many, body)
    assert added.status_code == 201, added.content
    part_id = added.json()["id"]
    for name, value in body.items():
        if name.endswith("amount"):
            continue
        assert added.json()[name] == value, name

    listed = http.get(many).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, part_id)

    changed = patch(http, f"{many}/{part_id}", change)
    assert changed.status_code == 200, changed.content
    again = http.get(many).json()["items"][0]
    for name in change:
        assert again[name] == changed.json()[name]
    assert again != listed["items"][0]

    removed = http.delete(f"{many}/{part_id}")
    assert removed.status_code == 204
    assert removed.content == b""
    assert http.get(many).json() == {"items": [], "count": 0}
    name = {"events": "event", "perpetrators": "perpetrator", "services": "service"}.get(
        kind, kind.rstrip("s")
    )
    actions = AuditEvent.objects.filter(object_id=str(case.id)).values_list("action", flat=True)
    assert {f"case.{name}.{verb}" for verb in ("add", "edit", "remove")} <= set(actions)


def test_it_shows_the_route_in_order(network, case):
    http = api_client(network.anna)
    for body in (
        {"type": "Exploitation", "country": "NL", "sequence": 3},
        {"type": "Recruitment", "country": "BG", "sequence": 1},
        {"type": "Transit", "country": "RO", "sequence": 2},
    ):
        assert post(http, f"{URL}/{case.id}/events", body).status_code == 201
    route = http.get(f"{URL}/{case.id}/events").json()["items"]
    assert [event["country"] for event in route] == ["BG", "RO", "NL"]
    assert route[0]["city"] is None


def test_it_keeps_amounts_as_decimals_with_two_places(network, case):
    http = api_client(network.anna)
    added = post(
        http,
        f"{URL}/{case.id}/compensations",
        {"route": "LabourCourt", "claimed_amount": 1234.5, "paid_amount": "0"},
    ).json()
    assert (added["claimed_amount"], added["paid_amount"], added["awarded_amount"]) == (
        "1234.50",
        "0.00",
        None,
    )
    assert added["currency"] == "EUR"
    assert http.get(f"{URL}/{case.id}/compensations").json()["items"] == [added]
    assert str(Compensation.objects.get().claimed_amount) == "1234.50"


def test_it_records_services_of_providers_in_the_network_or_the_directory(network, case):
    entry = Entry.objects.create(name="Shelter Varna", kind="shelter", country="BG")
    closed = Entry.objects.create(name="Closed shelter", kind="shelter", country="BG", active=False)
    http = api_client(network.anna)
    url = f"{URL}/{case.id}/services"
    base = {"type": "SafeAccommodation", "start_date": "2026-03-02"}

    by_bg = post(
        http,
        url,
        {**base, "provider_kind": "network", "provider_organisation_id": str(network.bg.id)},
    )
    by_entry = post(
        http, url, {**base, "provider_kind": "directory", "provider_entry_id": str(entry.id)}
    )
    assert by_bg.status_code == by_entry.status_code == 201
    assert by_bg.json()["provider_organisation_id"] == str(network.bg.id)
    assert by_entry.json()["provider_entry_id"] == str(entry.id)

    refused = [
        post(http, url, {**base, "provider_kind": "network", "provider_organisation_id": str(org)})
        for org in (network.polaris.id, network.lsi.id, network.nl.id, uuid.uuid4())
    ] + [
        post(http, url, {**base, "provider_kind": "directory", "provider_entry_id": str(e)})
        for e in (closed.id, uuid.uuid4())
    ]
    refused.append(post(http, url, {**base, "provider_kind": "network"}))
    for response in refused:
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["loc"][1].startswith("provider_")
    assert Service.objects.count() == 2


# Every value of every code list, in and out unchanged


def _code_list(annotation: Any) -> tuple[type[enum.Enum], bool] | None:
    """The code list of a field (and whether the field holds several), or None."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation, False
    for arg in typing.get_args(annotation):
        found = _code_list(arg)
        if found:
            return found[0], found[1] or typing.get_origin(annotation) is list
    return None


def _code_fields(schema: type[Any]) -> dict[str, tuple[type[enum.Enum], bool]]:
    found = {name: _code_list(field.annotation) for name, field in schema.model_fields.items()}
    return {name: code_list for name, code_list in found.items() if code_list}


# What a value needs alongside it to be valid.
COMPANIONS = {
    ("status", "Closed"): {"closed_on": "2026-06-01", "reason_for_case_closure": "Other"},
    ("status", "ClosedReferred"): {
        "closed_on": "2026-06-01",
        "reason_for_case_closure": "Referred",
    },
    ("provider_kind", "network"): {"provider_organisation_id": "bg"},
    ("provider_kind", "directory"): {"provider_entry_id": "entry"},
}


def test_it_knows_the_code_lists_of_every_schema():
    assert len(_code_fields(schemas.CaseIn)) == 14
    assert set(_code_fields(schemas.PerpetratorIn)) == {"role_in_process", "gender"}
    assert _code_fields(schemas.CaseIn)["vulnerabilities"] == (schemas.codes.Vulnerabilities, True)


@pytest.mark.parametrize("kind", ["cases", *PARTS])
def test_it_takes_and_returns_every_value_of_every_code_list(network, case, kind):
    entry = Entry.objects.create(name="Shelter", kind="shelter", country="BG")
    references = {"bg": str(network.bg.id), "entry": str(entry.id)}
    http = api_client(network.sam)  # a supervisor may also close
    if kind == "cases":
        schema, url = schemas.CaseIn, URL
        base = {"client_id": str(case.client_id), "opened_on": "2026-03-01"}
    else:
        schema = next(k.create for k in PART_KINDS if k.path == kind)
        base, url = PARTS[kind][0], f"{URL}/{case.id}/{kind}"
    fields = _code_fields(schema)
    assert fields

    # Lists: every value at once.
    several = {name: [v.value for v in codes] for name, (codes, many) in fields.items() if many}
    created = post(http, url, {**base, **several})
    assert created.status_code == 201, created.content
    record = created.json()
    one = f"{url}/{record['id']}"
    for name, values in several.items():
        assert record[name] == values, name

    # Single codes: every value in turn.
    for name, (codes, many) in fields.items():
        if many:
            continue
        for code in codes:
            extra = {
                key: references.get(value, value)
                for key, value in COMPANIONS.get((name, code.value), {}).items()
            }
            response = patch(http, one, {name: code.value, **extra})
            assert response.status_code == 200, (name, code, response.content)
            assert response.json()[name] == code.value

    if kind == "cases":
        stored = http.get(one).json()
    else:
        stored = next(i for i in http.get(url).json()["items"] if i["id"] == record["id"])
    for name, values in several.items():
        assert stored[name] == values


# Support plan and notes


def test_it_writes_and_reads_the_support_plan(network, case):
    http = api_client(network.anna)
    url = f"{URL}/{case.id}/plan"
    empty = http.get(url).json()
    assert empty == {"planned_end_date": None, "actual_end_date": None, "objectives": ""}

    written = call(
        http, "put", url, {"objectives": "Safe housing first.", "planned_end_date": "2027-01-31"}
    )
    assert written.status_code == 200
    assert written.json()["objectives"] == "Safe housing first."
    assert b"Safe housing" not in bytes(SupportPlan.objects.get().objectives_enc)

    read = http.get(url).json()
    assert read == {
        "planned_end_date": "2027-01-31",
        "actual_end_date": None,
        "objectives": "Safe housing first.",
    }
    audited = AuditEvent.objects.get(action="case.plan.read")
    assert (audited.actor_id, audited.via, audited.fields) == (
        network.anna.id,
        "api",
        ["objectives"],
    )


def test_it_adds_and_reads_notes(network, case):
    http = api_client(network.anna)
    url = f"{URL}/{case.id}/notes"
    assert http.get(url).json() == {"items": [], "count": 0}
    first = post(http, url, {"text": "  Prefers a female interpreter.  "})
    assert first.status_code == 201
    assert first.json()["text"] == "Prefers a female interpreter."
    post(http, url, {"text": "Moved to the shelter."})

    notes = api_client(network.sam).get(url).json()
    assert notes["count"] == 2
    assert {n["text"] for n in notes["items"]} == {
        "Prefers a female interpreter.",
        "Moved to the shelter.",
    }
    assert notes["items"][0]["author_id"] == str(network.anna.id)
    assert b"interpreter" not in b"".join(bytes(n.text_enc) for n in CaseNote.objects.all())
    assert AuditEvent.objects.filter(action="case.notes.read", actor_id=network.sam.id).exists()


def test_it_shows_a_data_manager_the_plan_without_objectives_and_no_notes(network, case):
    do_set_plan(
        network.anna,
        case,
        objectives="Safe housing first.",
        planned_end_date=dt.date(2027, 1, 31),
        actual_end_date=None,
    )
    do_add_note(network.anna, case, "Prefers a female interpreter.")
    http = api_client(network.boris)

    plan = http.get(f"{URL}/{case.id}/plan")
    assert plan.status_code == 200
    assert plan.json() == {"planned_end_date": "2027-01-31", "actual_end_date": None}
    assert http.get(f"{URL}/{case.id}/notes").status_code == 403
    assert post(http, f"{URL}/{case.id}/notes", {"text": "x"}).status_code == 403
    assert call(http, "put", f"{URL}/{case.id}/plan", {"objectives": ""}).status_code == 403
    assert not AuditEvent.objects.filter(action__in=["case.notes.read", "case.plan.read"]).exists()
    assert CaseNote.objects.count() == 1


# Roles and organisations: every operation, walked


NOTE_MARKER = "MRK-NOTE-Markerova"
OBJECTIVES_MARKER = "MRK-OBJECTIVES-Markerova"
IDENTITY_MARKERS = ["Markerova", "Маркерова", "+31 6 9999 1234", "marker@example.org", "MRK-77-ID"]
PLACE_MARKER = "Markerstadt"


@pytest.fixture
def planted(network):
    """An NL case with markers in the identity, a place, a note and the plan; the ids to use."""
    client = register(
        network.anna,
        first_name="Маркерова",
        second_name="Markerova",
        mobile_phone="+31 6 9999 1234",
        email="marker@example.org",
        identity_number="MRK-77-ID",
    )
    case = open_case(network.anna, client, type_of_exploitation=["ForcedLabour"])
    parts = add_parts(network.anna, case)
    TraffickingEvent.objects.filter(case=case).update(city=PLACE_MARKER)
    do_add_note(network.anna, case, NOTE_MARKER)
    do_set_plan(
        network.anna,
        case,
        objectives=OBJECTIVES_MARKER,
        planned_end_date=None,
        actual_end_date=None,
    )
    return {"client_id": str(client.id), "case_id": str(case.id), **parts}


def _cases_operations() -> list[tuple[str, str]]:
    return [
        (method, router.prefix + path.replace("{uuidstr:", "{"))
        for router in api._get_bound_routers()
        if router.prefix == "/cases"
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    ]


def every_operation(ids: dict[str, str]) -> list[tuple[str, str, Any]]:
    """Every operation of the cases API as (method, url, a valid body) for these ids."""
    requests = []
    for method, path in _cases_operations():
        segments = path.split("/")
        kind = segments[3] if len(segments) > 3 else ""
        url = "/api/v1" + path.format(case_id=ids["case_id"], part_id=ids.get(kind, ""))
        body: Any = None
        if method == "GET" and path == "/cases":
            url += f"?client_id={ids['client_id']}"
        elif method == "POST" and path == "/cases":
            body = {"client_id": ids["client_id"]}
        elif method == "PATCH" and kind == "":
            body = {"trafficking_status": "NotAVictimOfTrafficking"}
        elif method == "POST":
            body = {"text": "A note."} if kind == "notes" else PARTS[kind][0]
        elif method == "PATCH":
            body = PARTS[kind][1]
        elif method == "PUT":
            body = {"objectives": "Overwritten."}
        requests.append((method, url, body))
    return requests


def _snapshot() -> list[int]:
    models = [Case, CaseNote, SupportPlan, *MODELS.values()]
    return [m.objects.count() for m in models] + [AuditEvent.objects.count()]


def test_it_walks_every_operation():
    operations = _cases_operations()
    assert len(operations) == 4 + 4 * len(PARTS) + 4
    made = every_operation({"client_id": "c", "case_id": "k", **dict.fromkeys(PARTS, "p")})
    assert all("{" not in url for _method, url, _body in made)


@pytest.mark.parametrize("who", ["chiara", "bogdan"])
def test_it_answers_outsiders_as_if_nothing_were_there(network, planted, who):
    http = api_client(getattr(network, who))
    missing_ids = {key: str(uuid.uuid4()) for key in planted}
    before = _snapshot()
    case_before = Case.objects.values().get(id=planted["case_id"])
    for theirs, absent in zip(every_operation(planted), every_operation(missing_ids), strict=True):
        response = call(http, *theirs)
        reference = call(http, *absent)
        context = f"{theirs[0]} {theirs[1]} as {who}"
        assert response.status_code == reference.status_code, context
        assert response.status_code in (200, 404), context
        assert response.content == reference.content, context
        for marker in [*IDENTITY_MARKERS, NOTE_MARKER, OBJECTIVES_MARKER, PLACE_MARKER]:
            assert marker.encode() not in response.content, f"{marker} on {context}"
    assert _snapshot()[:-1] == before[:-1]
    assert not AuditEvent.objects.filter(actor_id=getattr(network, who).id).exists()
    assert Case.objects.values().get(id=planted["case_id"]) == case_before


@pytest.mark.parametrize("who", ["dana", "nick", "pat", "olga"])
def test_it_answers_403_to_roles_the_policy_refuses(network, planted, who):
    http = api_client(getattr(network, who))
    before = _snapshot()
    for method, url, body in every_operation(planted):
        response = call(http, method, url, body)
        assert response.status_code == 403, (method, url)
        assert response.json() == {"detail": "You are not allowed to do this."}
    assert _snapshot() == before


def test_it_lets_a_data_manager_read_the_coded_record_only(network, planted):
    http = api_client(network.boris)
    before = _snapshot()
    for method, url, body in every_operation(planted):
        response = call(http, method, url, body)
        context = f"{method} {url}"
        if method == "GET" and not url.endswith("/notes"):
            assert response.status_code == 200, context
        else:
            assert response.status_code == 403, context
        for marker in [*IDENTITY_MARKERS, NOTE_MARKER, OBJECTIVES_MARKER]:
            assert marker.encode() not in response.content, f"{marker} on {context}"
        assert b"objectives" not in response.content, context
    assert _snapshot() == before


def test_it_answers_every_operation_to_the_owning_caseworker(network, planted):
    http = api_client(network.anna)
    for method, url, body in every_operation(planted):
        response = call(http, method, url, body)
        assert response.status_code in (200, 201, 204), (method, url, response.content)


def test_it_answers_404_to_another_organisations_row_under_its_own_case(network, planted):
    own = open_case(network.chiara, register(network.chiara))
    http = api_client(network.chiara)
    for kind, (_body, change) in PARTS.items():
        theirs = f"{URL}/{own.id}/{kind}/{planted[kind]}"
        assert patch(http, theirs, change).status_code == 404
        assert http.delete(theirs).status_code == 404
    assert all(
        model.objects.filter(case_id=planted["case_id"]).count() == 1 for model in MODELS.values()
    )


def test_it_answers_404_to_a_row_of_another_case_of_the_same_organisation(network, planted, case):
    http = api_client(network.anna)
    for kind, (_body, change) in PARTS.items():
        assert patch(http, f"{URL}/{case.id}/{kind}/{planted[kind]}", change).status_code == 404


def test_it_answers_404_to_opening_a_case_for_another_organisations_client(network, planted):
    http = api_client(network.chiara)
    theirs = post(http, URL, {"client_id": planted["client_id"]})
    missing = post(http, URL, {"client_id": str(uuid.uuid4())})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert Case.objects.count() == 1


def test_it_answers_404_json_to_ids_that_are_not_uuids(network):
    http = api_client(network.anna)
    for url in (f"{URL}/42", f"{URL}/not-a-uuid/events", f"{URL}/{uuid.uuid4()}/events/7"):
        response = http.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


def test_it_refuses_a_role_without_the_right_before_reading_its_input(network, case):
    http = api_client(network.boris)
    for kind in PARTS:
        response = http.post(
            f"{URL}/{case.id}/{kind}", b"{not json", content_type="application/json"
        )
        assert response.status_code == 403
    assert patch(http, f"{URL}/{case.id}", {"status": "Nope"}).status_code == 403


# Bad input

CASE_BODIES = [
    ({"trafficking_status": "Victim"}, "trafficking_status"),
    ({"trafficking_status": None}, "trafficking_status"),
    ({"type_of_exploitation": "ForcedLabour"}, "type_of_exploitation"),
    ({"type_of_exploitation": ["Alien"]}, "type_of_exploitation"),
    ({"vulnerabilities": [3]}, "vulnerabilities"),
    ({"forced_labour_industry": "Construction"}, "forced_labour_industry"),
    ({"identification_actor": "Wizard"}, "identification_actor"),
    ({"age_when_trafficked": -1}, "age_when_trafficked"),
    ({"age_when_trafficked": 111}, "age_when_trafficked"),
    ({"age_when_trafficked": "ten"}, "age_when_trafficked"),
    ({"identification_date": "2999-01-01"}, "identification_date"),
    ({"opened_on": "yesterday"}, "opened_on"),
    ({"opened_on": None}, "opened_on"),
    ({"opened_on": "2999-01-01"}, "opened_on"),
    ({"owner_id": "anna"}, "owner_id"),
    ({"name": "Ana"}, "name"),
]


@pytest.mark.parametrize(("body", "field"), [*CASE_BODIES, ({"client_id": "42"}, "client_id")])
def test_it_rejects_invalid_cases_and_opens_none(network, client, body, field):
    response = post(api_client(network.anna), URL, {"client_id": str(client.id), **body})
    _assert_refused(response, field)
    assert Case.objects.count() == 0


def test_it_rejects_a_case_without_a_client(network):
    _assert_refused(post(api_client(network.anna), URL, {}), "client_id")


@pytest.mark.parametrize(
    ("body", "field"), [*CASE_BODIES, ({"client_id": str(uuid.uuid4())}, "client_id")]
)
def test_it_rejects_invalid_changes_and_changes_nothing(network, case, body, field):
    before = Case.objects.values().get()
    _assert_refused(patch(api_client(network.anna), f"{URL}/{case.id}", body), field)
    assert Case.objects.values().get() == before
    assert not AuditEvent.objects.filter(action="case.edit").exists()


PART_BODIES = [
    ("events", {"type": "Arrival"}, "type"),
    ("events", {"country": "XX"}, "country"),
    ("events", {"country": "Bulgaria"}, "country"),
    ("events", {"country": None}, "country"),
    ("events", {"date": "2999-01-01"}, "date"),
    ("events", {"sequence": -1}, "sequence"),
    ("events", {"city": "x" * 101}, "city"),
    ("events", {"case_id": str(uuid.uuid4())}, "case_id"),
    ("perpetrators", {"role_in_process": []}, "role_in_process"),
    ("perpetrators", {"role_in_process": ["Boss"]}, "role_in_process"),
    ("perpetrators", {"role_in_process": "Exploiter"}, "role_in_process"),
    ("perpetrators", {"gender": "M"}, "gender"),
    ("perpetrators", {"citizenship": "ZZ"}, "citizenship"),
    ("perpetrators", {"name": "Ivan"}, "name"),
    ("services", {"type": "Massage"}, "type"),
    ("services", {"start_date": "2999-01-01"}, "start_date"),
    ("services", {"start_date": None}, "start_date"),
    ("services", {"end_date": "2026-01-01"}, "end_date"),
    ("services", {"outcome": "Fine"}, "outcome"),
    ("services", {"provider_kind": "friend"}, "provider_kind"),
    ("services", {"provider_organisation_id": 7}, "provider_organisation_id"),
    ("legal", {"step": "Arrest"}, "step"),
    ("legal", {"country": "nl"}, "country"),
    ("legal", {"outcome": "Guilty"}, "outcome"),
    ("legal", {"end_date": "2020-01-01"}, "end_date"),
    ("compensations", {"route": "Lottery"}, "route"),
    ("compensations", {"claimed_amount": -1}, "claimed_amount"),
    ("compensations", {"claimed_amount": "-0.01"}, "claimed_amount"),
    ("compensations", {"claimed_amount": "lots"}, "claimed_amount"),
    ("compensations", {"claimed_amount": 1.234}, "claimed_amount"),
    ("compensations", {"claimed_amount": "NaN"}, "claimed_amount"),
    ("compensations", {"claimed_amount": "Infinity"}, "claimed_amount"),
    ("compensations", {"claimed_amount": 1e20}, "claimed_amount"),
    ("compensations", {"claimed_amount": None}, "claimed_amount"),
    ("compensations", {"paid_amount": [1]}, "paid_amount"),
    ("compensations", {"currency": "EURO"}, "currency"),
    ("compensations", {"currency": "XYZ"}, "currency"),
    ("compensations", {"currency": "eur"}, "currency"),
    ("compensations", {"currency": None}, "currency"),
    ("compensations", {"claimed_on": "2999-01-01"}, "claimed_on"),
]


@pytest.mark.parametrize(("kind", "body", "field"), PART_BODIES)
def test_it_rejects_invalid_rows_and_adds_none(network, case, kind, body, field):
    response = post(api_client(network.anna), f"{URL}/{case.id}/{kind}", {**PARTS[kind][0], **body})
    _assert_refused(response, field)
    assert MODELS[kind].objects.count() == 0


@pytest.mark.parametrize(("kind", "body", "field"), PART_BODIES)
def test_it_rejects_invalid_changes_of_rows_and_changes_nothing(network, case, kind, body, field):
    part_id = add_parts(network.anna, case)[kind]
    before = MODELS[kind].objects.values().get()
    audited = AuditEvent.objects.count()
    response = patch(api_client(network.anna), f"{URL}/{case.id}/{kind}/{part_id}", body)
    if field == "claimed_amount" and body == {"claimed_amount": None}:
        return  # emptying one amount is a valid change (the others may remain)
    _assert_refused(response, field)
    assert MODELS[kind].objects.values().get() == before
    assert AuditEvent.objects.count() == audited


def test_it_keeps_at_least_one_amount(network, case):
    http = api_client(network.anna)
    url = f"{URL}/{case.id}/compensations"
    _assert_refused(post(http, url, {"route": "Civil"}), "claimed_amount")
    part_id = post(http, url, {"route": "Civil", "claimed_amount": 10}).json()["id"]
    _assert_refused(patch(http, f"{url}/{part_id}", {"claimed_amount": None}), "claimed_amount")
    assert Compensation.objects.get().claimed_amount == 10


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"text": 42}, "text"),
        ({"text": None}, "text"),
        ({}, "text"),
        ({"text": "ok", "private": True}, "private"),
    ],
)
def test_it_rejects_invalid_notes(network, case, body, field):
    _assert_refused(post(api_client(network.anna), f"{URL}/{case.id}/notes", body), field)
    assert CaseNote.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"objectives": 42}, "objectives"),
        ({"objectives": "x" * 20_001}, "objectives"),
        ({"actual_end_date": "2999-01-01"}, "actual_end_date"),
        ({"planned_end_date": "soon"}, "planned_end_date"),
        ({"goals": "x"}, "goals"),
    ],
)
def test_it_rejects_an_invalid_plan(network, case, body, field):
    _assert_refused(call(api_client(network.anna), "put", f"{URL}/{case.id}/plan", body), field)
    assert SupportPlan.objects.count() == 0


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2]", b'"Ana"', b"null"])
def test_it_rejects_bodies_that_are_not_a_json_object(network, case, raw):
    http = api_client(network.anna)
    for url in (URL, f"{URL}/{case.id}/events", f"{URL}/{case.id}/notes"):
        response = http.post(url, raw, content_type="application/json")
        assert response.status_code in (400, 422), url
        assert "detail" in response.json()
    assert (Case.objects.count(), TraffickingEvent.objects.count(), CaseNote.objects.count()) == (
        1,
        0,
        0,
    )


def _assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert errors
    assert all(set(error) == {"loc", "msg", "type"} for error in errors)
    assert all(error["loc"][0] == "body" for error in errors)
    assert field in errors[0]["loc"], errors


# The API as a whole


def test_it_serves_the_openapi_description_of_every_operation(db):
    spec = HttpClient().get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if path.startswith(URL)
    }
    expected = {
        ("GET", URL),
        ("POST", URL),
        ("GET", f"{URL}/{{case_id}}"),
        ("PATCH", f"{URL}/{{case_id}}"),
        ("GET", f"{URL}/{{case_id}}/plan"),
        ("PUT", f"{URL}/{{case_id}}/plan"),
        ("GET", f"{URL}/{{case_id}}/notes"),
        ("POST", f"{URL}/{{case_id}}/notes"),
    }
    for kind in PARTS:
        expected |= {
            ("GET", f"{URL}/{{case_id}}/{kind}"),
            ("POST", f"{URL}/{{case_id}}/{kind}"),
            ("PATCH", f"{URL}/{{case_id}}/{kind}/{{part_id}}"),
            ("DELETE", f"{URL}/{{case_id}}/{kind}/{{part_id}}"),
        }
    assert operations == expected
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    components = spec["components"]["schemas"]
    for kind in PART_KINDS:
        for schema in (kind.create, kind.change, kind.out, kind.listing):
            assert schema.__name__ in components, schema.__name__
        assert components[kind.change.__name__].get("required", []) == []
    assert components["CaseIn"]["additionalProperties"] is False
    assert components["CompensationIn"]["additionalProperties"] is False
    assert components["TypeOfExploitation"]["enum"][:2] == ["ForcedLabour", "SexualExploitation"]
    events = spec["paths"][f"{URL}/{{case_id}}/events"]
    assert events["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EventIn"
    }


def test_it_names_a_policy_action_for_every_operation():
    operations = [
        (path, method, operation.view_func)
        for router in api._get_bound_routers()
        if router.prefix == "/cases"
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    ]
    assert len(operations) == 28
    actions = {}
    for path, method, view in operations:
        action = getattr(view, "strada_action", None)
        assert action in POLICY, f"{method} {path} names no policy action"
        actions[method, path] = action
    assert actions["DELETE", "/{uuidstr:case_id}/events/{uuidstr:part_id}"] == "case.edit"
    assert actions["GET", "/{uuidstr:case_id}/legal"] == "case.view"
    assert actions["GET", "/{uuidstr:case_id}/notes"] == "case.notes"
    assert actions["PUT", "/{uuidstr:case_id}/plan"] == "case.notes"


def test_it_uses_the_same_actions_as_the_pages(network, case):
    """A row added by the action shows in the API and the other way round."""
    do_add_part(
        network.anna,
        case,
        LegalProceeding,
        step="Complaint",
        country="NL",
        start_date=dt.date(2026, 3, 5),
    )
    listed = api_client(network.anna).get(f"{URL}/{case.id}/legal").json()
    assert [i["step"] for i in listed["items"]] == ["Complaint"]
    post(api_client(network.anna), f"{URL}/{case.id}/perpetrators", PARTS["perpetrators"][0])
    assert PerpetratorRole.objects.get(case=case).role_in_process == [
        "RecruiterOrIntermediary",
        "Exploiter",
    ]


# Never a 500: arbitrary bodies, valid and invalid values mixed


def _values(annotation: Any) -> st.SearchStrategy[Any]:
    """Values a client might send for a field of this type: some valid, some not."""
    code_list = _code_list(annotation)
    junk = st.one_of(
        st.none(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.text(max_size=30),
        st.sampled_from(["", "2999-01-01", "1900-02-30", "NaN", "-1", "1e400", "ZZ", [], {}]),
    )
    if code_list:
        codes, many = code_list
        one = st.sampled_from([c.value for c in codes])
        return st.one_of(st.lists(one, max_size=4) if many else one, junk)
    plain = {
        dt.date: st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)).map(str),
        Decimal: st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
        uuid.UUID: st.uuids().map(str),
        int: st.integers(min_value=-5, max_value=40_000),
        str: st.sampled_from(["NL", "BG", "EUR", "USD", "XXX", "Varna", " ", "x" * 101]),
    }
    found = [strategy for kind, strategy in plain.items() if kind in _flat(annotation)]
    return st.one_of(*found, junk)


def _flat(annotation: Any) -> set[Any]:
    return {annotation, *(t for arg in typing.get_args(annotation) for t in _flat(arg))}


def _bodies(schema: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: _values(field.annotation) for name, field in schema.model_fields.items()}
    fields["unexpected"] = st.just("field")
    return st.dictionaries(st.sampled_from(sorted(fields)), st.none(), max_size=6).flatmap(
        lambda keys: st.fixed_dictionaries({key: fields[key] for key in keys})
    )


@pytest.mark.parametrize("kind", list(PARTS))
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_it_never_fails_on_any_body(network, case, kind, data):
    http = api_client(network.sam)
    schema = next(k.create for k in PART_KINDS if k.path == kind)
    change = next(k.change for k in PART_KINDS if k.path == kind)
    many = f"{URL}/{case.id}/{kind}"
    added = post(http, many, data.draw(_bodies(schema)))
    assert added.status_code in (201, 422), added.content
    existing = MODELS[kind].objects.filter(case=case).values_list("id", flat=True).first()
    target = existing or uuid.uuid4()
    changed = patch(http, f"{many}/{target}", data.draw(_bodies(change)))
    assert changed.status_code in ((200, 422) if existing else (404, 422)), changed.content
    edited = patch(http, f"{URL}/{case.id}", data.draw(_bodies(schemas.CasePatch)))
    assert edited.status_code in (200, 422), edited.content
