"""Changes to the directory. Each ``do_*`` function is one transaction with its audit event.

Security contract: the caller has passed the policy check and reached the entry through
``directory.access``; each action checks again that the actor may keep the entry (the secretariat
every entry, an organisation admin those of its own organisation) and that an organisation admin
neither gives an entry to another organisation nor takes one from it. ``actor`` None is the command
line (``strada demo``). Audit events name the fields that changed, never their values.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from strada.audit.log import Entry as AuditEntry
from strada.audit.log import record
from strada.directory.access import keeps_everything, may_edit_entry
from strada.directory.models import ContactPerson, Entry
from strada.orgs.models import Organisation
from strada.orgs.policy import can

ENTRY_FIELDS = [
    "name",
    "kind",
    "country",
    "city",
    "street",
    "postal_code",
    "phones",
    "emails",
    "website",
    "services",
    "languages",
    "notes",
    "last_verified",
    "owner",
]
PERSON_FIELDS = ["name", "function", "phone", "email", "languages"]
LIST_FIELDS = frozenset({"phones", "emails", "services", "languages"})


def _audit(actor: Any, action: str, entry: Entry, fields: list[str]) -> None:
    record(
        AuditEntry(
            action=action,
            actor=actor,
            org_id=entry.owner_id,
            object_type="directory_entry",
            object_id=entry.id,
            fields=sorted(fields),
        )
    )


def _check_fields(values: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Lists without blanks and repeats, in the order given; text without outer spaces."""
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name in LIST_FIELDS and isinstance(value, list | tuple):
            seen: list[Any] = []
            for item in value:
                item = item.strip() if isinstance(item, str) else item
                if item not in ("", None) and item not in seen:
                    seen.append(item)
            value = seen
        elif isinstance(value, str):
            value = value.strip()
        clean[name] = value
    return clean


def _check_owner(actor: Any, owner: Organisation | None) -> None:
    """An organisation admin keeps entries of their own organisation only."""
    if actor is None or keeps_everything(actor):
        return
    if owner is None or owner.id != actor.organisation_id:
        raise PermissionDenied


def _may_manage(actor: Any, entry: Entry) -> None:
    if actor is None:
        return
    if not may_edit_entry(actor, entry):
        raise PermissionDenied


def _full_clean(entry: Entry) -> None:
    entry.full_clean(exclude=["owner"], validate_unique=False)


def do_create_entry(actor: Any, **values: Any) -> Entry:
    """Add an entry. An organisation admin's entry is kept by their organisation whatever the input
    says about ``owner``; the secretariat may name any organisation (or none: the secretariat)."""
    if actor is not None and not can(actor, "directory.manage"):
        raise PermissionDenied
    _check_fields(values, ENTRY_FIELDS)
    values = _normalised(values)
    if (actor is not None and not keeps_everything(actor)) or (
        "owner" not in values and actor is not None
    ):
        values["owner"] = actor.organisation
    _check_owner(actor, values.get("owner"))
    with transaction.atomic():
        entry = Entry(id=uuid.uuid4(), **values)
        _full_clean(entry)
        entry.save()
        _audit(
            actor,
            "directory.create",
            entry,
            [k for k, v in values.items() if v not in ("", None, [])],
        )
    return entry


def do_update_entry(actor: Any, entry: Entry, **values: Any) -> list[str]:
    """Change the fields given; return the names of those that changed (none: nothing written)."""
    _may_manage(actor, entry)
    _check_fields(values, ENTRY_FIELDS)
    values = _normalised(values)
    # Only the secretariat hands an entry to another keeper.
    moves = "owner" in values and values["owner"] != entry.owner
    if moves and actor is not None and not keeps_everything(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(id=entry.id)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, values[name])
        _full_clean(locked)
        locked.save(update_fields=[*changed, "updated_at"])
        _audit(actor, "directory.update", locked, changed)
    for field in Entry._meta.concrete_fields:
        setattr(entry, field.attname, getattr(locked, field.attname))
    if "owner" in changed:
        entry.owner = locked.owner
    return sorted(changed)


def do_set_entry_active(actor: Any, entry: Entry, active: bool) -> bool:
    """Deactivate (hide from the list and from new services) or reactivate an entry. The entry
    stays, because services of case records may name it. Returns whether anything changed."""
    _may_manage(actor, entry)
    if entry.active == active:
        return False
    with transaction.atomic():
        entry.active = active
        entry.save(update_fields=["active", "updated_at"])
        _audit(actor, "directory.activate" if active else "directory.deactivate", entry, ["active"])
    return True


def do_add_contact_person(actor: Any, entry: Entry, **values: Any) -> ContactPerson:
    """Add a professional to ask for at an entry (not a client: a name, function and direct line)."""
    _may_manage(actor, entry)
    _check_fields(values, PERSON_FIELDS)
    values = _normalised(values)
    with transaction.atomic():
        person = ContactPerson(id=uuid.uuid4(), entry=entry, **values)
        person.full_clean(exclude=["entry"], validate_unique=False)
        person.save()
        _audit(actor, "directory.person.add", entry, ["people"])
    return person


def do_update_contact_person(actor: Any, person: ContactPerson, **values: Any) -> list[str]:
    _may_manage(actor, person.entry)
    _check_fields(values, PERSON_FIELDS)
    values = _normalised(values)
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(person, name, values[name])
        person.full_clean(exclude=["entry"], validate_unique=False)
        person.save(update_fields=[*changed, "updated_at"])
        _audit(actor, "directory.person.update", person.entry, [f"people.{n}" for n in changed])
    return sorted(changed)


def do_remove_contact_person(actor: Any, person: ContactPerson) -> None:
    entry = person.entry
    _may_manage(actor, entry)
    with transaction.atomic():
        person.delete()
        _audit(actor, "directory.person.remove", entry, ["people"])


def do_record_export(
    actor: Any, export_format: str, count: int, entry: Entry | None = None
) -> None:
    """Audit an export of the directory (CSV or vCard, one entry or a filtered list)."""
    if not can(actor, "directory.view"):
        raise PermissionDenied
    with transaction.atomic():
        record(
            AuditEntry(
                action="directory.export",
                actor=actor,
                org_id=actor.organisation_id,
                object_type="directory_entry" if entry else "directory",
                object_id=entry.id if entry else "",
                fields=[export_format],
                reason=f"{count} entries",
            )
        )
