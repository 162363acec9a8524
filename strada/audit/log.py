"""Writing and verifying the hash-chained audit log.

``record`` must run inside the transaction of the act it records, so that an act and its event are
committed together or not at all. It locks the chain head row, links the new event to the previous
one by hash, and moves the head. Events hold ids, action names and field names only.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, overload

from django.db import connection, transaction
from django.utils import timezone

from strada.audit.models import AuditEvent, ChainHead
from strada.lib.bulk import add_to_counter, insert_rows, update_row

GENESIS = "0" * 64


@dataclass
class Context:
    ip: str = ""
    via: str = "cli"


current_context: contextvars.ContextVar[Context | None] = contextvars.ContextVar(
    "strada_audit_context", default=None
)


@dataclass
class Entry:
    """One event to be written: what happened, by whom, to which object, touching which fields."""

    action: str
    actor: Any = None
    org_id: Any = None
    object_type: str = ""
    object_id: Any = ""
    fields: list[str] = field(default_factory=list)
    reason: str = ""


def _payload_of(data: Mapping[str, Any]) -> bytes:
    """The hashed form of an event, from its attribute values (an instance's or a new row's)."""
    payload = {
        "id": str(data["id"]),
        "at": data["at"].isoformat(),
        "action": data["action"],
        "actor_id": str(data["actor_id"] or ""),
        "actor_username": data["actor_username"],
        "actor_org_id": str(data["actor_org_id"] or ""),
        "org_id": str(data["org_id"] or ""),
        "object_type": data["object_type"],
        "object_id": data["object_id"],
        "fields": list(data["fields"]),
        "reason": data["reason"],
        "ip": data["ip"],
        "via": data["via"],
        "prev_hash": data["prev_hash"],
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _payload(event: AuditEvent) -> bytes:
    return _payload_of(vars(event))


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_payload(event)).hexdigest()


def _build(entry: Entry, at: datetime, context: Context) -> dict[str, Any]:
    actor = entry.actor
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "id": uuid.uuid4(),
        "at": at,
        "action": entry.action,
        "actor_id": actor.id if authenticated else None,
        "actor_username": actor.username if authenticated else "",
        "actor_org_id": actor.organisation_id if authenticated else None,
        "org_id": entry.org_id,
        "object_type": entry.object_type,
        "object_id": str(entry.object_id or ""),
        "fields": sorted(entry.fields),
        "reason": entry.reason[:200],
        "ip": context.ip,
        "via": context.via,
    }


@overload
def record_many(entries: Iterable[Entry]) -> list[AuditEvent]: ...
@overload
def record_many(entries: Iterable[Entry], *, returning: Literal[True]) -> list[AuditEvent]: ...
@overload
def record_many(entries: Iterable[Entry], *, returning: Literal[False]) -> None: ...


def record_many(entries: Iterable[Entry], *, returning: bool = True) -> list[AuditEvent] | None:
    """Append events in order, in the caller's transaction; return them (with their ``seq``), or,
    with ``returning=False`` (batches whose caller does not need them), write them only."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be written inside the transaction of their act")
    context = current_context.get() or Context()
    at = timezone.now()
    rows = [_build(entry, at, context) for entry in entries]
    if not rows:
        return [] if returning else None
    # Lock the chain head and count the new events in one statement (the very first event of a
    # database creates the head); its hash is still the last event's.
    _seq, previous = add_to_counter(
        ChainHead, {"id": 1}, "seq", len(rows), defaults={"hash": GENESIS}, also=["hash"]
    )
    sha256 = hashlib.sha256
    for row in rows:
        row["prev_hash"] = previous
        row["hash"] = previous = sha256(_payload_of(row)).hexdigest()
    if returning:
        events = [AuditEvent(**row) for row in rows]
        numbers = dict(insert_rows(AuditEvent, events, returning=("hash", "seq")))
        for event in events:
            event.seq = numbers[event.hash]
            event._state.adding = False
    else:
        insert_rows(AuditEvent, rows)
    update_row(ChainHead, 1, {"hash": previous})
    return events if returning else None


def record(entry: Entry) -> AuditEvent:
    return record_many([entry])[0]


def record_now(entry: Entry) -> AuditEvent:
    """Record an event that is an act by itself (a read, a login): its own transaction."""
    with transaction.atomic():
        return record(entry)


@dataclass
class Verdict:
    """The result of a walk along the chain: how many events were sound, and the first problem.

    ``broken_seq`` names the first bad event; it is None when events were removed from the end (then
    ``last_seq`` is the last sound one).
    """

    checked: int
    ok: bool = True
    broken_seq: int | None = None
    problem: str = ""
    last_seq: int | None = None


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


def verify() -> Verdict:
    """Walk the chain from the start; name the first event whose link or content is wrong."""
    previous = GENESIS
    checked = 0
    last_seq = None
    for event in _events():
        if event.prev_hash != previous:
            return Verdict(
                checked, False, event.seq, "its link to the previous event is broken", last_seq
            )
        if compute_hash(event) != event.hash:
            return Verdict(
                checked, False, event.seq, "its content does not match its hash", last_seq
            )
        previous = event.hash
        last_seq = event.seq
        checked += 1
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.hash != previous or head.seq != checked):
        return Verdict(
            checked,
            False,
            None,
            "events after the last one checked were removed "
            f"(the chain head counts {head.seq} events, {checked} found)",
            last_seq,
        )
    if head is None and checked:
        return Verdict(checked, False, None, "the chain head is missing", last_seq)
    return Verdict(checked, last_seq=last_seq)
