"""Linkage tokens: keyed fingerprints of a person's name and birth date for duplicate detection
across organisations, comparable without revealing the name.

A name is cut into words; each word has one or more normalised Latin forms (``names.search_forms``:
"Ольга" gives ``olga`` and ``olha``). Words of the original script and of the Latin spelling that
share a form are one *group*. Every unordered pair of forms of two different groups, joined with the
birth date, is a token, so the order of the names does not matter ("Kovalenko Olena" meets "Olena
Kovalenko") and neither does the script ("Олена" meets "Olena"). Each pair is written twice:

* ``D`` with the full birth date, ``Y`` with the birth year only (one side may know only the year);
* ``N`` the exact forms, ``T`` also every form with one letter deleted: two spellings one typo apart
  (a letter changed, added, dropped or two swapped) share a one-deletion variant.

A token is ``HMAC-SHA256(network key, kind | pair | date)`` cut to 128 bits. Without the key (derived
from the master key, never stored) a token table gives back no names: guessing one means guessing a
pair of names *and* a birth date and holding the key.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from itertools import combinations

from strada.lib import names

# Kinds, strongest first. A match on any of ``LIKELY`` is reported as "likely the same person".
EXACT_DATE = "ND"
EXACT_YEAR = "NY"
TYPO_DATE = "TD"
TYPO_YEAR = "TY"
KINDS = (EXACT_DATE, EXACT_YEAR, TYPO_DATE, TYPO_YEAR)
LIKELY = frozenset({EXACT_DATE, EXACT_YEAR, TYPO_DATE})

# Shorter forms get no typo variants: "ion" → "in" would join too many people.
MIN_TYPO_LENGTH = 4
TOKEN_BYTES = 16


def groups(words: Iterable[str]) -> list[frozenset[str]]:
    """The name's words as groups of normalised forms; words sharing a form are merged."""
    merged: list[set[str]] = []
    for word in words:
        for part in names.words(word):
            forms = names.search_forms(part)
            if not forms:
                continue
            touching = [group for group in merged if group & forms]
            for group in touching:
                forms |= group
                merged.remove(group)
            merged.append(set(forms))
    return [frozenset(group) for group in merged]


def _variants(form: str) -> set[str]:
    if len(form) < MIN_TYPO_LENGTH:
        return {form}
    return {form} | {form[:i] + form[i + 1 :] for i in range(len(form))}


def _pairs(name_groups: list[frozenset[str]]) -> tuple[set[str], set[str]]:
    """The exact pairs and the pairs with one typo allowed, each as ``a+b`` with a <= b."""
    exact: set[str] = set()
    typo: set[str] = set()
    for first, second in combinations(name_groups, 2):
        for a in first:
            for b in second:
                if a == b:
                    continue
                exact.add("+".join(sorted((a, b))))
                for a2 in _variants(a):
                    typo.add("+".join(sorted((a2, b))))
                for b2 in _variants(b):
                    typo.add("+".join(sorted((a, b2))))
    return exact, typo


def plain_tokens(
    words: Iterable[str], birth_date: dt.date | None, birth_year: int | None
) -> set[tuple[str, str]]:
    """The (kind, value) pairs before keying. No birth year, or fewer than two name groups: none
    (a first name alone or a name without any date matches far too many people)."""
    year = birth_date.year if birth_date is not None else birth_year
    name_groups = groups(words)
    if year is None or len(name_groups) < 2:
        return set()
    exact, typo = _pairs(name_groups)
    dates = [("Y", str(year))]
    if birth_date is not None:
        dates.append(("D", birth_date.isoformat()))
    result: set[tuple[str, str]] = set()
    for precision, date in dates:
        result.update((f"N{precision}", f"{pair}|{date}") for pair in exact)
        result.update((f"T{precision}", f"{pair}|{date}") for pair in typo)
    return result


def tokens(
    key: bytes, words: Iterable[str], birth_date: dt.date | None, birth_year: int | None
) -> dict[str, str]:
    """Keyed tokens of a person: ``{token: kind}``."""
    return {
        hmac.digest(key, f"{kind}|{value}".encode(), "sha256")[:TOKEN_BYTES].hex(): kind
        for kind, value in plain_tokens(words, birth_date, birth_year)
    }


def strongest(kinds: Iterable[str]) -> str | None:
    """The strongest kind among matched tokens, or None."""
    present = set(kinds)
    return next((kind for kind in KINDS if kind in present), None)
