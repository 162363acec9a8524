"""The directory as CSV (one row per entry, multi-value cells separated by ``;``), every cell
escaped against formula injection (``strada.lib.csvsafe``)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from strada.directory.models import ContactPerson, Entry
from strada.lib.csvsafe import SafeWriter

COLUMNS = [
    "id",
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
    "kept_by",
    "active",
    "contact_persons",
]


def _person(person: ContactPerson) -> str:
    parts = [person.name, person.function, person.phone, person.email]
    return ", ".join(part for part in parts if part)


def _row(entry: Entry) -> list[object]:
    return [
        str(entry.id),
        entry.name,
        entry.kind,
        entry.country.code,
        entry.city,
        entry.street,
        entry.postal_code,
        "; ".join(entry.phones),
        "; ".join(entry.emails),
        entry.website,
        "; ".join(entry.services),
        "; ".join(entry.languages),
        entry.notes,
        entry.last_verified.isoformat() if entry.last_verified else "",
        entry.owner.code if entry.owner else "",
        "yes" if entry.active else "no",
        "; ".join(_person(person) for person in entry.people.all()),
    ]


def to_csv(entries: Iterable[Entry]) -> str:
    """Entries (with ``owner`` selected and ``people`` prefetched) as CSV text with a header."""
    stream = io.StringIO()
    writer = SafeWriter(stream)
    writer.writerow(COLUMNS)
    writer.writerows(_row(entry) for entry in entries)
    return stream.getvalue()
