"""Benchmark 8: duplicate alerts, how well the linkage tokens find the same person and how fast.

**Quality.** A labelled synthetic set: people from the demo's name generators (``strada.demo.people``:
each citizenship's names in their own script, Ukrainian and Russian patronymics), registered once at
an organisation A and once, with one variation, at an organisation B:

* one typo in the first name or the surname (a letter changed, added, dropped, two swapped), typed
  in the name's own script;
* first name and surname swapped;
* Cyrillic at A, Latin only at B as the passport spells it (KMU 2010 for Ukrainians, the Russian
  passport rules for Russians and Belarusians), without the patronymic;
* the full birth date at A, the year only at B;
* the patronymic (middle name) at A only;
* and, reported apart, two of these at once.

Against them, pairs of *different* people, hard ones on purpose: the same first name and the same
birth date; the same surname and the same year; twins and siblings (same surname and patronymic);
a child named after the parent; spouses; namesakes (same first name and surname, born the same year,
both dates known); and a background of unrelated people at both organisations, where any accidental
match counts too. Every record is registered as Strada registers it (transliteration filled from the
citizenship), its tokens computed by ``duplicates.identity_tokens`` (``linkage.tokens``), and every
pair of A and B records that shares a token is decided exactly as ``duplicates.matches`` decides.
Printed: precision and recall overall and per variation, false alarms per kind of hard negative,
and tokens per client (fewer is less to store and to look up).

**Speed.** The duplicate check of one new client (``duplicates.matches``) against a table of 1M
linkage-token rows (real tokens of synthetic people at 20 organisations, the production schema, a
migrated database), median and 95th percentile of many runs, beside its floor: the same look-up as
one plain SQL statement. Target: under 20 ms.

Run it alone with ``python -m bench.linkage [--pairs 300] [--background 5000] [--rows 1000000]``;
``python -m bench`` runs it in its own process through ``section``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.out import run_module, section_lines

# Django and Strada are imported inside the functions: ``bench.env`` must configure Django first.

PRECISION_MIN = 0.95
RECALL_MIN = 0.90
LOOKUP_MAX_MS = 20.0
ROOT = Path(__file__).resolve().parent.parent
SEED = 2030
TODAY = dt.date(2026, 11, 28)

CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыьэюяіїєґ"
LATIN = "abcdefghijklmnopqrstuvwxyz"
# Citizenships whose names the demo writes in Cyrillic, and whose passports spell them in Latin.
PASSPORT_STYLE = {"UA": "ukrainian", "RU": "russian", "BY": "russian"}

TYPOS = ("substitution", "insertion", "deletion", "transposition")
VARIATIONS = (
    "exact",
    *(f"typo: {t}" for t in TYPOS),
    "swapped first name and surname",
    "Cyrillic / Latin (passport)",
    "full date / year only",
    "patronymic on one side only",
)
COMBINED = (
    "Cyrillic / Latin + year only",
    "swapped + year only",
    "typo + year only",
    "typo + Cyrillic / Latin",
)
HARD_NEGATIVES = (
    "same first name, same birth date",
    "same surname, same year",
    "twins (surname, patronymic, date)",
    "siblings (surname, patronymic)",
    "child named after the parent",
    "spouses (same surname)",
    "namesakes born the same year",
)
BACKGROUND = "background (unrelated people)"


@dataclass(frozen=True)
class Person:
    """One synthetic person: names in their own script, citizenship, date of birth."""

    pid: int
    first: str
    middle: str
    last: str
    citizenship: str
    born: dt.date

    @property
    def cyrillic(self) -> bool:
        return any(ch.lower() in CYRILLIC for ch in self.first + self.last)


@dataclass(frozen=True)
class Record:
    """What an organisation registered: names as typed, the birth date or only the year."""

    pid: int
    first: str
    middle: str
    last: str
    citizenship: str
    birth_date: dt.date | None
    birth_year: int | None


def record(person: Person, *, year_only: bool = False) -> Record:
    return Record(
        person.pid,
        person.first,
        person.middle,
        person.last,
        person.citizenship,
        None if year_only else person.born,
        person.born.year,
    )


class People:
    """Synthetic people from the demo's generators, by locale, deterministic for a seed."""

    def __init__(self, seed: int) -> None:
        from strada.demo.network import NETWORK

        self.rng = random.Random(seed)
        self.seed = seed
        self.orgs = NETWORK.case_holders
        self.weights = [org.client_weight for org in self.orgs]
        self.next_pid = 0
        self.drawn = 0

    def _born(self) -> dt.date:
        roll = self.rng.random()
        age = (
            self.rng.randint(13, 17)
            if roll < 0.10
            else self.rng.randint(18, 38)
            if roll < 0.85
            else self.rng.randint(39, 58)
        )
        return dt.date(TODAY.year - age, 1, 1) + dt.timedelta(days=self.rng.randint(0, 364))

    def new(self, want: Callable[[Person], bool] = lambda p: True, citizenship: str = "") -> Person:
        """A new person (a new pid) with names from the demo, satisfying ``want``."""
        from strada.demo.people import person

        while True:
            org = self.rng.choices(self.orgs, self.weights)[0]
            demo = person(self.seed, org, self.drawn, TODAY)
            self.drawn += 1
            identity = demo.identity
            cit = str((demo.coded.get("citizenship") or [org.country])[0])  # type: ignore[index]
            if not (identity.first_name and identity.second_name):
                continue  # anonymous: nothing to link
            if citizenship and cit != citizenship:
                continue
            self.next_pid += 1
            made = Person(
                self.next_pid,
                identity.first_name,
                identity.middle_name,
                identity.second_name,
                cit,
                self._born(),
            )
            if want(made):
                return made

    def like(self, person: Person, **changes: Any) -> Person:
        """Another person (a new pid) of the same citizenship, with some of ``person``'s details."""
        other = self.new(citizenship=person.citizenship)
        return replace(other, **changes)

    def other_date(self, born: dt.date, same_year: bool) -> dt.date:
        while True:
            if same_year:
                day = dt.date(born.year, 1, 1) + dt.timedelta(days=self.rng.randint(0, 364))
            else:
                day = born + dt.timedelta(days=self.rng.randint(-20 * 365, 20 * 365))
            if day != born and (day.year == born.year) == same_year:
                return day


