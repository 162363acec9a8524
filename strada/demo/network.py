"""The fictional network that ``strada demo`` builds: who is in it and how its clients are spread.

Organisation names follow the real network (DESIGN.md §1) so the demo reads like the real thing, but
every address, phone number and e-mail address here is made up: streets are "example" streets, phone
numbers end in zeros and e-mail domains are under ``.example`` (RFC 2606), which cannot exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from strada.orgs.models import ROLES_BY_KIND, OrgKind, Role


@dataclass(frozen=True)
class DemoOrg:
    code: str
    kind: str
    name: str
    country: str
    city: str
    street: str
    postal_code: str
    phone: str
    # Interface language of its people ("" follows the browser) and language of its consent forms.
    language: str = ""
    wording_language: str = "en"
    # Share of the demo's clients, and the citizenships of its clients (ISO code, weight).
    client_weight: int = 0
    citizenships: tuple[tuple[str, int], ...] = ()
    # Where its clients live now (for the few with a mailing address).
    cities: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()
    # Locale of its staff's (fictional) names.
    staff_locale: str = "en_GB"

    @property
    def email(self) -> str:
        return f"office@{self.code}.strada-demo.example"

    @property
    def website(self) -> str:
        return f"https://{self.code}.strada-demo.example/"

    @property
    def roles(self) -> list[str]:
        """The roles its kind allows, the organisation admin last."""
        allowed = ROLES_BY_KIND[self.kind]
        return sorted(
            (role.value for role in Role if role in allowed),
            key=lambda role: role == Role.ORG_ADMIN,
        )

    def usernames(self) -> list[str]:
        return [f"{role}.{self.code}" for role in self.roles]

    def organisation_values(self) -> dict[str, str]:
        """The fields ``do_create_organisation`` takes."""
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "city": self.city,
            "street": self.street,
            "postal_code": self.postal_code,
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
        }


@dataclass(frozen=True)
class Network:
    organisations: tuple[DemoOrg, ...] = field(default_factory=tuple)

    def by_code(self, code: str) -> DemoOrg:
        return next(org for org in self.organisations if org.code == code)

    @property
    def case_holders(self) -> list[DemoOrg]:
        return [org for org in self.organisations if org.client_weight > 0]

    def member_for_country(self) -> dict[str, str]:
        """Country → code of the member organisation there (the natural referral partner)."""
        return {org.country: org.code for org in self.organisations if org.kind == OrgKind.MEMBER}


NETWORK = Network(
    (
        DemoOrg(
            code="lsi",
            kind=OrgKind.SECRETARIAT,
            name="La Strada International",
            country="NL",
            city="Amsterdam",
            street="Voorbeeldgracht 1",
            postal_code="1011 AA",
            phone="+31 20 000 0000",
            staff_locale="nl_NL",
        ),
        DemoOrg(
            code="by",
            kind=OrgKind.MEMBER,
            name="La Strada Belarus",
            country="BY",
            city="Minsk",
            street="vul. Prykladnaja 10",
            postal_code="220000",
            phone="+375 17 000 0000",
            wording_language="ru",
            client_weight=8,
            citizenships=(("BY", 92), ("UA", 4), ("RU", 4)),
            cities=("Мінск", "Гомель", "Брэст", "Віцебск", "Магілёў"),
            streets=("вул. Прыкладная", "вул. Цэнтральная", "пр. Узорны"),
            staff_locale="ru_RU",
        ),
        DemoOrg(
            code="md",
            kind=OrgKind.MEMBER,
            name="La Strada Moldova",
            country="MD",
            city="Chișinău",
            street="str. Exemplului 10",
            postal_code="MD-2000",
            phone="+373 22 000 000",
            language="ro",
            wording_language="ro",
            client_weight=14,
            citizenships=(("MD", 90), ("UA", 6), ("RU", 2), ("RO", 2)),
            cities=("Chișinău", "Bălți", "Cahul", "Ungheni", "Soroca", "Orhei"),
            streets=("str. Exemplului", "str. Principală", "bd. Model"),
            staff_locale="ro_RO",
        ),
        DemoOrg(
            code="ua",
            kind=OrgKind.MEMBER,
            name="La Strada Ukraine",
            country="UA",
            city="Kyiv",
            street="vul. Prykladna 10",
            postal_code="01001",
            phone="+380 44 000 0000",
            language="uk",
            wording_language="uk",
            client_weight=16,
            citizenships=(("UA", 93), ("MD", 3), ("BY", 2), ("RU", 2)),
            cities=("Київ", "Харків", "Одеса", "Дніпро", "Львів", "Запоріжжя"),
            streets=("вул. Прикладна", "вул. Центральна", "просп. Зразковий"),
            staff_locale="uk_UA",
        ),
        DemoOrg(
            code="mk",
            kind=OrgKind.MEMBER,
            name="La Strada North Macedonia",
            country="MK",
            city="Skopje",
            street="ul. Primerna 10",
            postal_code="1000",
            phone="+389 2 000 0000",
            wording_language="mk",
            client_weight=6,
            citizenships=(("MK", 85), ("BG", 5), ("UA", 5), ("RO", 5)),
            cities=("Скопје", "Битола", "Куманово", "Тетово", "Охрид"),
            streets=("ул. Примерна", "ул. Централна", "бул. Пример"),
            staff_locale="mk_MK",
        ),
        DemoOrg(
            code="bg",
            kind=OrgKind.MEMBER,
            name="La Strada Bulgaria",
            country="BG",
            city="Sofia",
            street="ul. Primerna 10",
            postal_code="1000",
            phone="+359 2 000 0000",
            wording_language="bg",
            client_weight=8,
            citizenships=(("BG", 90), ("RO", 4), ("UA", 3), ("MK", 3)),
            cities=("София", "Пловдив", "Варна", "Бургас", "Сливен", "Русе"),
            streets=("ул. Примерна", "ул. Централна", "бул. Образец"),
            staff_locale="bg_BG",
        ),
        DemoOrg(
            code="pl",
            kind=OrgKind.MEMBER,
            name="La Strada Poland",
            country="PL",
            city="Warsaw",
            street="ul. Przykładowa 10",
            postal_code="00-001",
            phone="+48 22 000 0000",
            wording_language="pl",
            client_weight=12,
            citizenships=(("PL", 55), ("UA", 30), ("BY", 7), ("VN", 4), ("RO", 4)),
            cities=("Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk", "Poznań"),
            streets=("ul. Przykładowa", "ul. Główna", "al. Wzorcowa"),
            staff_locale="pl_PL",
        ),
        DemoOrg(
            code="cz",
            kind=OrgKind.MEMBER,
            name="La Strada Czech Republic",
            country="CZ",
            city="Prague",
            street="Ukázková 10",
            postal_code="110 00",
            phone="+420 200 000 000",
            wording_language="cs",
            client_weight=7,
            citizenships=(("CZ", 45), ("UA", 20), ("SK", 10), ("VN", 10), ("RO", 8), ("BG", 7)),
            cities=("Praha", "Brno", "Ostrava", "Plzeň", "Liberec"),
            streets=("Ukázková", "Hlavní", "Vzorová"),
            staff_locale="cs_CZ",
        ),
        DemoOrg(
            code="nl",
            kind=OrgKind.MEMBER,
            name="La Strada Netherlands",
            country="NL",
            city="Amsterdam",
            street="Voorbeeldstraat 10",
            postal_code="1012 AB",
            phone="+31 20 000 0010",
            wording_language="nl",
            client_weight=16,
            citizenships=(
                ("NL", 16),
                ("RO", 15),
                ("BG", 12),
                ("PL", 12),
                ("UA", 12),
                ("NG", 11),
                ("VN", 7),
                ("MD", 5),
                ("HU", 5),
                ("SK", 5),
            ),
            cities=("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Tilburg"),
            streets=("Voorbeeldstraat", "Dorpsstraat", "Kerkweg", "Stationsplein"),
            staff_locale="nl_NL",
        ),
        DemoOrg(
            code="aff1",
            kind=OrgKind.AFFILIATE,
            name="Fundația Drum Sigur",
            country="RO",
            city="Iași",
            street="str. Exemplului 5",
            postal_code="700000",
            phone="+40 232 000 000",
            language="ro",
            wording_language="ro",
            client_weight=5,
            citizenships=(("RO", 92), ("MD", 8)),
            cities=("Iași", "București", "Bacău", "Suceava", "Vaslui"),
            streets=("str. Exemplului", "str. Principală", "bd. Model"),
            staff_locale="ro_RO",
        ),
        DemoOrg(
            code="aff2",
            kind=OrgKind.AFFILIATE,
            name="Weg ins Freie e.V.",
            country="DE",
            city="Berlin",
            street="Beispielstraße 5",
            postal_code="10115",
            phone="+49 30 000 0000",
            wording_language="de",
            client_weight=4,
            citizenships=(
                ("RO", 20),
                ("BG", 20),
                ("NG", 15),
                ("UA", 15),
                ("DE", 10),
                ("PL", 10),
                ("VN", 10),
            ),
            cities=("Berlin", "Hamburg", "Leipzig", "Dortmund", "Köln"),
            streets=("Beispielstraße", "Hauptstraße", "Musterweg"),
            staff_locale="de_DE",
        ),
        DemoOrg(
            code="aff3",
            kind=OrgKind.AFFILIATE,
            name="Associazione Approdo",
            country="IT",
            city="Palermo",
            street="Via Esempio 5",
            postal_code="90100",
            phone="+39 091 000 0000",
            wording_language="it",
            client_weight=4,
            citizenships=(("NG", 40), ("RO", 25), ("IT", 10), ("UA", 10), ("MD", 10), ("BG", 5)),
            cities=("Palermo", "Catania", "Napoli", "Roma", "Torino"),
            streets=("Via Esempio", "Via Roma", "Corso Modello"),
            staff_locale="it_IT",
        ),
        DemoOrg(
            code="polaris",
            kind=OrgKind.PARTNER,
            name="Polaris (demo partner)",
            country="US",
            city="Washington, DC",
            street="1 Example Avenue NW",
            postal_code="20001",
            phone="+1 202 000 0000",
            staff_locale="en_US",
        ),
    )
)


def allocate(total: int, network: Network = NETWORK) -> dict[str, int]:
    """Spread ``total`` clients over the case-holding organisations by weight (largest remainder),
    so that the counts always add up to ``total`` and depend on nothing but ``total``."""
    holders = network.case_holders
    weight_sum = sum(org.client_weight for org in holders)
    shares = {org.code: total * org.client_weight / weight_sum for org in holders}
    counts = {code: int(share) for code, share in shares.items()}
    left = total - sum(counts.values())
    by_remainder = sorted(holders, key=lambda org: (-(shares[org.code] % 1), org.code))
    for org in by_remainder[:left]:
        counts[org.code] += 1
    return counts
