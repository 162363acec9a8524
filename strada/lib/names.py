"""Name normalisation for search and linkage: one Latin, lower-case, accent-free form per name part.

"Олена", "Olena" and "OLENA" all become ``olena``; "Łukasz Wójcik-Nowak" becomes ``lukasz``,
``wojcik``, ``nowak``. Transliteration is by ``anyascii`` (maintained tables for every script).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """A readable Latin form of a name in any script, keeping case and spacing."""
    return anyascii(unicodedata.normalize("NFKC", text)).strip()


def name_parts(text: str) -> list[str]:
    """The normalised parts of a name, in order, without duplicates."""
    latin = transliterate(text).lower()
    parts = [part for part in _NON_ALNUM.split(latin) if part]
    return list(dict.fromkeys(parts))


def normalise_identifier(text: str) -> str:
    """Identity numbers, phones, e-mails: letters and digits only, lower case."""
    return _NON_ALNUM.sub("", transliterate(text).lower())
