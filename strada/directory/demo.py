"""Fictional directory entries for the demo network: for every country of the network and the main
destination countries, a shelter, a police unit, a labour inspectorate, a legal aid service and a
hotline, plus embassies of the origin countries in destination countries. Names of organisations are
generic, people come from Faker in the country's locale, phones are made up and e-mail addresses use
``.example`` domains (RFC 2606), so nothing here reaches anyone real.

Safe to re-run: an entry is identified by its name and country, whatever the seed, and an existing one
is left alone. The seed only changes the made-up details of entries that are created.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from faker import Faker

from strada.directory.actions import do_add_contact_person, do_create_entry
from strada.directory.models import Entry, EntryKind, ServiceOffered
from strada.orgs.models import Organisation, OrgKind


@dataclass(frozen=True)
class DemoCountry:
    code: str
    english: str  # for generated names
    cities: tuple[str, ...]
    languages: tuple[str, ...]
    dialling: str
    locale: str
    tld: str


COUNTRIES = [
    DemoCountry("BY", "Belarus", ("Minsk", "Brest", "Gomel"), ("be", "ru"), "+375", "ru_RU", "by"),
    DemoCountry("MD", "Moldova", ("Chișinău", "Bălți", "Cahul"), ("ro", "ru"), "+373", "ro_RO", "md"),
    DemoCountry("UA", "Ukraine", ("Kyiv", "Lviv", "Odesa"), ("uk", "ru"), "+380", "uk_UA", "ua"),
    DemoCountry("MK", "North Macedonia", ("Skopje", "Bitola", "Tetovo"), ("mk", "sq"), "+389", "mk_MK", "mk"),
    DemoCountry("BG", "Bulgaria", ("Sofia", "Plovdiv", "Varna"), ("bg",), "+359", "bg_BG", "bg"),
    DemoCountry("PL", "Poland", ("Warsaw", "Kraków", "Wrocław"), ("pl",), "+48", "pl_PL", "pl"),
    DemoCountry("CZ", "Czechia", ("Prague", "Brno", "Ostrava"), ("cs",), "+420", "cs_CZ", "cz"),
    DemoCountry("NL", "the Netherlands", ("Amsterdam", "Rotterdam", "Utrecht"), ("nl",), "+31", "nl_NL", "nl"),
    DemoCountry("RO", "Romania", ("Bucharest", "Iași", "Timișoara"), ("ro",), "+40", "ro_RO", "ro"),
    DemoCountry("DE", "Germany", ("Berlin", "Hamburg", "Munich"), ("de",), "+49", "de_DE", "de"),
    DemoCountry("IT", "Italy", ("Rome", "Palermo", "Milan"), ("it",), "+39", "it_IT", "it"),
]  # fmt: skip

S = ServiceOffered

# (name pattern, kind, services, extra languages): {city} and {country} are filled in.
TEMPLATES: list[tuple[str, str, list[str], tuple[str, ...]]] = [
    ("Safe House {city}", EntryKind.SHELTER,
     [S.SHELTER, S.PSYCHOLOGICAL, S.MEDICAL, S.ACCOMMODATION_MINORS], ("en",)),
    ("Anti-Trafficking Police Unit, {city}", EntryKind.POLICE, [S.IDENTIFICATION], ()),
    ("Labour Inspectorate, {city} office", EntryKind.LABOUR_INSPECTORATE,
     [S.LABOUR_RIGHTS, S.IDENTIFICATION], ()),
    ("{city} Legal Aid Clinic", EntryKind.LAWYER, [S.LEGAL_AID, S.INTERPRETATION, S.DOCUMENTS],
     ("en", "ru")),
    ("Migrant Helpline {country}", EntryKind.HOTLINE, [S.HOTLINE, S.INTERPRETATION, S.RETURN],
     ("en", "uk", "ro")),
    ("Men's Shelter {city}", EntryKind.SHELTER,
     [S.ACCOMMODATION_MEN, S.SOCIAL, S.FINANCIAL, S.REINTEGRATION], ()),
]  # fmt: skip

# Embassies of origin countries in destination countries: (of, in, city).
EMBASSIES = [
    ("UA", "NL", "The Hague"),
    ("MD", "DE", "Berlin"),
    ("BY", "PL", "Warsaw"),
    ("BG", "IT", "Rome"),
    ("RO", "NL", "The Hague"),
    ("MK", "CZ", "Prague"),
    ("UA", "PL", "Warsaw"),
]

FUNCTIONS = [
    "Coordinator",
    "Case manager",
    "Social worker",
    "Duty officer",
    "Lawyer",
    "Psychologist",
    "Consular officer",
    "Labour inspector",
]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "entry"


def _phone(rng: random.Random, country: DemoCountry) -> str:
    return f"{country.dialling} {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _last_verified(rng: random.Random, today: dt.date) -> dt.date | None:
    """Most entries checked within the year; some overdue, a few never, as in real life."""
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.3:
        return today - dt.timedelta(days=rng.randint(400, 900))
    return today - dt.timedelta(days=rng.randint(5, 330))


def _plan() -> list[dict[str, Any]]:
    """Every demo entry's fixed part (name, kind, country, city, services, languages)."""
    by_code = {country.code: country for country in COUNTRIES}
    plan = []
    for country in COUNTRIES:
        for index, (pattern, kind, services, extra) in enumerate(TEMPLATES):
            city = country.cities[index % len(country.cities)]
            languages = list(dict.fromkeys([*country.languages, *extra]))
            plan.append(
                {
                    "name": pattern.format(city=city, country=country.english),
                    "kind": str(kind),
                    "country": country.code,
                    "city": city,
                    "services": [str(s) for s in services],
                    "languages": languages,
                    "_country": country,
                }
            )
    for of, in_code, city in EMBASSIES:
        origin, host = by_code[of], by_code[in_code]
        plan.append(
            {
                "name": f"Embassy of {origin.english} in {host.english}, consular section",
                "kind": str(EntryKind.EMBASSY),
                "country": host.code,
                "city": city,
                "services": [str(S.DOCUMENTS), str(S.RETURN)],
                "languages": list(dict.fromkeys([*origin.languages, *host.languages[:1], "en"])),
                "_country": host,
                "_origin": origin,
            }
        )
    return plan


