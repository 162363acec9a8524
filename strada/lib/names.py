"""Name normalisation for search and linkage: Latin, lower-case, accent-free forms of name parts.

"Олена", "Olena" and "OLENA" all become ``olena``; "Łukasz Wójcik-Nowak" becomes ``lukasz``,
``wojcik``, ``nowak``. A name in Cyrillic has several accepted Latin spellings, so ``search_forms``
gives each of them: the generic one (``anyascii``), the Ukrainian passport one (KMU 2010, "Ольга" →
"Olha", "Дмитро" → "Dmytro") and the Russian passport one ("Ольга" → "Olga"), both from ``translitua``.
Apostrophes (soft signs, "O'Brien") are dropped, not treated as separators.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import translitua
from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['’ʼ`´\u02b9\u02bc]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


# Whose passports spell Cyrillic names which way (ICAO-style national rules).
_UKRAINIAN_STYLE = frozenset({"UA"})
_RUSSIAN_STYLE = frozenset({"RU", "BY", "KZ", "KG", "MD", "TJ", "UZ", "AM", "AZ", "GE"})


def transliterate(text: str, countries: list[str] | tuple[str, ...] = ()) -> str:
    """A readable Latin form of a name in any script, keeping case and spacing.

    A Cyrillic name of a Ukrainian citizen gets the Ukrainian passport spelling ("Дмитро" →
    "Dmytro"), of a citizen of Russia, Belarus or Moldova the Russian passport one; any other name
    the generic ``anyascii`` form. The caseworker can always type the spelling of the client's own
    documents instead."""
    text = unicodedata.normalize("NFKC", text).strip()
    if _CYRILLIC.search(text):
        if _UKRAINIAN_STYLE.intersection(countries):
            text = translitua.translit(text)
        elif _RUSSIAN_STYLE.intersection(countries):
            text = translitua.translit(text, translitua.RussianInternationalPassport)
    return anyascii(text).strip()


def _parts(latin: str) -> list[str]:
    latin = _APOSTROPHES.sub("", latin.lower())
    return [part for part in _NON_ALNUM.split(latin) if part]


def name_parts(text: str) -> list[str]:
    """The normalised parts of a name in its generic Latin form, in order, without duplicates."""
    return list(dict.fromkeys(_parts(anyascii(unicodedata.normalize("NFKC", text)))))


def latin_spellings(text: str) -> list[str]:
    """Every Latin spelling of a name that people are likely to type."""
    text = unicodedata.normalize("NFKC", text)
    spellings = [anyascii(text)]
    if _CYRILLIC.search(text):
        spellings.append(anyascii(translitua.translit(text)))
        spellings.append(
            anyascii(translitua.translit(text, translitua.RussianInternationalPassport))
        )
    return list(dict.fromkeys(spellings))


def search_forms(word: str) -> set[str]:
    """All normalised forms of one name part (for a word in Cyrillic, one per spelling)."""
    memo = _memo.get()
    if memo is not None:
        found = memo.get(word)
        if found is None:
            found = memo[word] = frozenset(_search_forms(word))
        return set(found)
    return _search_forms(word)


def _search_forms(word: str) -> set[str]:
    forms: set[str] = set()
    for spelling in latin_spellings(word):
        forms.update(_parts(spelling))
    return forms


_memo: ContextVar[dict[str, frozenset[str]] | None] = ContextVar("strada_name_forms", default=None)


@contextmanager
def remembered_forms() -> Iterator[None]:
    """Within the block, each name word is transliterated once (a batch of registrations or an
    import, where names repeat: most of the cost of their search and linkage tokens). The words
    are forgotten when the block ends: names are personal data, and no cache keeps them."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def words(text: str) -> list[str]:
    """The words of a name as typed (any script), split on spaces and hyphens."""
    return [w for w in re.split(r"[\s\-‐‑–—,;/]+", unicodedata.normalize("NFKC", text)) if w]


def normalise_identifier(text: str) -> str:
    """Identity numbers, phones, e-mails: letters and digits only, lower case."""
    return _NON_ALNUM.sub("", anyascii(unicodedata.normalize("NFKC", text)).lower())
