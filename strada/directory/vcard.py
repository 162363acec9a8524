"""Directory entries as vCard 4.0 (RFC 6350): one ``KIND:org`` card per entry and one
``KIND:individual`` card per contact person, so that an address book gets both the office and the
people to ask for. Lines end in CRLF and are folded at 75 octets without splitting a character."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from strada.directory.models import ContactPerson, Entry

CRLF = "\r\n"


def escape(value: str) -> str:
    """A text value: backslash, comma, semicolon and line breaks escaped (RFC 6350 §3.4)."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets of UTF-8; continuation lines start with a space."""
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # the leading space counts
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def _tel(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    return f"tel:{digits}"


def _card(lines: list[str]) -> str:
    return "".join(
        fold(line) + CRLF for line in ["BEGIN:VCARD", "VERSION:4.0", *lines, "END:VCARD"]
    )


def _languages(codes: list[str]) -> list[str]:
    return [f"LANG;PREF={n}:{code}" for n, code in enumerate(codes, start=1) if n <= 100]


def entry_card(entry: Entry) -> str:
    revised = (entry.updated_at or timezone.now()).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "KIND:org",
        f"UID:urn:uuid:{entry.id}",
        f"FN:{escape(entry.name)}",
        f"ORG:{escape(entry.name)}",
        f"CATEGORIES:{escape(str(entry.get_kind_display()))}",
    ]
    if entry.street or entry.city or entry.postal_code or entry.country:
        adr = ";".join(
            escape(part)
            for part in (
                "",
                "",
                entry.street,
                entry.city,
                "",
                entry.postal_code,
                entry.country.name,
            )
        )
        lines.append(f"ADR;TYPE=work:{adr}")
    lines += [f"TEL;VALUE=uri;TYPE=work:{_tel(phone)}" for phone in entry.phones]
    lines += [f"EMAIL;TYPE=work:{escape(email)}" for email in entry.emails]
    if entry.website:
        lines.append(f"URL:{entry.website}")
    lines += _languages(entry.languages)
    note = ", ".join(entry.service_labels())
    if entry.notes:
        note = f"{note}\n{entry.notes}" if note else entry.notes
    if note:
        lines.append(f"NOTE:{escape(note)}")
    lines.append(f"REV:{revised}")
    return _card(lines)


def person_card(entry: Entry, person: ContactPerson) -> str:
    lines = [
        "KIND:individual",
        f"UID:urn:uuid:{person.id}",
        f"FN:{escape(person.name)}",
        f"ORG:{escape(entry.name)}",
        f"RELATED;TYPE=colleague:urn:uuid:{entry.id}",
    ]
    if person.function:
        lines.append(f"TITLE:{escape(person.function)}")
    if person.phone:
        lines.append(f"TEL;VALUE=uri;TYPE=work:{_tel(person.phone)}")
    if person.email:
        lines.append(f"EMAIL;TYPE=work:{escape(person.email)}")
    lines += _languages(person.languages)
    return _card(lines)


def cards(entries: Iterable[Entry]) -> str:
    """Every entry's card followed by its people's; entries must come with ``people`` prefetched."""
    out: list[str] = []
    for entry in entries:
        out.append(entry_card(entry))
        out += [person_card(entry, person) for person in entry.people.all()]
    return "".join(out)