def build_directory(actor_or_none: Any, rng_seed: int) -> int:
    """Create the demo directory's missing entries and return how many were created.

    ``actor_or_none`` is the user the entries are created by (it must be allowed
    ``directory.manage``), or None for the command line. Entries are kept by the secretariat
    organisation when there is one. Idempotent: entries already there (same name and country)
    are left alone, whatever the seed.
    """
    rng = random.Random(rng_seed)  # noqa: S311 (made-up demo details, not secrets)
    today = timezone.localdate()
    secretariat = Organisation.objects.filter(kind=OrgKind.SECRETARIAT).order_by("code").first()
    existing = set(Entry.objects.values_list("name", "country"))
    fakers: dict[str, Faker] = {}
    created = 0
    for item in _plan():
        country: DemoCountry = item.pop("_country")
        origin: DemoCountry | None = item.pop("_origin", None)
        if (item["name"], item["country"]) in existing:
            continue
        domain = f"{_slug(item['name'])}.{country.tld}.example"
        values = {
            **item,
            "street": f"{rng.choice(['Main', 'Station', 'Church', 'Market', 'Park'])} Street "
            f"{rng.randint(1, 120)}",
            "postal_code": f"{rng.randint(1000, 99999)}",
            "phones": [_phone(rng, country) for _ in range(rng.choice([1, 1, 2]))],
            "emails": [f"info@{domain}"],
            "website": f"https://{domain}/",
            "notes": "Fictional demo entry. Call ahead; ask for the duty coordinator.",
            "last_verified": _last_verified(rng, today),
        }
        if actor_or_none is None or actor_or_none.organisation.kind == OrgKind.SECRETARIAT:
            values["owner"] = secretariat
        locale = (origin or country).locale
        fake = fakers.setdefault(locale, Faker(locale))
        fake.seed_instance(rng.randint(0, 2**31))
        with transaction.atomic():
            entry = do_create_entry(actor_or_none, **values)
            for number in range(rng.choice([1, 2, 2, 3])):
                name = fake.name()
                do_add_contact_person(
                    actor_or_none,
                    entry,
                    name=name,
                    function=rng.choice(FUNCTIONS),
                    phone=_phone(rng, country),
                    email=f"{_slug(name).replace('-', '.')[:30] or 'contact'}{number}@{domain}",
                    languages=item["languages"][:2],
                )
        created += 1
    return created
