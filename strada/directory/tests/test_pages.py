"""The directory pages: reading for everyone, search and filters, keeping by the owners only."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from strada.audit.models import AuditEvent
from strada.directory.models import ContactPerson, Entry
from strada.directory.tests.conftest import make_entry

LIST = "/directory/"


def _names(response) -> list[str]:
    return [entry.name for entry in response.context["page"].object_list]


# Reading


@pytest.mark.parametrize(
    "who", ["anna", "sam", "boris", "olga", "chiara", "bogdan", "dana", "nick", "pat"]
)
def test_it_lets_every_role_read_the_list_and_an_entry(network, entries, login, who):
    http = login(getattr(network, who))
    listing = http.get(LIST)
    detail = http.get(f"/directory/{entries.shelter.id}/")
    assert listing.status_code == 200
    assert "Safe House Amsterdam" in listing.content.decode()
    assert detail.status_code == 200
    assert "Marieke Jansen" in detail.content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(entries, client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_a_missing_entry(network, login):
    assert login(network.anna).get(f"/directory/{uuid.uuid4()}/").status_code == 404


def test_it_searches_names_cities_and_contact_persons(network, entries, login):
    http = login(network.anna)
    assert _names(http.get(LIST, {"q": "safe"})) == ["Safe House Amsterdam"]
    assert _names(http.get(LIST, {"q": "rotterdam"})) == ["Police Unit Rotterdam"]
    assert _names(http.get(LIST, {"q": "Jansen"})) == ["Safe House Amsterdam"]
    assert _names(http.get(LIST, {"q": "nobody at all"})) == []


def test_it_filters_by_country_kind_service_and_language(network, entries, login):
    http = login(network.chiara)
    assert _names(http.get(LIST, {"country": "BG"})) == ["Legal Aid Clinic Sofia"]
    assert _names(http.get(LIST, {"kind": "police"})) == ["Police Unit Rotterdam"]
    assert _names(http.get(LIST, {"service": "return"})) == ["Embassy of Ukraine, consular section"]
    assert _names(http.get(LIST, {"language": "uk"})) == ["Embassy of Ukraine, consular section"]
    assert _names(http.get(LIST, {"language": "nl", "service": "shelter"})) == [
        "Safe House Amsterdam"
    ]


def test_it_shows_nothing_for_filters_that_are_not_codes(network, entries, login):
    response = login(network.anna).get(LIST, {"country": "XX", "service": "'; DROP"})
    assert response.status_code == 200
    assert _names(response) == []
    assert response.context["form"].errors


def test_it_lists_deactivated_entries_only_when_asked(network, entries, login):
    entries.police.active = False
    entries.police.save(update_fields=["active"])
    http = login(network.anna)
    assert "Police Unit Rotterdam" not in _names(http.get(LIST))
    assert "Police Unit Rotterdam" in _names(http.get(LIST, {"inactive": "on"}))


def test_it_pages_the_list_with_a_constant_number_of_queries(network, login, settings):
    settings.STRADA_PAGE_SIZE = 5
    http = login(network.anna)
    make_entry(network.dana, name="Entry 00", services=["shelter"])
    http.get(LIST)  # the first request of a session reads more (session, user)
    with CaptureQueriesContext(connection) as few:
        assert http.get(LIST).status_code == 200
    for n in range(1, 12):
        make_entry(network.olga, name=f"Entry {n:02d}", services=["shelter", "medical"])
    with CaptureQueriesContext(connection) as many:
        response = http.get(LIST)
    assert len(_names(response)) == 5
    assert len(many) == len(few)
    last = http.get(LIST, {"page": 3})
    assert _names(last) == ["Entry 10", "Entry 11"]
    assert _names(http.get(LIST, {"page": "many"})) == _names(response)


def test_it_warns_when_an_entry_was_not_verified_for_a_year(network, entries, login):
    http = login(network.anna)
    overdue = http.get(f"/directory/{entries.police.id}/").content.decode()
    fresh = http.get(f"/directory/{entries.shelter.id}/").content.decode()
    assert 'data-testid="verify-banner"' in overdue
    assert 'data-testid="verify-banner"' not in fresh
    listing = http.get(LIST).content.decode()
    assert listing.count('data-testid="verify-warning"') == 1


# Keeping: the wrong role and the wrong organisation


def _manage_urls(entry, person) -> list[str]:
    base = f"/directory/{entry.id}"
    return [
        "/directory/new/",
        f"{base}/edit/",
        f"{base}/verified/",
        f"{base}/deactivate/",
        f"{base}/reactivate/",
        f"{base}/people/add/",
        f"{base}/people/{person.id}/edit/",
        f"{base}/people/{person.id}/remove/",
    ]


@pytest.mark.parametrize("who", ["anna", "sam", "boris", "chiara", "bogdan", "pat"])
def test_it_refuses_every_change_to_roles_that_do_not_keep_the_directory(
    network, entries, login, who
):
    http = login(getattr(network, who))
    person = entries.shelter.people.get()
    for url in _manage_urls(entries.shelter, person):
        assert http.get(url).status_code == 403, url
        assert http.post(url, {"name": "Hacked", "kind": "ngo"}).status_code == 403, url
    assert Entry.objects.filter(name="Hacked").count() == 0
    assert ContactPerson.objects.filter(id=person.id).exists()


def test_it_refuses_an_org_admin_the_entries_of_another_organisation(network, entries, login, bea):
    http = login(bea)
    person = entries.shelter.people.get()
    for url in _manage_urls(entries.shelter, person)[1:]:
        expected = 405 if url.endswith("/verified/") else 403  # a POST-only page
        assert http.get(url).status_code == expected, url
        assert http.post(url, {"name": "Hacked", "kind": "ngo"}).status_code == 403, url
    for url in _manage_urls(entries.embassy, person)[1:6]:
        assert http.post(url, {"name": "Hacked", "kind": "ngo"}).status_code == 403, url
    entries.shelter.refresh_from_db()
    assert entries.shelter.name == "Safe House Amsterdam"
    assert entries.shelter.active
    page = http.get(f"/directory/{entries.shelter.id}/").content.decode()
    assert f"/directory/{entries.shelter.id}/edit/" not in page


def test_it_lets_an_org_admin_keep_their_own_organisations_entries(network, entries, login):
    http = login(network.olga)
    page = http.get(f"/directory/{entries.shelter.id}/").content.decode()
    assert f"/directory/{entries.shelter.id}/edit/" in page
    data = {"name": "Safe House Amsterdam-Noord", "kind": "shelter", "country": "NL"}
    response = http.post(f"/directory/{entries.shelter.id}/edit/", data)
    assert response.status_code == 302
    entries.shelter.refresh_from_db()
    assert entries.shelter.name == "Safe House Amsterdam-Noord"
    assert entries.shelter.owner == network.nl
    assert http.get(f"/directory/{entries.embassy.id}/edit/").status_code == 403


@pytest.mark.parametrize("who", ["dana", "nick"])
def test_it_lets_the_secretariat_keep_every_entry(network, entries, login, who):
    http = login(getattr(network, who))
    data = {"name": "Legal Aid Clinic Sofia", "kind": "lawyer", "country": "BG", "city": "Plovdiv",
            "owner": str(network.bg.id)}  # fmt: skip
    assert http.post(f"/directory/{entries.sofia.id}/edit/", data).status_code == 302
    entries.sofia.refresh_from_db()
    assert entries.sofia.city == "Plovdiv"


def test_it_keeps_an_org_admins_new_entry_with_their_organisation(network, login):
    data = {
        "name": "Hotline Nederland",
        "kind": "hotline",
        "country": "NL",
        "phones": "+31 800 0000\n\n+31 20 555 1234",
        "emails": "help@hotline.example",
        "services": ["hotline", "interpretation"],
        "languages": ["nl", "en", "uk"],
        "last_verified": timezone.localdate().isoformat(),
        "owner": str(network.lsi.id),  # not a field of theirs: ignored
    }
    response = login(network.olga).post("/directory/new/", data)
    entry = Entry.objects.get(name="Hotline Nederland")
    assert response.status_code == 302
    assert response["Location"] == f"/directory/{entry.id}/"
    assert entry.owner == network.nl
    assert entry.phones == ["+31 800 0000", "+31 20 555 1234"]
    assert entry.services == ["hotline", "interpretation"]
    assert entry.languages == ["nl", "en", "uk"]
    event = AuditEvent.objects.get(action="directory.create")
    assert event.actor_username == "olga"
    assert event.object_id == str(entry.id)


def test_it_lets_the_secretariat_choose_who_keeps_a_new_entry(network, login):
    data = {
        "name": "Shelter Varna",
        "kind": "shelter",
        "country": "BG",
        "owner": str(network.bg.id),
    }
    assert login(network.nick).post("/directory/new/", data).status_code == 302
    assert Entry.objects.get(name="Shelter Varna").owner == network.bg


def test_it_explains_each_bad_field_and_saves_nothing(network, login):
    bad = {
        "name": "",
        "kind": "castle",
        "country": "XX",
        "phones": "+31 20 123\ncall me",
        "emails": "not-an-email",
        "website": "javascript:alert(1)",
        "services": ["teleportation"],
        "languages": ["klingon"],
        "last_verified": "2999-01-01",
        "notes": "x" * 5000,
    }
    response = login(network.dana).post("/directory/new/", bad)
    assert response.status_code == 200
    assert "Nothing was saved yet" in response.content.decode()
    errors = response.context["form"].errors
    for field in ["name", "kind", "country", "phones", "emails", "website", "services",
                  "languages", "last_verified", "notes"]:  # fmt: skip
        assert errors.get(field), field
    assert "call me" in str(errors["phones"])
    assert Entry.objects.count() == 0


def test_it_asks_before_deactivating_and_reactivating(network, entries, login):
    http = login(network.olga)
    url = f"/directory/{entries.shelter.id}/deactivate/"
    confirm = http.get(url)
    assert confirm.status_code == 200
    assert "Deactivate Safe House Amsterdam?" in confirm.content.decode()
    entries.shelter.refresh_from_db()
    assert entries.shelter.active
    assert http.post(url).status_code == 302
    entries.shelter.refresh_from_db()
    assert not entries.shelter.active
    assert AuditEvent.objects.filter(action="directory.deactivate").count() == 1
    http.post(url)  # again: nothing to do, no event
    assert AuditEvent.objects.filter(action="directory.deactivate").count() == 1
    http.post(f"/directory/{entries.shelter.id}/reactivate/")
    entries.shelter.refresh_from_db()
    assert entries.shelter.active


def test_it_marks_an_entry_verified_today_by_post_only(network, entries, login):
    http = login(network.olga)
    url = f"/directory/{entries.police.id}/verified/"
    assert http.get(url).status_code == 405
    assert http.post(url).status_code == 302
    entries.police.refresh_from_db()
    assert entries.police.last_verified == timezone.localdate()
    assert AuditEvent.objects.get(action="directory.update").fields == ["last_verified"]


def test_it_adds_changes_and_removes_contact_persons(network, entries, login):
    http = login(network.olga)
    base = f"/directory/{entries.police.id}/people"
    response = http.post(
        f"{base}/add/",
        {"name": "Inspector Bakker", "function": "Duty officer", "phone": "+31 10 000 1111",
         "email": "bakker@police.example", "languages": ["nl", "en"]},
    )  # fmt: skip
    assert response.status_code == 302
    person = entries.police.people.get()
    assert person.languages == ["nl", "en"]
    assert http.post(f"{base}/{person.id}/edit/", {"name": "Inspector Bakker", "phone": "+31 10 1"})
    person.refresh_from_db()
    assert person.phone == "+31 10 1"
    assert person.function == ""
    assert http.get(f"{base}/{person.id}/remove/").status_code == 200
    assert entries.police.people.exists()
    assert http.post(f"{base}/{person.id}/remove/").status_code == 302
    assert not entries.police.people.exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(entries.police.id))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["directory.person.add", "directory.person.update",
                            "directory.person.remove"]  # fmt: skip


def test_it_refuses_a_bad_contact_person_and_saves_nothing(network, entries, login):
    response = login(network.olga).post(
        f"/directory/{entries.police.id}/people/add/",
        {"name": "", "phone": "ring ring", "email": "nope", "languages": ["xx"]},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "phone", "email", "languages"}
    assert not entries.police.people.exists()


def test_it_answers_404_for_a_contact_person_of_another_entry(network, entries, login):
    person = entries.shelter.people.get()
    url = f"/directory/{entries.police.id}/people/{person.id}/edit/"
    assert login(network.olga).get(url).status_code == 404
