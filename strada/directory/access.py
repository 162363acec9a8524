"""Checked reads of the directory. Views, API and exports reach entries only through these functions.

Security contract: the directory holds no client data, so every signed-in role allowed
``directory.view`` reads every entry, active or not; a missing entry raises Http404. Changing an entry
needs ``directory.manage`` and ownership: the secretariat's people keep every entry, an organisation
admin only the entries their organisation keeps (``Entry.owner``). Since the entry is readable anyway,
refusing an edit says nothing new and answers 403 (PermissionDenied), not 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from strada.directory.models import ContactPerson, Entry
from strada.orgs.models import OrgKind
from strada.orgs.policy import can


def directory_entries(user: Any) -> QuerySet[Entry]:
    """Every entry, for a user the policy allows to read the directory; none otherwise."""
    if not can(user, "directory.view"):
        return Entry.objects.none()
    return Entry.objects.select_related("owner")


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc


def access_entry(user: Any, entry_id: Any) -> Entry:
    """The entry with this id, for reading; Http404 if there is none (or the user may not read)."""
    entry = directory_entries(user).filter(id=_as_uuid(entry_id)).first()
    if entry is None:
        raise Http404
    return entry


def keeps_everything(user: Any) -> bool:
    """The secretariat's people with ``directory.manage`` keep every entry (and choose owners)."""
    if not can(user, "directory.manage"):
        return False
    return user.organisation.kind == OrgKind.SECRETARIAT


def may_edit_entry(user: Any, entry: Entry) -> bool:
    """May this user change this entry and its contact persons?"""
    if not can(user, "directory.manage"):
        return False
    if keeps_everything(user):
        return True
    return entry.owner_id is not None and entry.owner_id == user.organisation_id


def access_entry_for_edit(user: Any, entry_id: Any) -> Entry:
    """The entry, for changing it: Http404 if missing, PermissionDenied if the user does not keep it."""
    entry = access_entry(user, entry_id)
    if not may_edit_entry(user, entry):
        raise PermissionDenied
    return entry


def access_person(user: Any, entry: Entry, person_id: Any) -> ContactPerson:
    """A contact person of an entry already reached through this module; Http404 otherwise."""
    person = entry.people.filter(id=_as_uuid(person_id)).first()
    if person is None:
        raise Http404
    return person


def search_entries(
    user: Any,
    query: str = "",
    *,
    country: str = "",
    kind: str = "",
    service: str = "",
    language: str = "",
    include_inactive: bool = False,
) -> QuerySet[Entry]:
    """Entries matching a text (in the name, the city or a contact person's name) and filters.

    Plain ``icontains``: the directory is small and holds no client data. Services and languages
    are JSON lists of validated codes; the quoted code matches one element exactly."""
    entries = directory_entries(user)
    if not include_inactive:
        entries = entries.filter(active=True)
    query = query.strip()[:200]
    if query:
        people = ContactPerson.objects.filter(name__icontains=query).values("entry_id")
        entries = entries.filter(
            Q(name__icontains=query) | Q(city__icontains=query) | Q(id__in=people)
        )
    if country:
        entries = entries.filter(country=country)
    if kind:
        entries = entries.filter(kind=kind)
    if service:
        entries = entries.filter(services__icontains=f'"{service}"')
    if language:
        entries = entries.filter(languages__icontains=f'"{language}"')
    return entries
