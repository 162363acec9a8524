"""``lib.bulk``: prepared inserts and counters write exactly what the ORM would."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from strada.audit.models import ChainHead
from strada.cases.models import Case, TraffickingEvent
from strada.clients.models import Client, Consent, SearchToken
from strada.lib.bulk import add_to_counter, insert_rows, update_row
from strada.orgs.models import ReferenceCounter


def _client(network, reference: str, **values) -> Client:
    return Client(
        id=uuid.uuid4(),
        organisation=network.nl,
        reference=reference,
        registered_on=dt.date(2026, 3, 1),
        wrapped_key=b"\x01wrapped\x00key",
        first_name_enc=b"\x01\xffcipher",
        created_by=network.anna,
        **values,
    )


def _stored(model, obj) -> dict:
    fresh = model.objects.get(pk=obj.pk)
    return {
        f.attname: (bytes(v) if isinstance(v := getattr(fresh, f.attname), memoryview) else v)
        for f in model._meta.concrete_fields
    }


def test_an_instance_is_stored_as_the_orm_stores_it(network):
    coded = {
        "gender": "Masculine", "birth_year": 1990, "citizenship": ["UA", "MD"], "primary_language": "uk",
        "number_of_children": 2, "mailing_country": "NL", "has_name": True,
    }  # fmt: skip
    ours, theirs = _client(network, "B-1", **coded), _client(network, "O-1", **coded)
    insert_rows(Client, [ours])
    theirs.save()
    mine, orm = _stored(Client, ours), _stored(Client, theirs)
    for name in ("id", "reference", "created_at", "updated_at"):
        mine.pop(name), orm.pop(name)
    assert mine == orm
    assert mine["citizenship"] == ["UA", "MD"]
    assert mine["wrapped_key"] == b"\x01wrapped\x00key"
    assert mine["mailing_country"] == "NL"
    # auto_now / auto_now_add are set on the instance, as save() sets them, and stored as such.
    assert ours.created_at is not None
    assert Client.objects.get(pk=ours.pk).created_at == ours.created_at


def test_mappings_get_the_field_defaults_and_foreign_keys_by_attname(network):
    client = _client(network, "B-2")
    insert_rows(Client, [client])
    insert_rows(
        Consent,
        [
            {
                "client_id": client.id,
                "organisation_id": client.organisation_id,
                "purpose": "services",
                "given_on": dt.date(2026, 3, 1),
                "wording_version": "v1",
                "language": "uk",
                "recorded_by_id": network.anna.id,
            }
        ],
    )
    consent = Consent.objects.get(client=client)
    assert isinstance(consent.id, uuid.UUID)  # the callable default, called per row
    assert consent.form == "written"  # the field's default
    assert consent.recipient_id is None
    assert consent.withdrawn_on is None
    assert abs(consent.recorded_at - timezone.now()) < dt.timedelta(minutes=1)
    stored = Client.objects.get(pk=client.pk)
    assert (stored.gender, stored.citizenship, stored.mailing_country) == (
        "NonSpecifiedUnknown",
        [],
        "",
    )


def test_it_leaves_the_auto_numbered_key_to_the_database_and_returns_columns(network):
    client = _client(network, "B-3")
    insert_rows(Client, [client])
    rows = [
        {"client_id": client.id, "organisation_id": network.nl.id, "kind": "name", "token": f"{n:064x}"}
        for n in range(2500)  # more than one statement's worth of parameters
    ]  # fmt: skip
    returned = insert_rows(SearchToken, rows, returning=("token", "id"))
    ids = dict(SearchToken.objects.filter(client=client).values_list("token", "id"))
    assert len(ids) == 2500
    assert dict(returned) == ids
    assert insert_rows(SearchToken, []) == []


def test_cases_and_events_keep_their_types(network):
    client = _client(network, "B-4")
    insert_rows(Client, [client])
    case_id = uuid.uuid4()
    insert_rows(
        Case,
        [{"id": case_id, "client_id": client.id, "organisation_id": network.nl.id, "number": 1,
          "opened_on": dt.date(2026, 3, 2), "type_of_exploitation": ["ForcedLabour"]}],
    )  # fmt: skip
    insert_rows(
        TraffickingEvent,
        [{"case_id": case_id, "type": "Recruitment", "country": "UA", "city": "Lviv",
          "date": None, "sequence": 0}],
    )  # fmt: skip
    case = Case.objects.get(id=case_id)
    assert case.type_of_exploitation == ["ForcedLabour"]
    assert case.opened_on == dt.date(2026, 3, 2)
    assert case.methods_of_control == []
    event = TraffickingEvent.objects.get(case=case)
    assert (event.country.code, event.city, event.date) == ("UA", "Lviv", None)


def test_a_counter_is_created_then_added_to_in_one_statement(network, django_assert_num_queries):
    key = {"organisation": network.nl.id, "year": 2031}
    with transaction.atomic(), django_assert_num_queries(1):
        assert add_to_counter(ReferenceCounter, key, "last_number", 3) == (3,)
    with transaction.atomic():
        assert add_to_counter(ReferenceCounter, key, "last_number", 2) == (5,)
    assert ReferenceCounter.objects.get(organisation=network.nl, year=2031).last_number == 5
    assert ReferenceCounter.objects.filter(year=2031).count() == 1


def test_a_counter_returns_other_columns_and_fills_defaults_on_creation(db):
    ChainHead.objects.all().delete()
    with transaction.atomic():
        first = add_to_counter(ChainHead, {"id": 1}, "seq", 2, defaults={"hash": "a" * 64},
                               also=["hash"])  # fmt: skip
        assert first == (2, "a" * 64)
        assert update_row(ChainHead, 1, {"hash": "b" * 64}) == 1
        again = add_to_counter(ChainHead, {"id": 1}, "seq", 1, defaults={"hash": "d" * 64},
                               also=["hash"])  # fmt: skip
        assert again == (3, "b" * 64)  # the defaults only go into a new row
    assert update_row(ChainHead, 2, {"hash": "c" * 64}) == 0


def test_rows_naming_different_attributes_each_get_their_own_defaults(network):
    """The plan of a call is worked out from its first row; a row naming other attributes must
    still get its own values and the defaults of what it leaves out."""
    client = _client(network, "B-3")
    insert_rows(Client, [client])
    common = {
        "client_id": client.id,
        "organisation_id": client.organisation_id,
        "given_on": dt.date(2026, 3, 1),
        "wording_version": "v1",
        "language": "uk",
    }
    insert_rows(
        Consent,
        [
            {**common, "purpose": "services", "form": "oral"},
            {**common, "purpose": "statistics"},
            {**common, "purpose": "research", "form": "oral", "withdrawn_on": dt.date(2026, 4, 1)},
        ],
    )
    stored = {c.purpose: c for c in Consent.objects.filter(client=client)}
    assert (stored["services"].form, stored["services"].withdrawn_on) == ("oral", None)
    assert (stored["statistics"].form, stored["statistics"].withdrawn_on) == ("written", None)
    assert stored["research"].withdrawn_on == dt.date(2026, 4, 1)
    assert len({c.id for c in stored.values()}) == 3  # the callable default, once per row