# Variations of the same person ----------------------------------------------------------------------


def _alphabet(word: str) -> str:
    return CYRILLIC if any(ch.lower() in CYRILLIC for ch in word) else LATIN


def typo(rng: random.Random, word: str, kind: str) -> str:
    """``word`` with one typo of this kind, in its own script (the first letter kept)."""
    letters = _alphabet(word)
    for _ in range(100):
        if kind == "substitution":
            i = rng.randrange(1, len(word))
            new = rng.choice(letters)
            if new != word[i].lower():
                return word[:i] + new + word[i + 1 :]
        elif kind == "insertion":
            i = rng.randrange(1, len(word) + 1)
            return word[:i] + rng.choice(letters) + word[i:]
        elif kind == "deletion":
            i = rng.randrange(1, len(word))
            return word[:i] + word[i + 1 :]
        else:
            i = rng.randrange(1, len(word) - 1)
            if word[i] != word[i + 1]:
                return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


def _with_typo(rng: random.Random, rec: Record, kind: str) -> Record:
    if rng.random() < 0.5:
        return replace(rec, first=typo(rng, rec.first, kind))
    return replace(rec, last=typo(rng, rec.last, kind))


def passport_latin(text: str, citizenship: str) -> str:
    """The Latin spelling of a Cyrillic name in the person's passport."""
    import translitua

    if PASSPORT_STYLE[citizenship] == "ukrainian":
        return str(translitua.translit(text, translitua.UkrainianKMU))
    return str(translitua.translit(text, translitua.RussianInternationalPassport))


