"""Deterministic fictional clients for the benchmarks (fast: no Faker, fixed name pools).

Names come in their own script (Cyrillic for Ukrainian and Bulgarian clients), so registration pays
for transliteration as it does for real clients; about one in twenty clients is anonymous.
"""

from __future__ import annotations

import datetime as dt
import random

from strada.clients.actions import ConsentInput, Registration
from strada.clients.identity import Identity

# (citizenship, language, female first names, male first names, surnames)
POOLS = [
    (
        "UA",
        "uk",
        "Олена Ірина Наталія Оксана Тетяна Юлія Марія Анна Світлана Людмила Катерина Вікторія",
        "Андрій Олег Сергій Іван Дмитро Микола Василь Петро",
        "Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Лисенко "
        "Мельник Бойко Ткачук Савченко Руденко Марченко Мороз Павленко Козак Гончаренко Клименко",
    ),
    (
        "MD",
        "ro",
        "Ana Maria Elena Ioana Cristina Mihaela Natalia Tatiana Olga Valentina Doina Liliana",
        "Ion Vasile Mihai Andrei Nicolae Alexandru Sergiu Victor",
        "Rusu Ceban Ciobanu Turcan Lungu Munteanu Cojocaru Rotaru Cebotari Popa Sandu Gutu "
        "Moraru Botnaru Bivol Railean Roman Plamadeala Grosu Lupu",
    ),
    (
        "BG",
        "bg",
        "Мария Иванка Елена Йорданка Пенка Даниела Силвия Цветанка Десислава Петя Гергана Росица",
        "Георги Иван Димитър Николай Петър Христо Стоян Тодор",
        "Иванова Георгиева Димитрова Петрова Николова Христова Стоянова Тодорова Илиева Атанасова "
        "Василева Петкова Ангелова Маринова Колева Йорданова Стефанова Попова Михайлова Костова",
    ),
    (
        "NG",
        "en",
        "Blessing Joy Faith Mercy Gift Esther Grace Peace Favour Patience Precious Comfort",
        "Chinedu Emeka Tunde Segun Ibrahim Musa Olumide Uche",
        "Okafor Adeyemi Okonkwo Eze Nwosu Ogunleye Balogun Ibrahim Obi Chukwu Adebayo Okoro "
        "Uchenna Nnamdi Afolabi Bello Abubakar Ojo Olawale Ezeh",
    ),
    (
        "VN",
        "vi",
        "Lan Hoa Huong Mai Linh Thu Trang Ngoc Hanh Phuong Thao Nga",
        "Minh Tuan Hung Duc Nam Quang Long Thanh",
        "Nguyen Tran Le Pham Hoang Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Dinh Trinh Mai Cao Lam",
    ),
]
POOL_WEIGHTS = [40, 25, 15, 10, 10]
GENDERS = [("Feminine", 70), ("Masculine", 26), ("NonConforming", 2), ("NonSpecifiedUnknown", 2)]
CITIES = ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen"]


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in items], weights=[w for _v, w in items])[0]


def registration(seed: int, number: int, today: dt.date) -> Registration:
    """Client ``number`` of the benchmark population (the same for a given seed and number)."""
    rng = random.Random(seed * 1_000_003 + number)
    country, language, women, men, surnames = rng.choices(POOLS, weights=POOL_WEIGHTS)[0]
    gender = _weighted(rng, GENDERS)
    firsts = (men if gender == "Masculine" else women).split()
    registered_on = today - dt.timedelta(days=rng.randrange(0, 6 * 365))
    age = rng.choice([rng.randint(12, 17), rng.randint(18, 38), rng.randint(18, 38), 45])
    birth_date = registered_on - dt.timedelta(days=age * 365 + rng.randrange(0, 365))
    identity = Identity()
    if rng.random() >= 0.05:
        first, last = rng.choice(firsts), rng.choice(surnames.split())
        identity = Identity(
            first_name=first,
            second_name=last,
            birth_date=birth_date,
            mobile_phone=f"+31 6 {rng.randrange(10**8):08d}" if rng.random() < 0.6 else "",
            email=f"client{number}@example.org" if rng.random() < 0.3 else "",
            identity_number=f"{country}{rng.randrange(10**9):09d}" if rng.random() < 0.4 else "",
            mailing_city=rng.choice(CITIES) if rng.random() < 0.5 else "",
        )
    return Registration(
        identity=identity,
        coded={
            "gender": gender,
            "citizenship": [country],
            "primary_language": language,
            "marital_status": rng.choice(["Single", "Single", "Married", ""]),
            "mailing_country": "NL",
        },
        registered_on=registered_on,
        consents=[
            ConsentInput(
                purpose=purpose, given_on=registered_on, wording_version="2026-1", language="en"
            )
            for purpose in ("services", "statistics")
        ],
    )


def registrations(seed: int, start: int, stop: int, today: dt.date) -> list[Registration]:
    return [registration(seed, n, today) for n in range(start, stop)]
