"""Fictional clients for the demo: names from Faker in each citizenship's own script, coded fields
with plausible distributions (mostly women aged 18-38, some minors, some anonymous).

Each person depends only on the seed, the organisation and their number in it (``person(seed, org,
i)``), so a re-run that adds clients adds the same people a fresh run would have made, and two runs
with one seed give the same data. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from faker import Faker

from strada.clients import codes
from strada.clients.identity import Identity
from strada.demo.network import NETWORK, DemoOrg
from strada.lib.names import transliterate

Weighted = Sequence[tuple[str, float]]

# Faker locale(s) whose names a citizen of each country would have, in their own script. Faker has
# no Belarusian locale: Belarusians get Russian-language names, as most of their documents show.
NAME_LOCALES: dict[str, Weighted] = {
    "UA": (("uk_UA", 1),),
    "BY": (("ru_RU", 1),),
    "RU": (("ru_RU", 1),),
    "MD": (("ro_RO", 80), ("ru_RU", 20)),
    "RO": (("ro_RO", 1),),
    "BG": (("bg_BG", 1),),
    "MK": (("mk_MK", 1),),
    "PL": (("pl_PL", 1),),
    "CZ": (("cs_CZ", 1),),
    "SK": (("sk_SK", 1),),
    "HU": (("hu_HU", 1),),
    "NL": (("nl_NL", 1),),
    "DE": (("de_DE", 1),),
    "IT": (("it_IT", 1),),
    "NG": (("en_NG", 50), ("yo_NG", 25), ("ig_NG", 25)),
    "VN": (("vi_VN", 1),),
}

# The language a person with names from a locale most likely speaks first (ISO 639-1).
LOCALE_LANGUAGE = {
    "uk_UA": "uk",
    "ru_RU": "ru",
    "ro_RO": "ro",
    "bg_BG": "bg",
    "mk_MK": "mk",
    "pl_PL": "pl",
    "cs_CZ": "cs",
    "sk_SK": "sk",
    "hu_HU": "hu",
    "nl_NL": "nl",
    "de_DE": "de",
    "it_IT": "it",
    "en_NG": "en",
    "yo_NG": "yo",
    "ig_NG": "ig",
    "vi_VN": "vi",
}

# Locales whose names commonly carry a patronymic as middle name.
PATRONYMIC_LOCALES = frozenset({"uk_UA", "ru_RU"})

GENDERS: Weighted = (
    (codes.Gender.FEMININE, 70),
    (codes.Gender.MASCULINE, 26),
    (codes.Gender.TRANSGENDER_FEMININE, 1),
    (codes.Gender.NON_CONFORMING, 1),
    (codes.Gender.NOT_SPECIFIED, 2),
)
MARITAL_STATUSES: Weighted = (
    (codes.MaritalStatus.SINGLE, 55),
    (codes.MaritalStatus.MARRIED, 17),
    (codes.MaritalStatus.DIVORCED, 12),
    (codes.MaritalStatus.SEPARATED, 8),
    (codes.MaritalStatus.REGISTERED_PARTNERSHIP, 5),
    (codes.MaritalStatus.WIDOWED, 3),
)
EDUCATION: Weighted = (
    (codes.HighestLevelOfEducation.NONE, 3),
    (codes.HighestLevelOfEducation.PRIMARY, 10),
    (codes.HighestLevelOfEducation.LOWER_SECONDARY, 25),
    (codes.HighestLevelOfEducation.UPPER_SECONDARY, 33),
    (codes.HighestLevelOfEducation.POST_SECONDARY, 8),
    (codes.HighestLevelOfEducation.SHORT_CYCLE_TERTIARY, 4),
    (codes.HighestLevelOfEducation.BACHELOR, 8),
    (codes.HighestLevelOfEducation.MASTER, 3),
    (codes.HighestLevelOfEducation.UNKNOWN, 6),
)
CHILDREN: Sequence[tuple[int, float]] = ((0, 50), (1, 25), (2, 15), (3, 7), (4, 3))

# Second languages people from these countries often speak.
SECOND_LANGUAGES: dict[str, Weighted] = {
    "UA": (("ru", 60), ("en", 30), ("pl", 10)),
    "BY": (("be", 50), ("en", 30), ("pl", 20)),
    "MD": (("ru", 60), ("en", 25), ("ro", 15)),
    "RU": (("en", 1),),
}

REGISTRATION_DAYS = 3 * 365
ANONYMOUS_SHARE = 0.08
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class DemoConsent:
    purpose: str
    given_on: dt.date
    form: str
    wording_version: str
    language: str
    recipient_code: str = ""  # for a referral consent: the organisation it names
    withdrawn_on: dt.date | None = None


@dataclass(frozen=True)
class Person:
    """One fictional client, ready to be turned into a ``Registration``."""

    identity: Identity
    coded: dict[str, object]
    registered_on: dt.date
    consents: tuple[DemoConsent, ...]


def _pick(rng: random.Random, weighted: Sequence[tuple[object, float]]) -> object:
    values = [value for value, _weight in weighted]
    weights = [weight for _value, weight in weighted]
    return rng.choices(values, weights)[0]


@cache
def faker_for(locale: str) -> Faker:
    return Faker(locale)


def _names(fake: Faker, locale: str, gender: str, rng: random.Random) -> tuple[str, str, str]:
    if gender == codes.Gender.FEMININE or (gender != codes.Gender.MASCULINE and rng.random() < 0.5):
        first, last, middle = "first_name_female", "last_name_female", "middle_name_female"
    else:
        first, last, middle = "first_name_male", "last_name_male", "middle_name_male"
    first_name = getattr(fake, first, fake.first_name)()
    last_name = getattr(fake, last, fake.last_name)()
    middle_name = ""
    if locale in PATRONYMIC_LOCALES and rng.random() < 0.6:
        middle_name = getattr(fake, middle)()
    return first_name, middle_name, last_name


def _birth_date(rng: random.Random, registered_on: dt.date, age: int) -> dt.date:
    """A birth date that makes the person ``age`` years old on ``registered_on``."""
    last_birthday = registered_on - dt.timedelta(days=rng.randint(0, 364))
    return last_birthday.replace(year=last_birthday.year - age, day=min(last_birthday.day, 28))


def _age(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.10:
        return rng.randint(13, 17)
    if roll < 0.85:
        return rng.randint(18, 38)
    return rng.randint(39, 58)


def _email(rng: random.Random, first: str, last: str) -> str:
    local = ".".join(
        part
        for part in (_NOT_ALNUM.sub("", transliterate(n).lower()) for n in (first, last))
        if part
    )
    domain = rng.choice(("example.com", "example.net", "example.org"))
    return f"{local or 'client'}{rng.randint(1, 99)}@{domain}"


def _identity(
    rng: random.Random, org: DemoOrg, citizenship: str, locale: str, gender: str, born: dt.date
) -> Identity:
    fake = faker_for(locale)
    fake.seed_instance(rng.getrandbits(64))
    first, middle, last = _names(fake, locale, gender, rng)
    identity = Identity(first_name=first, middle_name=middle, second_name=last)
    if rng.random() < 0.05:
        identity.aliases = getattr(fake, "first_name_female", fake.first_name)()
    if rng.random() < 0.15:
        letters = "".join(rng.choices("ABCEHKMPTX", k=2))
        identity.identity_number = f"{letters}{rng.randint(0, 9_999_999):07d}"
    if rng.random() < 0.45:
        # Half use a phone from home, half a local one.
        phone_faker = fake if rng.random() < 0.5 else faker_for(org.staff_locale)
        phone_faker.seed_instance(rng.getrandbits(64))
        identity.mobile_phone = phone_faker.phone_number()
    if rng.random() < 0.20:
        identity.email = _email(rng, first, last)
    if org.cities and rng.random() < 0.20:
        identity.mailing_city = rng.choice(org.cities)
        identity.mailing_street = f"{rng.choice(org.streets)} {rng.randint(1, 120)}"
    identity.birth_date = born
    return identity


def _coded(
    rng: random.Random,
    org: DemoOrg,
    citizenship: str,
    locale: str,
    gender: str,
    age: int,
    born: dt.date,
) -> dict[str, object]:
    coded: dict[str, object] = {"gender": gender, "citizenship": [citizenship]}
    if citizenship == "MD" and rng.random() < 0.10:
        coded["citizenship"] = ["MD", "RO"]  # many Moldovans also hold a Romanian passport
    primary = LOCALE_LANGUAGE[locale]
    if citizenship == "BY" and rng.random() < 0.25:
        primary = "be"
    coded["primary_language"] = primary
    if rng.random() < 0.40:
        options = SECOND_LANGUAGES.get(citizenship, (("en", 70), (org.wording_language, 30)))
        second = str(_pick(rng, options))
        if second != primary:
            coded["secondary_language"] = second
    minor = age < 18
    if rng.random() < 0.85:
        coded["marital_status"] = (
            codes.MaritalStatus.SINGLE if minor else _pick(rng, MARITAL_STATUSES)
        )
    if rng.random() < 0.80:
        coded["highest_level_of_education"] = (
            rng.choice(
                [
                    codes.HighestLevelOfEducation.PRIMARY,
                    codes.HighestLevelOfEducation.LOWER_SECONDARY,
                ]
            )
            if minor
            else _pick(rng, EDUCATION)
        )
    if rng.random() < 0.75:
        coded["number_of_children"] = 0 if minor else _pick(rng, CHILDREN)
    if rng.random() < 0.80:
        coded["mailing_country"] = org.country
    # Birth: a full date (encrypted; its year is derived), only the year, or only an age band.
    roll = rng.random()
    if roll < 0.40:
        coded["_birth"] = "date"
    elif roll < 0.75:
        coded["birth_year"] = born.year
    else:
        coded["age_band"] = codes.age_band_for(age)
    return coded


def _consents(
    rng: random.Random,
    org: DemoOrg,
    citizenship: str,
    minor: bool,
    registered_on: dt.date,
    today: dt.date,
) -> tuple[DemoConsent, ...]:
    if minor:
        form = codes.ConsentForm.GUARDIAN
    else:
        form = codes.ConsentForm.ORAL if rng.random() < 0.12 else codes.ConsentForm.WRITTEN
    common = DemoConsent(
        purpose="",
        given_on=registered_on,
        form=form,
        wording_version=f"{registered_on.year}-1",
        language=org.wording_language,
    )
    consents: list[DemoConsent] = []
    shares = (
        (codes.ConsentPurpose.SERVICES, 0.98),
        (codes.ConsentPurpose.STATISTICS, 0.85),
        (codes.ConsentPurpose.RESEARCH, 0.10 if minor else 0.30),
        (codes.ConsentPurpose.EXTERNAL_SHARING, 0.20),
    )
    for purpose, share in shares:
        if rng.random() < share:
            consents.append(replace(common, purpose=purpose))
    home_member = NETWORK.member_for_country().get(citizenship, "")
    if home_member and home_member != org.code and rng.random() < 0.25:
        consents.append(
            replace(common, purpose=codes.ConsentPurpose.REFERRAL, recipient_code=home_member)
        )
    withdrawable = [i for i, c in enumerate(consents) if c.purpose != codes.ConsentPurpose.SERVICES]
    if withdrawable and rng.random() < 0.04:
        index = rng.choice(withdrawable)
        days = (today - registered_on).days
        withdrawn_on = registered_on + dt.timedelta(days=rng.randint(0, days))
        consents[index] = replace(consents[index], withdrawn_on=withdrawn_on)
    return tuple(consents)


def person(seed: int, org: DemoOrg, number: int, today: dt.date) -> Person:
    """The ``number``-th (from 0) fictional client of ``org`` for this seed."""
    rng = random.Random(f"strada-demo:{seed}:{org.code}:{number}")
    citizenship = str(_pick(rng, org.citizenships))
    locale = str(_pick(rng, NAME_LOCALES[citizenship]))
    gender = str(_pick(rng, GENDERS))
    age = _age(rng)
    registered_on = today - dt.timedelta(days=rng.randint(0, REGISTRATION_DAYS - 1))
    born = _birth_date(rng, registered_on, age)
    anonymous = rng.random() < ANONYMOUS_SHARE
    identity = Identity() if anonymous else _identity(rng, org, citizenship, locale, gender, born)
    coded = _coded(rng, org, citizenship, locale, gender, age, born)
    if coded.pop("_birth", None) != "date" or anonymous:
        identity.birth_date = None
        if anonymous and "birth_year" not in coded and "age_band" not in coded:
            coded["age_band"] = codes.age_band_for(age)
    elif identity.birth_date is not None:
        coded["birth_year"] = identity.birth_date.year
    consents = _consents(rng, org, citizenship, age < 18, registered_on, today)
    return Person(identity=identity, coded=coded, registered_on=registered_on, consents=consents)


def people(seed: int, org: DemoOrg, start: int, stop: int, today: dt.date) -> list[Person]:
    """Clients number ``start`` to ``stop - 1`` of ``org``, oldest registration first."""
    made = [person(seed, org, number, today) for number in range(start, stop)]
    return sorted(made, key=lambda p: p.registered_on)