def _latin(rec: Record) -> Record:
    return replace(
        rec,
        first=passport_latin(rec.first, rec.citizenship),
        last=passport_latin(rec.last, rec.citizenship),
        middle="",
    )


def _for(variation: str) -> Callable[[Person], bool]:
    """Which people a variation applies to."""
    if "Cyrillic" in variation:
        return lambda p: p.cyrillic and p.citizenship in PASSPORT_STYLE
    if "patronymic" in variation:
        return lambda p: bool(p.middle)
    if "typo" in variation:
        return lambda p: min(len(p.first), len(p.last)) >= 3
    return lambda p: True


def vary(rng: random.Random, person: Person, variation: str) -> tuple[Record, Record]:
    """The records at A and at B of one person, B with the variation."""
    a = record(person)
    b = record(person, year_only="year only" in variation)
    if "swapped" in variation:
        b = replace(b, first=b.last, last=b.first)
    if "Cyrillic" in variation:
        b = _latin(b)
    if variation.startswith("typo: "):
        b = _with_typo(rng, b, variation.removeprefix("typo: "))
    elif variation.startswith("typo + "):
        b = _with_typo(rng, b, rng.choice(TYPOS))  # typed in Latin, after the passport's spelling
    if "patronymic" in variation:
        b = replace(b, middle="")
    return a, b


def hard_negative(people: People, kind: str) -> tuple[Record, Record]:
    """Two different people who look alike in this way; both with full dates."""
    rng = people.rng
    if kind.startswith("twins") or kind.startswith("siblings") or kind.startswith("child"):
        x = people.new(lambda p: bool(p.middle))
    else:
        x = people.new()
    if kind == "same first name, same birth date":
        y = people.like(x, first=x.first, born=x.born)
    elif kind == "same surname, same year":
        y = people.like(x, last=x.last, born=people.other_date(x.born, same_year=True))
    elif kind.startswith("twins"):
        y = people.like(x, last=x.last, middle=x.middle, born=x.born)
    elif kind.startswith("siblings"):
        years = rng.randint(1, 8)
        born = x.born.replace(year=x.born.year + rng.choice((-years, years)), day=1)
        y = people.like(x, last=x.last, middle=x.middle, born=born)
    elif kind.startswith("child"):
        # The son carries the father's name; where names have patronymics, as his patronymic.
        born = x.born.replace(year=x.born.year + rng.randint(18, 35), day=1)
        y = people.like(
            x, first=x.first, last=x.last, middle=x.first if x.middle else "", born=born
        )
    elif kind.startswith("spouses"):
        born = x.born + dt.timedelta(days=rng.randint(-5 * 365, 5 * 365))
        y = people.like(x, last=x.last, born=born)
    else:  # namesakes
        y = people.like(
            x, first=x.first, last=x.last, born=people.other_date(x.born, same_year=True)
        )
    if y.first == x.first and y.last == x.last and y.born == x.born:
        return hard_negative(people, kind)
    return record(x), record(y)


# Tokens and matching, as Strada does them ---------------------------------------------------------


def tokens_of(rec: Record) -> dict[str, str]:
    """The record registered as Strada registers it, and its tokens as the duplicate check
    computes them (``duplicates.identity_tokens``)."""
    from strada.clients.identity import Identity
    from strada.referrals.duplicates import identity_tokens

    identity = Identity(
        first_name=rec.first,
        middle_name=rec.middle,
        second_name=rec.last,
        birth_date=rec.birth_date,
    ).with_transliteration([rec.citizenship])
    return identity_tokens(identity, rec.birth_year)


