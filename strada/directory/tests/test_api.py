"""The directory over the JSON API: everyone reads, the keepers write, bad input is a 422."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strada.audit.models import AuditEvent
from strada.directory.models import Entry
from strada.directory.tests.conftest import api_client, make_entry

URL = "/api/v1/directory"


def post(http, url, data):
    return http.post(url, json.dumps(data), content_type="application/json")


def patch(http, url, data):
    return http.patch(url, json.dumps(data), content_type="application/json")


NEW = {
    "name": "Shelter Brno",
    "kind": "shelter",
    "country": "CZ",
    "city": "Brno",
    "phones": ["+420 500 000 000"],
    "emails": ["info@shelter-brno.example"],
    "website": "https://shelter-brno.example/",
    "services": ["shelter", "accommodation_minors"],
    "languages": ["cs", "uk"],
}


@pytest.mark.parametrize("who", ["anna", "boris", "olga", "chiara", "dana", "nick", "pat"])
def test_it_lets_every_role_read(network, entries, who):
    http = api_client(getattr(network, who))
    listing = http.get(URL)
    one = http.get(f"{URL}/{entries.shelter.id}")
    assert listing.status_code == 200
    assert listing.json()["count"] == 4
    assert one.status_code == 200
    assert one.json()["people"][0]["name"] == "Marieke Jansen"


def test_it_lists_a_page_at_a_time_with_the_total_count(network, entries):
    http = api_client(network.anna)
    first = http.get(URL, {"page_size": 3}).json()
    second = http.get(URL, {"page_size": 3, "page": 2}).json()
    assert (first["count"], first["page"], first["page_size"], len(first["items"])) == (4, 1, 3, 3)
    assert len(second["items"]) == 1
    assert {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]} == {
        str(e.id) for e in (entries.shelter, entries.police, entries.embassy, entries.sofia)
    }


def test_it_filters_like_the_pages(network, entries):
    http = api_client(network.anna)

    def names(**params):
        return [item["name"] for item in http.get(URL, params).json()["items"]]

    assert names(country="BG") == ["Legal Aid Clinic Sofia"]
    assert names(service="return") == ["Embassy of Ukraine, consular section"]
    assert names(language="uk", kind="embassy") == ["Embassy of Ukraine, consular section"]
    assert names(q="jansen") == ["Safe House Amsterdam"]


def test_it_lists_with_a_constant_number_of_queries(network, entries):
    http = api_client(network.anna)
    http.get(URL)
    with CaptureQueriesContext(connection) as few:
        http.get(URL)
    for n in range(8):
        entry = make_entry(network.dana, name=f"Entry {n}")
        from strada.directory.actions import do_add_contact_person

        do_add_contact_person(network.dana, entry, name=f"Person {n}")
    with CaptureQueriesContext(connection) as many:
        response = http.get(URL)
    assert len(response.json()["items"]) == 12
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "params",
    [
        {"country": "XX"},
        {"service": "magic"},
        {"language": "klingon"},
        {"page": 0},
        {"page_size": 1000},
        {"kind": "castle"},
    ],
)
def test_it_rejects_bad_list_parameters(network, params):
    response = api_client(network.anna).get(URL, params)
    assert response.status_code == 422


def test_it_answers_404_for_a_missing_entry_and_an_id_that_is_not_one(network):
    http = api_client(network.anna)
    assert http.get(f"{URL}/{uuid.uuid4()}").status_code == 404
    assert http.get(f"{URL}/42").status_code == 404


def test_it_lets_the_secretariat_add_an_entry_for_any_keeper(network):
    response = post(api_client(network.dana), URL, {**NEW, "owner_id": str(network.bg.id)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_id"] == str(network.bg.id)
    assert body["services"] == ["shelter", "accommodation_minors"]
    assert body["verification_overdue"] is True
    assert AuditEvent.objects.filter(action="directory.create", object_id=body["id"]).exists()


def test_it_keeps_an_org_admins_new_entry_with_their_organisation(network):
    response = post(api_client(network.olga), URL, NEW)
    assert response.status_code == 201
    assert response.json()["owner_id"] == str(network.nl.id)
    refused = post(api_client(network.olga), URL, {**NEW, "owner_id": str(network.lsi.id)})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "owner_id"]


@pytest.mark.parametrize("who", ["anna", "sam", "boris", "chiara", "pat"])
def test_it_answers_403_to_roles_that_do_not_keep_the_directory(network, entries, who):
    http = api_client(getattr(network, who))
    assert post(http, URL, NEW).status_code == 403
    assert patch(http, f"{URL}/{entries.shelter.id}", {"city": "X"}).status_code == 403
    assert Entry.objects.filter(name="Shelter Brno").count() == 0


def test_it_answers_403_to_an_org_admin_changing_another_organisations_entry(network, entries, bea):
    http = api_client(bea)
    assert patch(http, f"{URL}/{entries.shelter.id}", {"city": "Sofia"}).status_code == 403
    assert patch(http, f"{URL}/{entries.embassy.id}", {"active": False}).status_code == 403
    assert patch(http, f"{URL}/{entries.sofia.id}", {"city": "Plovdiv"}).status_code == 200
    entries.shelter.refresh_from_db()
    assert entries.shelter.city == "Amsterdam"


def test_it_changes_only_the_fields_given(network, entries):
    http = api_client(network.olga)
    response = patch(
        http, f"{URL}/{entries.shelter.id}", {"city": "Amstelveen", "languages": ["nl", "ar"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["city"], body["languages"], body["name"]) == (
        "Amstelveen", ["nl", "ar"], "Safe House Amsterdam")  # fmt: skip
    assert body["services"] == ["shelter", "psychological"]
    event = AuditEvent.objects.filter(action="directory.update").get()
    assert event.fields == ["city", "languages"]


def test_it_empties_a_field_given_as_null_and_deactivates(network, entries):
    http = api_client(network.dana)
    response = patch(http, f"{URL}/{entries.embassy.id}", {"city": None, "active": False})
    assert response.status_code == 200
    assert response.json()["city"] == ""
    assert response.json()["active"] is False


def test_it_writes_nothing_when_a_change_changes_nothing(network, entries):
    patch(api_client(network.olga), f"{URL}/{entries.shelter.id}", {"city": "Amsterdam"})
    assert not AuditEvent.objects.filter(action="directory.update").exists()


BAD_BODIES = [
    ({**NEW, "country": "XX"}, "country"),
    ({**NEW, "kind": "castle"}, "kind"),
    ({**NEW, "services": ["magic"]}, "services"),
    ({**NEW, "languages": ["klingon"]}, "languages"),
    ({**NEW, "phones": ["call me"]}, "phones"),
    ({**NEW, "emails": ["nope"]}, "emails"),
    ({**NEW, "website": "javascript:alert(1)"}, "website"),
    ({**NEW, "last_verified": "2999-01-01"}, "last_verified"),
    ({**NEW, "name": ""}, "name"),
    ({**NEW, "name": "x" * 201}, "name"),
    ({**NEW, "phones": ["+1 555 0100"] * 11}, "phones"),
    ({**NEW, "colour": "red"}, "colour"),
    ({k: v for k, v in NEW.items() if k != "kind"}, "kind"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_it_rejects_invalid_entries_and_changes_nothing(network, body, field):
    response = post(api_client(network.dana), URL, body)
    assert response.status_code == 422, response.content
    assert ["body", field] in [error["loc"][:2] for error in response.json()["detail"]]
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"name": None},
        {"country": "XX"},
        {"services": ["magic"]},
        {"active": "maybe"},
        {"owner_id": "not-a-uuid"},
        {"last_verified": "yesterday"},
    ],
)
def test_it_rejects_invalid_changes_and_changes_nothing(network, entries, body):
    response = patch(api_client(network.dana), f"{URL}/{entries.shelter.id}", body)
    assert response.status_code == 422
    entries.shelter.refresh_from_db()
    assert entries.shelter.name == "Safe House Amsterdam"


@pytest.mark.parametrize("raw", ["", "[]", "not json", '"text"'])
def test_it_rejects_bodies_that_are_not_a_json_object(network, raw):
    http = api_client(network.dana)
    assert http.post(URL, raw, content_type="application/json").status_code in (400, 422)


def test_it_describes_its_operations_in_the_openapi_schema(db):
    from django.test import Client as HttpClient

    spec = HttpClient().get("/api/v1/openapi.json").json()
    operations = {(m.upper(), p) for p, item in spec["paths"].items() for m in item}
    assert {
        ("GET", "/api/v1/directory"),
        ("POST", "/api/v1/directory"),
        ("GET", "/api/v1/directory/{entry_id}"),
        ("PATCH", "/api/v1/directory/{entry_id}"),
    } <= operations
    assert spec["components"]["schemas"]["EntryIn"]["additionalProperties"] is False
    assert "accommodation_minors" in spec["components"]["schemas"]["ServiceOffered"]["enum"]


def test_it_reports_an_old_verification_as_overdue(network, entries):
    body = api_client(network.anna).get(f"{URL}/{entries.police.id}").json()
    assert body["verification_overdue"] is True
    assert body["last_verified"] == (timezone.localdate() - dt.timedelta(days=500)).isoformat()
