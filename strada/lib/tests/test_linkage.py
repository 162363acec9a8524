"""The linkage token scheme: who meets whom, and what a token depends on."""

from __future__ import annotations

import datetime as dt

from strada.lib import linkage

KEY = b"k" * 32
BORN = dt.date(1994, 5, 17)


def _tokens(
    name: list[str], born: dt.date | None = BORN, year: int | None = None
) -> dict[str, str]:
    return linkage.tokens(KEY, name, born, year)


def _match(a: dict[str, str], b: dict[str, str]) -> str | None:
    """The strength with which two clients meet, decided as ``duplicates.matches`` decides."""
    shared = {a[token] for token in set(a) & set(b)}
    both_dated = linkage.has_full_date(a.values()) and linkage.has_full_date(b.values())
    return linkage.likely(shared, both_dated)


def test_it_meets_cyrillic_and_latin_spellings():
    olena = _tokens(["Олена", "Коваленко"])
    assert _match(olena, _tokens(["Olena", "Kovalenko"])) == linkage.EXACT_DATE
    # Ukrainian and Russian passport spellings of one Cyrillic name both meet it.
    olga = _tokens(["Ольга", "Шевченко"])
    assert _match(olga, _tokens(["Olha", "Shevchenko"])) == linkage.EXACT_DATE
    assert _match(olga, _tokens(["Olga", "Shevchenko"])) == linkage.EXACT_DATE


def test_it_meets_swapped_first_name_and_surname():
    assert _match(_tokens(["Olena", "Kovalenko"]), _tokens(["Kovalenko", "Olena"])) == "ND"


def test_it_meets_one_typo_of_any_kind():
    olena = _tokens(["Olena", "Kovalenko"])
    for typed in ("Olrna", "Olenna", "Olna", "Olean"):  # changed, added, dropped, swapped
        assert _match(olena, _tokens([typed, "Kovalenko"])) == linkage.TYPO_DATE, typed
    assert _match(olena, _tokens(["Olena", "Kovalneko"])) == linkage.TYPO_DATE
    # A Cyrillic letter that becomes two Latin ones: "Ожена" is one typo from "Олена".
    assert _match(_tokens(["Ожена", "Коваленко"]), olena) == linkage.TYPO_DATE
    # Short names too.
    assert _match(_tokens(["Ida", "Nowak"]), _tokens(["Iad", "Nowak"])) == linkage.TYPO_DATE


def test_it_does_not_meet_two_typos():
    assert _match(_tokens(["Olena", "Kovalenko"]), _tokens(["Olrna", "Kovalneko"])) is None


def test_it_meets_a_year_only_record_with_a_full_date():
    full = _tokens(["Olena", "Kovalenko"])
    year_only = _tokens(["Kovalenko", "Olena"], None, 1994)
    assert _match(full, year_only) == linkage.EXACT_YEAR
    assert _match(year_only, _tokens(["Olena", "Kovalenko"], None, 1994)) == linkage.EXACT_YEAR
    # A typo with the year only is not enough (see the module's doc).
    assert _match(full, _tokens(["Olrna", "Kovalenko"], None, 1994)) is None


def test_it_does_not_meet_different_people():
    olena = _tokens(["Olena", "Kovalenko"])
    assert _match(olena, _tokens(["Olena", "Petrenko"])) is None  # same first name and date
    assert _match(olena, _tokens(["Iryna", "Kovalenko"])) is None  # same surname and date
    assert _match(olena, _tokens(["Olena", "Kovalenko"], dt.date(1971, 2, 3))) is None
    # Namesakes born the same year, both dates known: the dates differ, no match.
    assert _match(olena, _tokens(["Olena", "Kovalenko"], dt.date(1994, 9, 1))) is None
    # A double first name or a double surname alone joins nobody.
    assert _match(_tokens(["Ana Maria", "Popescu"]), _tokens(["Ana-Maria", "Ionescu"])) is None
    assert _match(_tokens(["Olena", "Kovalenko-Shevchenko"]), _tokens(["Iryna", "Kovalenko-Shevchenko"])) is None  # fmt: skip


def test_it_meets_a_name_written_in_one_field():
    assert _match(_tokens(["Olena Kovalenko", ""]), _tokens(["Olena", "Kovalenko"])) == "ND"


def test_it_makes_no_tokens_without_a_birth_year_or_with_one_name_part():
    assert _tokens(["Olena", "Kovalenko"], None, None) == {}
    assert _tokens(["Olena", ""]) == {}
    assert _tokens(["Olena", "Olena"]) == {}  # one group
    assert _tokens(["", "Kovalenko"], None, 1994) == {}


def test_it_keeps_a_year_only_client_small():
    assert set(_tokens(["Olena", "Kovalenko"], None, 1994).values()) == {linkage.EXACT_YEAR}
    full = _tokens(["Olena", "Kovalenko"])
    assert set(full.values()) == {linkage.EXACT_DATE, linkage.EXACT_YEAR, linkage.TYPO_DATE}
    assert len(full) < 40


def test_tokens_depend_on_the_key():
    name = ["Olena", "Kovalenko"]
    one = linkage.tokens(KEY, name, BORN, None)
    assert one == linkage.tokens(KEY, name, BORN, None)
    other = linkage.tokens(b"x" * 32, name, BORN, None)
    assert one
    assert other
    assert not set(one) & set(other)
    for token in one:
        assert len(token) == 2 * linkage.TOKEN_BYTES
        assert set(token) <= set("0123456789abcdef")