def likely_pairs(
    side_a: list[dict[str, str]], side_b: list[dict[str, str]]
) -> dict[tuple[int, int], str]:
    """``{(a index, b index): strength}`` for the likely matches, decided as ``duplicates.matches``
    decides: the kinds of the tokens the two share and whether both have a full birth date, through
    ``linkage.likely``."""
    from strada.lib import linkage

    owners: dict[str, list[int]] = defaultdict(list)
    for index, tokens in enumerate(side_b):
        for token in tokens:
            owners[token].append(index)
    dated_b = [linkage.has_full_date(tokens.values()) for tokens in side_b]
    result = {}
    for a_index, tokens in enumerate(side_a):
        found: dict[int, set[str]] = defaultdict(set)
        for token, kind in tokens.items():
            for b_index in owners.get(token, ()):
                found[b_index].add(kind)
        dated_a = linkage.has_full_date(tokens.values())
        for b_index, kinds in found.items():
            strength = linkage.likely(kinds, dated_a and dated_b[b_index])
            if strength is not None:
                result[(a_index, b_index)] = strength
    return result


def quality(pairs: int, background: int, seed: int = SEED) -> dict[str, Any]:
    """Build the labelled set and measure; ``pairs`` of each variation and hard negative."""
    from bench.out import say

    people = People(seed)
    rng = random.Random(seed + 1)
    side_a: list[Record] = []
    side_b: list[Record] = []
    label: list[str] = []  # per pair index: the variation or hard negative it was planted as
    t0 = time.perf_counter()
    for variation in (*VARIATIONS, *COMBINED):
        for _ in range(pairs):
            a, b = vary(rng, people.new(_for(variation)), variation)
            side_a.append(a)
            side_b.append(b)
            label.append(variation)
    for kind in HARD_NEGATIVES:
        for _ in range(pairs):
            a, b = hard_negative(people, kind)
            side_a.append(a)
            side_b.append(b)
            label.append(kind)
    # Unrelated people at both organisations: 55 % with the full date, the others the year only.
    for side in (side_a, side_b):
        for _ in range(background):
            side.append(record(people.new(), year_only=rng.random() < 0.45))
    planted = len(label)
    say(f"  {len(side_a) + len(side_b):,} records built in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    tokens_a = [tokens_of(r) for r in side_a]
    tokens_b = [tokens_of(r) for r in side_b]
    spent = time.perf_counter() - t0
    all_tokens = tokens_a + tokens_b
    say(f"  tokens computed in {spent:.1f} s ({spent / len(all_tokens) * 1000:.2f} ms a record)")
    found = likely_pairs(tokens_a, tokens_b)

    true_pos: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    strengths: Counter[str] = Counter()
    for (i, j), strength in found.items():
        same = side_a[i].pid == side_b[j].pid
        if same:
            true_pos[label[i]] += 1
            strengths[strength] += 1
        elif i == j and i < planted:
            false_pos[label[i]] += 1
        else:
            false_pos[BACKGROUND] += 1
    tp = sum(true_pos.values())
    fp = sum(false_pos.values())
    per_variation = {
        v: {"pairs": pairs, "found": true_pos[v], "recall": true_pos[v] / pairs}
        for v in (*VARIATIONS, *COMBINED)
    }
    positives = pairs * len(VARIATIONS)
    found_main = sum(true_pos[v] for v in VARIATIONS)
    counts = [len(t) for t in all_tokens]
    with_date = [len(t) for t, r in zip(all_tokens, side_a + side_b, strict=True) if r.birth_date]
    year_only = [
        len(t) for t, r in zip(all_tokens, side_a + side_b, strict=True) if not r.birth_date
    ]
    kinds: Counter[str] = Counter(kind for t in all_tokens for kind in t.values())
    return {
        "pairs_per_kind": pairs,
        "background": background,
        "records": len(all_tokens),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "true_positives": tp,
        "false_positives": fp,
        "recall": found_main / positives,
        "recall_with_combined": tp / (pairs * (len(VARIATIONS) + len(COMBINED))),
        "per_variation": per_variation,
        "false_alarms": {k: {"pairs": pairs, "found": false_pos[k]} for k in HARD_NEGATIVES}
        | {BACKGROUND: {"pairs": background * background, "found": false_pos[BACKGROUND]}},
        "strengths": dict(strengths),
        "tokens_mean": statistics.mean(counts),
        "tokens_mean_full_date": statistics.mean(with_date),
        "tokens_mean_year_only": statistics.mean(year_only),
        "tokens_max": max(counts),
        "tokens_by_kind": {k: v / len(all_tokens) for k, v in sorted(kinds.items())},
        "ms_per_record": spent / len(all_tokens) * 1000,
    }


# The look-up against 1M token rows -----------------------------------------------------------------


def _build_table(bench: Any, rows: int, orgs: int, seed: int) -> tuple[list[Any], Person]:
    """Clients of ``orgs`` organisations and their real tokens until the table holds ``rows``;
    returns the organisations and one person registered at the first of them (the probe's twin)."""
    from django.db import connection, transaction

    from bench.out import say
    from strada.clients.models import Client
    from strada.lib.bulk import insert_rows
    from strada.orgs.actions import do_create_organisation
    from strada.referrals.models import LinkageToken

    organisations = [
        do_create_organisation(
            None, code=f"l{n:02d}", name=f"Linkage member {n:02d}", kind="member", country="NL"
        )
        for n in range(orgs)
    ]
    people = People(seed)
    rng = random.Random(seed)
    made = 0
    clients = 0
    twin: Person | None = None
    t0 = time.perf_counter()
    step = max(rows // 5, 1)
    shown = 0
    while made < rows:
        batch_clients = []
        batch_tokens = []
        for _ in range(500):
            person = people.new()
            twin = twin or person
            rec = record(person, year_only=person is not twin and rng.random() < 0.45)
            org = organisations[0] if person is twin else rng.choice(organisations[1:])
            client_id = uuid.uuid4()
            clients += 1
            batch_clients.append(
                {
                    "id": client_id,
                    "organisation_id": org.id,
                    "reference": f"L-{clients:08d}",
                    "registered_on": TODAY,
                    "wrapped_key": b"",
                    "gender": "Feminine",
                    "birth_year": rec.birth_year,
                }
            )
            batch_tokens += [
                {"client_id": client_id, "organisation_id": org.id, "token": t, "kind": k}
                for t, k in tokens_of(rec).items()
            ]
        with transaction.atomic():
            insert_rows(Client, batch_clients)
            insert_rows(LinkageToken, batch_tokens)
        made += len(batch_tokens)
        if made - shown >= step:
            shown = made
            say(f"  {made:,} token rows, {clients:,} clients ({time.perf_counter() - t0:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE" if connection.vendor == "sqlite" else "ANALYZE referrals_linkagetoken"
        )
    assert twin is not None
    return organisations, twin


def _timed(runs: int, work: Callable[[], object]) -> tuple[float, float, float]:
    """Median and 95th percentile of the wall time, and 95th percentile of the process's CPU time,
    in milliseconds. On a loaded machine the wall time's tail is the scheduler's (the process
    waits for a core), which the CPU time leaves out."""
    wall = []
    cpu = []
    for _ in range(runs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        work()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    wall.sort()
    cpu.sort()
    p95 = min(runs - 1, int(runs * 0.95))
    return statistics.median(wall), wall[p95], cpu[p95]


def lookup(bench: Any, rows: int, runs: int, seed: int = SEED) -> dict[str, Any]:
    from django.db import connection, transaction

    from strada.clients.identity import Identity
    from strada.referrals import duplicates
    from strada.referrals.models import LinkageToken

    t0 = time.perf_counter()
    organisations, twin = _build_table(bench, rows, 20, seed)
    built_s = time.perf_counter() - t0
    total = LinkageToken.objects.count()
    # The probe: the twin registered anew at another member, the surname with a typo.
    rng = random.Random(seed)
    probe = _with_typo(rng, record(twin), "substitution")
    new_org = organisations[1]
    client_id = uuid.uuid4()
    tokens = tokens_of(probe)
    found = duplicates.matches(new_org, {client_id: tokens})
    median, p95, cpu_p95 = _timed(runs, lambda: duplicates.matches(new_org, {client_id: tokens}))
    token_ms, _, _ = _timed(runs, lambda: tokens_of(probe))
    placeholders = ", ".join(["%s"] * len(tokens))
    sql = (
        "SELECT token, client_id, organisation_id, kind FROM referrals_linkagetoken "
        f"WHERE token IN ({placeholders}) AND NOT organisation_id = %s"
    )
    params = [*tokens, new_org.id.hex if connection.vendor == "sqlite" else new_org.id]

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    floor_median, floor_p95, floor_cpu_p95 = _timed(runs, floor)

    # The whole refresh of a registration (old tokens deleted, new ones written, the check, the
    # alert raised), rolled back after each run.
    identity = Identity(
        first_name=probe.first, middle_name=probe.middle, second_name=probe.last,
        birth_date=probe.birth_date,
    ).with_transliteration([probe.citizenship])  # fmt: skip
    from strada.clients.models import Client

    other = Client.objects.filter(organisation=new_org).first()
    assert other is not None

    class Rollback(Exception):
        pass

    def refresh() -> None:
        try:
            with transaction.atomic():
                duplicates.refresh(new_org, [(other.id, identity, probe.birth_year)])
                raise Rollback
        except Rollback:
            pass

    refresh_median, refresh_p95, refresh_cpu_p95 = _timed(max(runs // 4, 5), refresh)
    return {
        "rows": total,
        "clients": Client.objects.count(),
        "organisations": len(organisations),
        "build_s": built_s,
        "probe_tokens": len(tokens),
        "matches_found": len(found),
        "runs": runs,
        "ms": median,
        "p95_ms": p95,
        "cpu_p95_ms": cpu_p95,
        "floor_ms": floor_median,
        "floor_p95_ms": floor_p95,
        "floor_cpu_p95_ms": floor_cpu_p95,
        "tokens_ms": token_ms,
        "refresh_ms": refresh_median,
        "refresh_p95_ms": refresh_p95,
        "refresh_cpu_p95_ms": refresh_cpu_p95,
        "load": _load(),
    }


# Report --------------------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The report's lines for this benchmark, and the targets it missed."""
    lines: list[str] = []
    missed: list[str] = []
    q = result.get("quality")
    if q:
        ok_p = q["precision"] >= PRECISION_MIN
        ok_r = q["recall"] >= RECALL_MIN
        lines += [
            "",
            f"duplicate alerts, quality on a labelled synthetic set ({q['pairs_per_kind']:,} pairs "
            f"of each kind, {q['background']:,} unrelated people at each side, {q['records']:,} "
            "records)",
            f"  precision {q['precision']:.3f} ({q['true_positives']:,} true, "
            f"{q['false_positives']:,} false alarms)   target >= {PRECISION_MIN}: {_verdict(ok_p)}",
            f"  recall    {q['recall']:.3f} (the issue's variations)"
            f"{'':>17}target >= {RECALL_MIN}: {_verdict(ok_r)}",
            f"  recall    {q['recall_with_combined']:.3f} (with the combined variations too)",
            f"  {'same person, variation':<44}{'pairs':>7}{'found':>7}{'recall':>8}",
        ]
        for name, row in q["per_variation"].items():
            mark = "  (combined)" if name in COMBINED else ""
            lines.append(
                f"  {name:<44}{row['pairs']:>7,}{row['found']:>7,}{row['recall']:>8.3f}{mark}"
            )
        lines.append(f"  {'different people':<44}{'pairs':>7}{'alarms':>7}")
        for name, row in q["false_alarms"].items():
            lines.append(f"  {name:<44}{row['pairs']:>7,}{row['found']:>7,}")
        lines.append(
            f"  tokens per client: {q['tokens_mean']:.1f} on average ({q['tokens_mean_full_date']:.1f} "
            f"with a full date, {q['tokens_mean_year_only']:.1f} with the year only), "
            f"at most {q['tokens_max']}; by kind "
            + ", ".join(f"{k} {v:.1f}" for k, v in q["tokens_by_kind"].items())
            + f"; {q['ms_per_record']:.2f} ms to compute"
        )
        lines.append(
            "  found pairs by strength: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(q["strengths"].items()))
        )
        if not ok_p:
            missed.append(f"duplicate precision {q['precision']:.3f}")
        if not ok_r:
            missed.append(f"duplicate recall {q['recall']:.3f}")
    s = result.get("lookup")
    if s:
        ok = s["p95_ms"] < LOOKUP_MAX_MS
        lines += [
            "",
            f"duplicate check of one new client ({s['probe_tokens']} tokens) against "
            f"{s['rows']:,} token rows ({s['clients']:,} clients of {s['organisations']} "
            f"organisations; {s['runs']} runs)",
            f"  {'':<44}{'median ms':>10}{'p95 ms':>9}{'CPU p95':>9}{'ratio':>8}",
            f"  {'duplicates.matches (the check)':<44}{s['ms']:>10.2f}{s['p95_ms']:>9.2f}"
            f"{s['cpu_p95_ms']:>9.2f}{s['ms'] / s['floor_ms']:>7.1f}x",
            f"  {'floor: the same SELECT in plain SQL':<44}{s['floor_ms']:>10.2f}"
            f"{s['floor_p95_ms']:>9.2f}{s['floor_cpu_p95_ms']:>9.2f}",
            f"  {'computing the tokens (not in the check)':<44}{s['tokens_ms']:>10.2f}",
            f"  {'duplicates.refresh (write + check + alert)':<44}{s['refresh_ms']:>10.2f}"
            f"{s['refresh_p95_ms']:>9.2f}{s['refresh_cpu_p95_ms']:>9.2f}",
            f"  likely matches found: {s['matches_found']} (the probe's twin at another member); "
            f"load average at the end {s['load']}",
            f"  target p95 < {LOOKUP_MAX_MS:.0f} ms: {_verdict(ok)}",
        ]
        if not ok:
            missed.append(f"duplicate check p95 {s['p95_ms']:.1f} ms")
    return lines, missed


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def section(database_url: str = "", quick: bool = False) -> list[str]:
    """Run this benchmark in its own process on a fresh Strada; its lines for the report."""
    options = ["--pairs", "60", "--background", "1000", "--rows", "50000"] if quick else []
    return section_lines(report, run_module("bench.linkage", options, database_url))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.linkage", description=__doc__)
    parser.add_argument("--pairs", type=int, default=300, help="pairs of each variation")
    parser.add_argument("--background", type=int, default=5000, help="unrelated people a side")
    parser.add_argument("--rows", type=int, default=1_000_000, help="token rows of the look-up")
    parser.add_argument("--runs", type=int, default=200, help="look-ups timed")
    parser.add_argument("--only", default="quality,lookup")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", help="write the result as JSON to this file")
    args = parser.parse_args()

    from bench import env

    bench = env.start(args.database_url)
    try:
        from django.db import connection

        from bench.out import say

        result: dict[str, Any] = {"database": connection.vendor}
        only = set(args.only.split(","))
        if "quality" in only:
            say(f"[8] duplicate alerts: quality ({args.pairs} pairs of each kind)")
            result["quality"] = quality(args.pairs, args.background)
        if "lookup" in only:
            say(f"[8] duplicate alerts: the check against {args.rows:,} token rows")
            result["lookup"] = lookup(bench, args.rows, args.runs)
        lines, missed = report(result)
        say("\n".join(lines + [f"  missed: {m}" for m in missed]))
        if args.out:
            Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
