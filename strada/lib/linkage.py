"""Linkage tokens: keyed fingerprints of a person's name and birth date for duplicate detection
across organisations, comparable without revealing the name.

A name comes as its fields (first names, surname), each in one or more spellings. It is cut into
words; each word has one or more normalised Latin forms (``names.search_forms``: "Ольга" gives
``olga`` and ``olha``). Words of the original script and of the Latin spelling that share a form are
one *group*. Every unordered pair of forms of two groups from different fields, joined with the birth
date, is a token, so the order of the names does not matter ("Kovalenko Olena" meets "Olena
Kovalenko") and neither does the script ("Олена" meets "Olena"). Two words of one field (a double
first name "Ana-Maria", a double surname) make no pair: with a birth year they would join everyone
who has them. A name written whole in one field pairs its own words. Each pair is written as:

* ``ND`` the exact forms with the full birth date, ``NY`` with the birth year (one side may know
  only the year);
* ``TD`` also every *typo variant* of one of the two forms, with the full date: two spellings one
  typo apart (a letter changed, added, dropped or two swapped) share a variant. A variant drops one
  letter of a Latin form or, for a word in another script, one letter of the original word before
  it is transliterated ("Ожена" and "Олена" both give ``oena``: one Cyrillic letter may become two
  Latin ones). Forms shorter than ``MIN_TYPO_LENGTH`` get none.

A typo with the year only (``TY``) is not written: it would double the table (a client with only a
birth year has a couple of ``NY`` tokens; with ``TY`` some thirty) and more than double the false
alarms among unrelated people, for the one case of a typo *and* a missing birth date
(``bench/linkage.py`` measures all three).

When are two clients "likely the same person" (``likely``)? When they share a token of ``LIKELY``;
but a match on the year alone between two clients whose full birth dates are both known is none:
their dates differ (namesakes born the same year).

A token is ``HMAC-SHA256(network key, kind | pair | date)`` cut to 128 bits. Without the key (derived
from the master key, never stored) a token table gives back no names: guessing one means guessing a
pair of names *and* a birth date and holding the key.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from strada.lib import names

# Kinds, strongest first. A match on any of ``LIKELY`` is reported as "likely the same person".
EXACT_DATE = "ND"
EXACT_YEAR = "NY"
TYPO_DATE = "TD"
TYPO_YEAR = "TY"  # not written any more (see above); old rows of this kind never count
KINDS = (EXACT_DATE, EXACT_YEAR, TYPO_DATE, TYPO_YEAR)
LIKELY = frozenset({EXACT_DATE, EXACT_YEAR, TYPO_DATE})
FULL_DATE = frozenset({EXACT_DATE, TYPO_DATE})  # only a client with a full birth date has these
YEAR_ONLY = frozenset({EXACT_YEAR, TYPO_YEAR})

# Shorter forms get no typo variants: "li" → "l" would join too many people. Three letters ("Ida",
# "Obi") still do: with the surname and the full date, the benchmark shows no false alarm for it.
MIN_TYPO_LENGTH = 3
TOKEN_BYTES = 16


@dataclass(frozen=True)
class _Group:
    forms: frozenset[str]
    variants: frozenset[str]  # the forms and every form one typo away (see the module's doc)
    fields: frozenset[int]  # the name fields its words came from


def _letter_variants(form: str) -> set[str]:
    if len(form) < MIN_TYPO_LENGTH:
        return set()
    return {form[:i] + form[i + 1 :] for i in range(len(form))}


def _source_variants(word: str) -> set[str]:
    """Forms of the word with one letter of its own script dropped (for a non-Latin script)."""
    if word.isascii() or len(word) < MIN_TYPO_LENGTH:
        return set()
    result: set[str] = set()
    for i in range(len(word)):
        result |= names.search_forms(word[:i] + word[i + 1 :])
    return result


def _groups(name: Sequence[str | Iterable[str]]) -> list[_Group]:
    merged: list[tuple[set[str], set[str], set[int]]] = []
    for field, spellings in enumerate(name):
        for text in [spellings] if isinstance(spellings, str) else spellings:
            for part in names.words(text):
                forms = names.search_forms(part)
                if not forms:
                    continue
                variants = set(forms) | _source_variants(part)
                for form in forms:
                    variants |= _letter_variants(form)
                fields = {field}
                for group in [group for group in merged if group[0] & forms]:
                    forms |= group[0]
                    variants |= group[1]
                    fields |= group[2]
                    merged.remove(group)
                merged.append((set(forms), variants, fields))
    return [
        _Group(frozenset(forms), frozenset(variants), frozenset(fields))
        for forms, variants, fields in merged
    ]


def groups(name: Sequence[str | Iterable[str]]) -> list[frozenset[str]]:
    """The name's words as groups of normalised forms; words sharing a form are merged.
    ``name``: one entry per name field (first names, surname), each a text or its spellings."""
    return [group.forms for group in _groups(name)]


def _joined(first: _Group, second: _Group, one_field: bool) -> bool:
    """Do two groups make a pair? Only words of different fields (a first name and a surname, in
    either order): two words of one field, a double first name ("Ana-Maria") or a double surname,
    would join everyone who has it. Unless the whole name was written in one field."""
    return one_field or len(first.fields | second.fields) > 1


def _pair(a: str, b: str) -> str:
    return f"{a}+{b}" if a <= b else f"{b}+{a}"


def _pairs(name_groups: list[_Group]) -> tuple[set[str], set[str]]:
    """The exact pairs and the pairs with one typo allowed, each as ``a+b`` with a <= b."""
    exact: set[str] = set()
    typo: set[str] = set()
    one_field = len({field for group in name_groups for field in group.fields}) == 1
    for first, second in combinations(name_groups, 2):
        if not _joined(first, second, one_field):
            continue
        for a in first.forms:
            for b in second.forms:
                if a != b:
                    exact.add(_pair(a, b))
        for a in first.variants:
            for b in second.forms:
                if a != b:
                    typo.add(_pair(a, b))
        for a in first.forms:
            for b in second.variants:
                if a != b:
                    typo.add(_pair(a, b))
    return exact, typo


def plain_tokens(
    name: Sequence[str | Iterable[str]], birth_date: dt.date | None, birth_year: int | None
) -> set[tuple[str, str]]:
    """The (kind, value) pairs before keying. No birth year, or fewer than two name groups: none
    (a first name alone or a name without any date matches far too many people)."""
    year = birth_date.year if birth_date is not None else birth_year
    name_groups = _groups(name)
    if year is None or len(name_groups) < 2:
        return set()
    exact, typo = _pairs(name_groups)
    result = {(EXACT_YEAR, f"{pair}|{year}") for pair in exact}
    if birth_date is not None:
        date = birth_date.isoformat()
        result.update((EXACT_DATE, f"{pair}|{date}") for pair in exact)
        result.update((TYPO_DATE, f"{pair}|{date}") for pair in typo)
    return result


def tokens(
    key: bytes,
    name: Sequence[str | Iterable[str]],
    birth_date: dt.date | None,
    birth_year: int | None,
) -> dict[str, str]:
    """Keyed tokens of a person: ``{token: kind}``. ``name``: one entry per name field (first
    names, surname), each a text or several spellings of it (``["Олена", "Olena"]``)."""
    return {
        hmac.digest(key, f"{kind}|{value}".encode(), "sha256")[:TOKEN_BYTES].hex(): kind
        for kind, value in plain_tokens(name, birth_date, birth_year)
    }


def strongest(kinds: Iterable[str]) -> str | None:
    """The strongest kind among matched tokens, or None."""
    present = set(kinds)
    return next((kind for kind in KINDS if kind in present), None)


def has_full_date(kinds: Iterable[str]) -> bool:
    """Whether a client with tokens of these kinds has a full birth date."""
    return not FULL_DATE.isdisjoint(kinds)


def likely(shared: Iterable[str], both_full_dates: bool) -> str | None:
    """The strength of a match, when the two clients are likely the same person, or None.

    ``shared``: the kinds of the tokens the two clients have in common; ``both_full_dates``: both
    clients have a full birth date (then a match on the year alone means their dates differ)."""
    considered = set(shared) - YEAR_ONLY if both_full_dates else set(shared)
    kind = strongest(considered)
    return kind if kind in LIKELY else None
