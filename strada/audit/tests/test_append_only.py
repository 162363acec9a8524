from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from strada.audit.guard import set_append_only
from strada.audit.log import Entry, record_now, verify
from strada.audit.models import AuditEvent


def test_it_refuses_to_change_or_delete_an_event_in_the_database(db):
    set_append_only(connection, True)
    event = record_now(Entry(action="test.event"))
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).update(action="test.other")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).delete()
    assert AuditEvent.objects.get(seq=event.seq).action == "test.event"


def test_it_refuses_to_write_an_event_outside_a_transaction(transactional_db):
    from strada.audit.log import record

    with pytest.raises(RuntimeError, match="inside the transaction"):
        record(Entry(action="test.event"))


def test_it_chains_events_so_that_the_chain_verifies(db):
    for n in range(5):
        record_now(Entry(action=f"test.{n}", object_id=str(n)))
    verdict = verify()
    assert verdict.ok
    assert verdict.checked == 5


def test_it_stores_no_personal_data_only_field_names(network):
    from strada.conftest import register

    register(network.anna, first_name="Олена", mobile_phone="+380 50 000 0001")
    for event in AuditEvent.objects.all():
        text = str(event.__dict__)
        assert "Олена" not in text
        assert "000 0001" not in text
    registered = AuditEvent.objects.get(action="client.register")
    assert "first_name" in registered.fields
    assert "mobile_phone" in registered.fields
