"""The directory's actions: the same rules for pages, API and the command line."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from strada.audit.log import verify
from strada.audit.models import AuditEvent
from strada.directory import actions
from strada.directory.models import ContactPerson, Entry
from strada.directory.tests.conftest import make_entry


def test_it_writes_one_audit_event_per_change_without_values(network):
    entry = make_entry(network.dana, name="Shelter Lviv", country="UA", phones=["+380 1"])
    actions.do_update_entry(network.dana, entry, city="Lviv", phones=["+380 2"])
    actions.do_set_entry_active(network.dana, entry, False)
    events = list(AuditEvent.objects.order_by("seq").filter(object_type="directory_entry"))
    assert [e.action for e in events] == [
        "directory.create",
        "directory.update",
        "directory.deactivate",
    ]
    assert events[1].fields == ["city", "phones"]
    for event in events:
        assert "+380" not in str(event.fields) + event.reason
    assert verify().ok


def test_it_keeps_entries_of_the_command_line_with_whoever_it_names(network):
    entry = actions.do_create_entry(None, name="Hotline", kind="hotline", country="MD")
    assert entry.owner is None
    assert AuditEvent.objects.get(action="directory.create").actor_username == ""


def test_it_refuses_roles_without_the_right(network):
    with pytest.raises(PermissionDenied):
        actions.do_create_entry(network.anna, name="X", kind="ngo", country="NL")
    entry = make_entry(network.olga)
    for person in (network.anna, network.boris, network.pat):
        with pytest.raises(PermissionDenied):
            actions.do_update_entry(person, entry, city="X")
        with pytest.raises(PermissionDenied):
            actions.do_set_entry_active(person, entry, False)
        with pytest.raises(PermissionDenied):
            actions.do_add_contact_person(person, entry, name="X")


def test_it_lets_an_org_admin_neither_give_away_nor_take_an_entry(network, bea):
    own = make_entry(network.olga, name="Own")
    assert own.owner == network.nl
    with pytest.raises(PermissionDenied):
        actions.do_update_entry(network.olga, own, owner=network.bg)
    with pytest.raises(PermissionDenied):
        actions.do_update_entry(bea, own, owner=network.bg)
    network_entry = make_entry(network.nick, name="Kept by the secretariat", owner=None)
    with pytest.raises(PermissionDenied):
        actions.do_update_entry(network.olga, network_entry, owner=network.nl)
    own.refresh_from_db()
    assert own.owner == network.nl
    moved = actions.do_update_entry(network.nick, own, owner=network.bg)
    assert moved == ["owner"]
    assert Entry.objects.get(id=own.id).owner == network.bg


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("services", ["magic"]),
        ("languages", ["klingon"]),
        ("phones", ["call me"]),
        ("emails", ["nope"]),
        ("country", "XX"),
        ("kind", "castle"),
        ("phones", "+31 20 000"),  # not a list
        ("languages", ["nl", "en", "de", "fr", "it", "es", "pt", "pl", "cs", "bg", "ro"]),
    ],
)
def test_it_refuses_values_that_are_not_valid(network, field, value):
    with pytest.raises(ValidationError) as error:
        make_entry(network.dana, **{field: value})
    assert field in error.value.error_dict
    assert Entry.objects.count() == 0
    assert not AuditEvent.objects.filter(action="directory.create").exists()


def test_it_refuses_unknown_fields(network):
    with pytest.raises(ValidationError):
        make_entry(network.dana, active=False)
    entry = make_entry(network.dana)
    with pytest.raises(ValidationError):
        actions.do_update_entry(network.dana, entry, id="x")


def test_it_tidies_lists_and_text(network):
    entry = make_entry(
        network.dana, name="  Shelter  ", languages=["nl", " nl", "", "en"], phones=[" +31 1 ", ""]
    )
    assert (entry.name, entry.languages, entry.phones) == ("Shelter", ["nl", "en"], ["+31 1"])


def test_it_writes_nothing_when_nothing_changes(network):
    entry = make_entry(network.dana, city="Amsterdam")
    before = AuditEvent.objects.count()
    assert actions.do_update_entry(network.dana, entry, city="Amsterdam") == []
    assert actions.do_set_entry_active(network.dana, entry, True) is False
    assert AuditEvent.objects.count() == before


def test_it_validates_contact_persons(network):
    entry = make_entry(network.dana)
    with pytest.raises(ValidationError):
        actions.do_add_contact_person(network.dana, entry, name="A", languages=["xx"])
    person = actions.do_add_contact_person(network.dana, entry, name="A", phone="+31 6 1")
    with pytest.raises(ValidationError):
        actions.do_update_contact_person(network.dana, person, email="nope")
    person.refresh_from_db()
    assert person.email == ""
    actions.do_remove_contact_person(network.dana, person)
    assert not ContactPerson.objects.exists()
