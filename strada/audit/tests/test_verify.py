"""``strada audit verify``: the chain checks out, or the first broken link is named."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection

from strada.audit.guard import set_append_only
from strada.audit.log import Entry, record_now
from strada.audit.models import AuditEvent


@pytest.fixture
def events(db):
    return [record_now(Entry(action=f"test.{n}", object_id=str(n))) for n in range(5)]


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_it_says_ok_with_the_number_of_events(events):
    assert _verify().strip() == "5 events checked. OK"


def test_it_says_ok_for_an_empty_log(db):
    assert "0 events checked. OK" in _verify()


def test_it_names_an_edited_event(events):
    set_append_only(connection, False)  # only a tamperer (or this test) lowers the wall
    edited = events[2]
    AuditEvent.objects.filter(seq=edited.seq).update(reason="nothing happened")
    with pytest.raises(CommandError) as failure:
        _verify()
    assert failure.value.returncode == 1
    message = str(failure.value)
    assert f"at event #{edited.seq}:" in message
    assert "its content does not match its hash" in message
    assert message.startswith("2 events checked.")


def test_it_names_the_event_after_a_removed_one(events):
    set_append_only(connection, False)
    AuditEvent.objects.filter(seq=events[1].seq).delete()
    with pytest.raises(CommandError, match=rf"at event #{events[2].seq}: its link"):
        _verify()


def test_it_notices_that_the_last_event_was_removed(events):
    set_append_only(connection, False)
    AuditEvent.objects.filter(seq=events[-1].seq).delete()
    with pytest.raises(CommandError) as failure:
        _verify()
    assert failure.value.returncode == 1
    message = str(failure.value)
    assert f"after event #{events[-2].seq}:" in message
    assert "were removed" in message
    assert "counts 5 events, 4 found" in message


def test_it_exits_with_status_1_from_the_command_line(events, capsys):
    set_append_only(connection, False)
    AuditEvent.objects.filter(seq=events[0].seq).update(action="test.forged")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["strada", "audit", "verify"]).execute()
    assert exit_.value.code == 1
    assert f"at event #{events[0].seq}" in capsys.readouterr().err
