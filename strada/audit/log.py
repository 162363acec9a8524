"""Writing and verifying the hash-chained audit log.

``record`` must run inside the transaction of the act it records, so that an act and its event are
committed together or not at all. It locks the chain head row, links the new event to the previous
one by hash, and moves the head. Events hold ids, action names and field names only.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from strada.audit.models import AuditEvent, ChainHead

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


def _payload(event: AuditEvent) -> bytes:
    data = {
        "id": str(event.id),
        "at": event.at.isoformat(),
        "action": event.action,
        "actor_id": str(event.actor_id or ""),
        "actor_username": event.actor_username,
        "actor_org_id": str(event.actor_org_id or ""),
        "org_id": str(event.org_id or ""),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "fields": list(event.fields),
        "reason": event.reason,
        "ip": event.ip,
        "via": event.via,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_payload(event)).hexdigest()


def _build(entry: Entry, at: datetime, context: Context) -> AuditEvent:
    actor = entry.actor
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
        at=at,
        action=entry.action,
        actor_id=actor.id if authenticated else None,
        actor_username=actor.username if authenticated else "",
        actor_org_id=actor.organisation_id if authenticated else None,
        org_id=entry.org_id,
        object_type=entry.object_type,
        object_id=str(entry.object_id or ""),
        fields=sorted(entry.fields),
        reason=entry.reason[:200],
        ip=context.ip,
        via=context.via,
    )


def record_many(entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append events in order, in the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be written inside the transaction of their act")
    context = current_context.get() or Context()
    at = timezone.now()
    events = [_build(entry, at, context) for entry in entries]
    if not events:
        return []
    head = ChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:  # the very first event of a database
        head = ChainHead.objects.create(id=1, seq=0, hash=GENESIS)
    previous = head.hash
    for event in events:
        event.prev_hash = previous
        event.hash = compute_hash(event)
        previous = event.hash
    AuditEvent.objects.bulk_create(events)
    ChainHead.objects.filter(id=1).update(hash=previous, seq=head.seq + len(events))
    return events


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
