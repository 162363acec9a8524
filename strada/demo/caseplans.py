"""Fictional case histories for the demo: what happened to each client (the route from recruitment
to exploitation, who was involved, how it was controlled) and what the organisation did (services,
legal steps, compensation, notes, closure), with distributions that read like the network's data.

Each history depends only on the seed, the organisation, the client's reference code and the facts
the client record already holds (registration date, gender, citizenship, age), so two runs with one
seed make the same cases. Nothing here touches the database; ``strada.demo.cases`` writes them.

Everything is made up. The shares are rough pictures of what the network reports (most identified
victims in Europe are women exploited sexually; forced labour is the second form and the main one
for men; routes run from the east and south-east of Europe to the west, plus internal trafficking),
not statistics anyone should quote.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from strada.cases import codes
from strada.clients import codes as client_codes
from strada.demo.network import NETWORK, DemoOrg

Weighted = Sequence[tuple[str, float]]

Status = codes.TraffickingStatus
Exploitation = codes.TypeOfExploitation
Industry = codes.ForcedLabourIndustry
Recruitment = codes.MethodOfRecruitment
Apps = codes.WebsitesAndApps
Control = codes.MethodsOfControl
Role = codes.RoleInProcess
Svc = codes.ServiceType
Step = codes.LegalStep
Outcome = codes.LegalOutcome
Reason = codes.ReasonForCaseClosure

# Where citizens of a country were exploited (the country itself: internal trafficking).
DESTINATIONS: dict[str, Weighted] = {
    "MD": (("RU", 20), ("TR", 14), ("AE", 8), ("DE", 10), ("PL", 8), ("IL", 5), ("IT", 8),
           ("FR", 4), ("UA", 4), ("MD", 19)),
    "UA": (("PL", 24), ("DE", 14), ("CZ", 10), ("IL", 4), ("RU", 6), ("TR", 5), ("IT", 5),
           ("AE", 3), ("LT", 3), ("UA", 26)),
    "BY": (("RU", 40), ("PL", 18), ("LT", 10), ("DE", 5), ("TR", 5), ("AE", 5), ("BY", 17)),
    "RU": (("TR", 20), ("AE", 15), ("DE", 10), ("RU", 55)),
    "MK": (("DE", 14), ("GR", 10), ("AT", 8), ("RS", 8), ("TR", 5), ("CH", 5), ("IT", 5),
           ("MK", 45)),
    "BG": (("DE", 24), ("NL", 14), ("GR", 12), ("FR", 10), ("BE", 8), ("ES", 5), ("GB", 8),
           ("AT", 5), ("BG", 14)),
    "RO": (("DE", 20), ("IT", 15), ("GB", 15), ("ES", 10), ("FR", 8), ("NL", 7), ("RO", 25)),
    "PL": (("GB", 25), ("DE", 25), ("NL", 20), ("SE", 5), ("NO", 5), ("BE", 5), ("PL", 15)),
    "CZ": (("GB", 30), ("DE", 25), ("AT", 10), ("NL", 5), ("CZ", 30)),
    "SK": (("GB", 25), ("DE", 20), ("AT", 15), ("CZ", 15), ("NL", 10), ("SK", 15)),
    "HU": (("DE", 25), ("AT", 20), ("NL", 15), ("GB", 15), ("CH", 10), ("HU", 15)),
    "NL": (("NL", 85), ("DE", 5), ("BE", 5), ("ES", 5)),
    "DE": (("DE", 85), ("NL", 5), ("AT", 5), ("CH", 5)),
    "IT": (("IT", 90), ("FR", 5), ("ES", 5)),
    "NG": (("IT", 40), ("ES", 15), ("DE", 15), ("NL", 15), ("FR", 15)),
    "VN": (("GB", 30), ("DE", 20), ("PL", 15), ("CZ", 20), ("NL", 15)),
}  # fmt: skip

# Countries passed through on the way, with the share of routes that name them.
TRANSITS: dict[tuple[str, str], tuple[float, tuple[str, ...]]] = {
    ("NG", "IT"): (0.8, ("NE", "LY")),
    ("NG", "ES"): (0.6, ("NE", "DZ", "MA")),
    ("NG", "DE"): (0.7, ("NE", "LY", "IT")),
    ("NG", "NL"): (0.7, ("NE", "LY", "IT")),
    ("NG", "FR"): (0.7, ("NE", "LY", "IT")),
    ("VN", "PL"): (0.7, ("RU", "BY")),
    ("VN", "CZ"): (0.7, ("RU", "PL")),
    ("VN", "DE"): (0.7, ("RU", "PL")),
    ("VN", "NL"): (0.6, ("RU", "PL", "DE")),
    ("VN", "GB"): (0.7, ("RU", "FR")),
    ("MD", "DE"): (0.3, ("RO",)),
    ("MD", "IT"): (0.3, ("RO",)),
    ("MD", "FR"): (0.3, ("RO",)),
    ("MD", "PL"): (0.3, ("UA",)),
    ("UA", "DE"): (0.4, ("PL",)),
    ("UA", "CZ"): (0.3, ("PL",)),
    ("UA", "NL"): (0.4, ("PL", "DE")),
    ("UA", "IT"): (0.3, ("HU",)),
    ("BY", "DE"): (0.4, ("PL",)),
    ("BG", "NL"): (0.3, ("DE",)),
    ("BG", "BE"): (0.3, ("DE",)),
    ("BG", "GB"): (0.3, ("FR",)),
    ("RO", "NL"): (0.2, ("DE",)),
    ("PL", "NL"): (0.2, ("DE",)),
    ("MK", "DE"): (0.4, ("RS", "HU")),
    ("MK", "AT"): (0.4, ("RS", "HU")),
    ("MK", "CH"): (0.3, ("RS", "HU", "AT")),
}

CITIES: dict[str, tuple[str, ...]] = {
    "AE": ("Dubai", "Abu Dhabi"), "AT": ("Wien", "Graz", "Linz"),
    "BE": ("Bruxelles", "Antwerpen", "Liège"), "BG": ("Sofia", "Sliven", "Varna", "Plovdiv", "Pazardzhik"),
    "BY": ("Minsk", "Homiel", "Brest", "Viciebsk"), "CH": ("Zürich", "Genève", "Basel"),
    "CZ": ("Praha", "Brno", "Ostrava", "Plzeň", "Cheb"), "DE": ("Berlin", "Hamburg", "München", "Köln", "Dortmund", "Leipzig"),
    "DZ": ("Tamanrasset",), "ES": ("Madrid", "Barcelona", "Huelva", "Almería"),
    "FR": ("Paris", "Lyon", "Marseille", "Calais"), "GB": ("London", "Birmingham", "Manchester", "Leeds"),
    "GR": ("Athina", "Thessaloniki", "Manolada"), "HU": ("Budapest", "Szeged"),
    "IL": ("Tel Aviv", "Eilat"), "IT": ("Palermo", "Roma", "Napoli", "Torino", "Latina", "Castel Volturno"),
    "LT": ("Vilnius", "Kaunas"), "LY": ("Tripoli", "Sabha"), "MA": ("Oujda",),
    "MD": ("Chișinău", "Bălți", "Cahul", "Ungheni", "Orhei"), "MK": ("Skopje", "Kumanovo", "Tetovo", "Bitola", "Ohrid"),
    "NE": ("Agadez", "Niamey"), "NG": ("Benin City", "Lagos", "Edo"),
    "NL": ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Westland"),
    "NO": ("Oslo", "Bergen"), "PL": ("Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk"),
    "RO": ("Iași", "Bacău", "București", "Constanța", "Craiova"), "RS": ("Beograd", "Subotica"),
    "RU": ("Moskva", "Sankt-Peterburg", "Krasnodar"), "SE": ("Stockholm", "Göteborg"),
    "SK": ("Bratislava", "Košice"), "TR": ("İstanbul", "Antalya", "Ankara"),
    "UA": ("Kyiv", "Kharkiv", "Odesa", "Lviv", "Dnipro", "Zaporizhzhia"),
    "VN": ("Vinh", "Hà Tĩnh", "Hải Phòng"),
}  # fmt: skip

# EU and EEA (and Switzerland): their citizens need no residence permit in a member state.
FREE_MOVEMENT = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS",
    "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "CH",
})  # fmt: skip
# Days of the reflection and recovery period in the countries that give one to third-country
# nationals (rough national practice).
REFLECTION_DAYS = {"NL": 90, "DE": 90, "CZ": 60, "PL": 90, "IT": 180, "BG": 40, "RO": 90}

# Who first identified the person, by the organisation's country.
IDENTIFIED_BY: dict[str, Weighted] = {
    "NL": (("Police", 33), ("BorderGuard", 10), ("NGO", 18), ("LabourInspectorate", 10),
           ("SelfIdentified", 10), ("Hotline", 5), ("HealthServices", 5), ("SocialServices", 5),
           ("MigrationAuthority", 4)),
    "DE": (("Police", 40), ("NGO", 20), ("LabourInspectorate", 12), ("SelfIdentified", 10),
           ("Hotline", 6), ("HealthServices", 4), ("MigrationAuthority", 8)),
    "PL": (("Police", 30), ("BorderGuard", 25), ("NGO", 13), ("LabourInspectorate", 10),
           ("Hotline", 12), ("SelfIdentified", 10)),
    "CZ": (("Police", 35), ("NGO", 20), ("LabourInspectorate", 15), ("SelfIdentified", 10),
           ("Hotline", 10), ("SocialServices", 10)),
    "UA": (("Police", 28), ("NGO", 18), ("Hotline", 22), ("SelfIdentified", 10), ("Embassy", 6),
           ("InternationalOrganisation", 6), ("BorderGuard", 6), ("FamilyOrCommunity", 4)),
    "MD": (("Police", 30), ("NGO", 14), ("Hotline", 20), ("Embassy", 10),
           ("InternationalOrganisation", 10), ("BorderGuard", 6), ("SelfIdentified", 10)),
    "BY": (("Police", 50), ("NGO", 14), ("Hotline", 16), ("Embassy", 6), ("SelfIdentified", 10),
           ("BorderGuard", 4)),
    "MK": (("Police", 40), ("SocialServices", 20), ("NGO", 20), ("BorderGuard", 6),
           ("Hotline", 10), ("SelfIdentified", 4)),
    "BG": (("Police", 30), ("NGO", 20), ("Hotline", 14), ("Embassy", 10), ("BorderGuard", 10),
           ("SelfIdentified", 10), ("SocialServices", 6)),
    "RO": (("Police", 40), ("NGO", 20), ("Embassy", 10), ("Hotline", 10), ("SelfIdentified", 10),
           ("Prosecution", 10)),
    "IT": (("Police", 25), ("NGO", 30), ("MigrationAuthority", 20), ("HealthServices", 5),
           ("Hotline", 12), ("SelfIdentified", 8)),
}  # fmt: skip
DEFAULT_IDENTIFIED_BY: Weighted = (
    ("Police", 40),
    ("NGO", 30),
    ("SelfIdentified", 15),
    ("Hotline", 15),
)

# Who decided that a person is a victim, by country (the national referral mechanism's shape).
DECIDED_BY: dict[str, Weighted] = {
    "NL": (("Police", 50), ("NonPoliceGovernmentalOrganization", 20), ("CourtOrProsecution", 20), ("NGO", 10)),
    "DE": (("Police", 60), ("CourtOrProsecution", 25), ("NGO", 15)),
    "PL": (("Police", 50), ("CourtOrProsecution", 30), ("NGO", 20)),
    "CZ": (("Police", 60), ("CourtOrProsecution", 20), ("NonPoliceGovernmentalOrganization", 20)),
    "UA": (("NonPoliceGovernmentalOrganization", 70), ("Police", 20), ("CourtOrProsecution", 10)),
    "MD": (("NonPoliceGovernmentalOrganization", 40), ("Police", 40), ("CourtOrProsecution", 20)),
    "BY": (("Police", 80), ("CourtOrProsecution", 20)),
    "MK": (("NonPoliceGovernmentalOrganization", 50), ("Police", 40), ("NGO", 10)),
    "BG": (("NonPoliceGovernmentalOrganization", 40), ("Police", 40), ("NGO", 20)),
    "RO": (("Police", 50), ("CourtOrProsecution", 30), ("NonPoliceGovernmentalOrganization", 20)),
    "IT": (("CourtOrProsecution", 30), ("Police", 30), ("NGO", 20), ("NonPoliceGovernmentalOrganization", 20)),
}  # fmt: skip

EXPLOITATION_FEMALE: Weighted = (
    (Exploitation.SEXUAL_EXPLOITATION, 70), (Exploitation.FORCED_LABOUR, 17),
    (Exploitation.CRIMINAL_ACTIVITIES, 4), (Exploitation.FORCED_BEGGING, 3),
    (Exploitation.FORCED_MARRIAGE, 4), (Exploitation.SERVITUDE, 3),
)  # fmt: skip
EXPLOITATION_MALE: Weighted = (
    (Exploitation.SEXUAL_EXPLOITATION, 8), (Exploitation.FORCED_LABOUR, 70),
    (Exploitation.CRIMINAL_ACTIVITIES, 12), (Exploitation.FORCED_BEGGING, 7),
    (Exploitation.SERVITUDE, 3),
)  # fmt: skip
EXPLOITATION_OTHER: Weighted = (
    (Exploitation.SEXUAL_EXPLOITATION, 55), (Exploitation.FORCED_LABOUR, 30),
    (Exploitation.CRIMINAL_ACTIVITIES, 10), (Exploitation.FORCED_BEGGING, 5),
)  # fmt: skip
# A second form that often comes with the first.
SECOND_FORM: dict[str, Weighted] = {
    Exploitation.SEXUAL_EXPLOITATION: ((Exploitation.CRIMINAL_ACTIVITIES, 60), (Exploitation.FORCED_LABOUR, 40)),
    Exploitation.FORCED_LABOUR: ((Exploitation.CRIMINAL_ACTIVITIES, 45), (Exploitation.FORCED_BEGGING, 25), (Exploitation.SEXUAL_EXPLOITATION, 30)),
    Exploitation.CRIMINAL_ACTIVITIES: ((Exploitation.FORCED_BEGGING, 60), (Exploitation.SEXUAL_EXPLOITATION, 40)),
    Exploitation.FORCED_BEGGING: ((Exploitation.CRIMINAL_ACTIVITIES, 1),),
    Exploitation.FORCED_MARRIAGE: ((Exploitation.SERVITUDE, 60), (Exploitation.SEXUAL_EXPLOITATION, 40)),
    Exploitation.SERVITUDE: ((Exploitation.FORCED_LABOUR, 1),),
}  # fmt: skip
INDUSTRIES: Weighted = (
    (Industry.A, 30), (Industry.F, 25), (Industry.C, 20), (Industry.I, 15), (Industry.T, 7),
    (Industry.H, 3),
)  # fmt: skip
SEX_TYPES: Weighted = (
    (codes.TypeOfSexExploitation.PROSTITUTION, 80),
    (codes.TypeOfSexExploitation.PRIVATE_SEXUAL_SERVICES, 10),
    (codes.TypeOfSexExploitation.REMOTE_INTERACTIVE, 7),
    (codes.TypeOfSexExploitation.PORNOGRAPHY, 3),
)
RECRUITMENT: Weighted = (
    (Recruitment.ONLINE_SOCIAL_NETWORKS, 30), (Recruitment.ONLINE_ADVERTISEMENT, 25),
    (Recruitment.FRIENDS, 25), (Recruitment.FAMILY, 10), (Recruitment.AT_WORK, 4),
    (Recruitment.PLACE_OF_BUSINESS, 3), (Recruitment.NEWSPAPER_ADVERT, 3),
)  # fmt: skip
ONLINE: frozenset[str] = frozenset(
    {Recruitment.ONLINE_SOCIAL_NETWORKS, Recruitment.ONLINE_ADVERTISEMENT}
)
# The apps people from these countries meet recruiters on.
APPS: dict[str, Weighted] = {
    "UA": ((Apps.TELEGRAM, 35), (Apps.VIBER, 20), (Apps.INSTAGRAM, 15), (Apps.FACEBOOK, 15), (Apps.TIKTOK, 15)),
    "BY": ((Apps.TELEGRAM, 40), (Apps.VIBER, 25), (Apps.INSTAGRAM, 15), (Apps.TIKTOK, 20)),
    "RU": ((Apps.TELEGRAM, 50), (Apps.INSTAGRAM, 25), (Apps.TIKTOK, 25)),
    "MD": ((Apps.FACEBOOK, 30), (Apps.VIBER, 25), (Apps.TELEGRAM, 20), (Apps.INSTAGRAM, 10), (Apps.TIKTOK, 15)),
    "NG": ((Apps.FACEBOOK, 50), (Apps.WHATSAPP, 35), (Apps.INSTAGRAM, 15)),
    "VN": ((Apps.FACEBOOK, 70), (Apps.MESSENGER, 20), (Apps.TIKTOK, 10)),
}  # fmt: skip
DEFAULT_APPS: Weighted = (
    (Apps.FACEBOOK, 30), (Apps.INSTAGRAM, 20), (Apps.TIKTOK, 15), (Apps.WHATSAPP, 12),
    (Apps.MESSENGER, 10), (Apps.SNAPCHAT, 5), (Apps.TELEGRAM, 8),
)  # fmt: skip
# (method of control, share of cases; sexual exploitation / forced labour / other forms)
CONTROL: tuple[tuple[str, float, float, float], ...] = (
    (Control.FALSE_PROMISES, 0.6, 0.7, 0.5), (Control.TAKES_EARNINGS, 0.55, 0.5, 0.45),
    (Control.DEBT_BONDAGE, 0.35, 0.4, 0.3), (Control.WITHHOLDS_DOCUMENTS, 0.25, 0.4, 0.25),
    (Control.PSYCHOLOGICAL_ABUSE, 0.45, 0.3, 0.4), (Control.PHYSICAL_THREATS, 0.3, 0.2, 0.3),
    (Control.THREATENS_CHILDREN_FAMILY, 0.15, 0.08, 0.15), (Control.PHYSICAL_ABUSE, 0.2, 0.1, 0.2),
    (Control.SEXUAL_ABUSE, 0.15, 0.02, 0.1), (Control.EXCESSIVE_WORKING_HOURS, 0.15, 0.5, 0.25),
    (Control.THREATS_LAW_ENFORCEMENT, 0.12, 0.15, 0.15),
    (Control.RESTRICTS_FINANCIAL_ACCESS, 0.15, 0.15, 0.1),
    (Control.WITHHOLDS_NECESSITIES, 0.06, 0.1, 0.1), (Control.PSYCHOACTIVE_SUBSTANCE, 0.08, 0.02, 0.05),
    (Control.RESTRICTS_MEDICAL_CARE, 0.05, 0.08, 0.05),
)  # fmt: skip
VULNERABILITIES: Weighted = (
    (codes.Vulnerabilities.POVERTY, 45), (codes.Vulnerabilities.EDUCATION, 15),
    (codes.Vulnerabilities.ABUSE_PHYSICAL, 12), (codes.Vulnerabilities.MENTAL_HEALTH, 8),
    (codes.Vulnerabilities.HOMELESSNESS, 8), (codes.Vulnerabilities.ADDICTION, 6),
    (codes.Vulnerabilities.DISCRIMINATION, 6), (codes.Vulnerabilities.SOCIAL_GROUP, 6),
    (codes.Vulnerabilities.WORK_ENVIRONMENT, 8), (codes.Vulnerabilities.DISABILITY, 4),
    (codes.Vulnerabilities.ABUSE_SOCIAL_MEDIA, 4),
)  # fmt: skip
CLOSURE_REASONS: Weighted = (
    (Reason.GOALS_ACHIEVED, 40), (Reason.RELOCATED, 18), (Reason.CLIENT_DECISION, 15),
    (Reason.LOST_CONTACT, 14), (Reason.REFERRED, 10), (Reason.OTHER, 3),
)  # fmt: skip

# Services, by what the organisation is to the client: (type, share of cases).
SERVICES_COMMON = (
    (Svc.PSYCHOLOGICAL, 0.6), (Svc.MEDICAL, 0.45), (Svc.LEGAL_COUNSELLING, 0.55),
    (Svc.SOCIAL_CARE, 0.5), (Svc.MATERIAL, 0.35), (Svc.FINANCIAL, 0.3),
)  # fmt: skip
SERVICES_BY_SITUATION: dict[str, tuple[tuple[str, float], ...]] = {
    # A foreigner exploited in the organisation's country.
    "destination": ((Svc.SAFE_ACCOMMODATION, 0.5), (Svc.INTERPRETATION, 0.55),
                    (Svc.LEGAL_REPRESENTATION, 0.2), (Svc.RETURN, 0.15), (Svc.EDUCATION, 0.05),
                    (Svc.LIVELIHOOD, 0.05)),
    # A citizen back from exploitation abroad.
    "returnee": ((Svc.REINTEGRATION, 0.55), (Svc.SAFE_ACCOMMODATION, 0.2), (Svc.EDUCATION, 0.15),
                 (Svc.LIVELIHOOD, 0.25), (Svc.RETURN, 0.25), (Svc.LEGAL_REPRESENTATION, 0.1)),
    # A citizen exploited at home.
    "internal": ((Svc.SAFE_ACCOMMODATION, 0.35), (Svc.EDUCATION, 0.15), (Svc.LIVELIHOOD, 0.15),
                 (Svc.LEGAL_REPRESENTATION, 0.15), (Svc.REINTEGRATION, 0.2)),
}  # fmt: skip
# Which service comes first when several start together (the most urgent first).
URGENCY = (
    Svc.RETURN, Svc.SAFE_ACCOMMODATION, Svc.MEDICAL, Svc.INTERPRETATION, Svc.SOCIAL_CARE,
    Svc.LEGAL_COUNSELLING, Svc.MATERIAL, Svc.PSYCHOLOGICAL, Svc.FINANCIAL,
    Svc.LEGAL_REPRESENTATION, Svc.REINTEGRATION, Svc.EDUCATION, Svc.LIVELIHOOD,
)  # fmt: skip
SERVICE_DAYS: dict[str, tuple[int, int]] = {
    Svc.SAFE_ACCOMMODATION: (14, 180), Svc.MEDICAL: (1, 60), Svc.PSYCHOLOGICAL: (30, 300),
    Svc.LEGAL_COUNSELLING: (1, 120), Svc.LEGAL_REPRESENTATION: (60, 600),
    Svc.INTERPRETATION: (1, 30), Svc.MATERIAL: (0, 7), Svc.FINANCIAL: (1, 90),
    Svc.EDUCATION: (60, 300), Svc.LIVELIHOOD: (60, 365), Svc.RETURN: (1, 21),
    Svc.REINTEGRATION: (90, 540), Svc.SOCIAL_CARE: (30, 365),
}  # fmt: skip
# The kind of directory entry that gives each service.
DIRECTORY_KIND: dict[str, str] = {
    Svc.SAFE_ACCOMMODATION: "shelter", Svc.MEDICAL: "health", Svc.PSYCHOLOGICAL: "health",
    Svc.LEGAL_COUNSELLING: "lawyer", Svc.LEGAL_REPRESENTATION: "lawyer",
    Svc.INTERPRETATION: "ngo", Svc.MATERIAL: "ngo", Svc.FINANCIAL: "social_services",
    Svc.EDUCATION: "ngo", Svc.LIVELIHOOD: "ngo", Svc.RETURN: "international",
    Svc.REINTEGRATION: "ngo", Svc.SOCIAL_CARE: "social_services",
}  # fmt: skip

# Currency of proceedings in a country, and its rough value of one euro (amounts are made up).
CURRENCIES: dict[str, tuple[str, float]] = {
    "PL": ("PLN", 4.3), "CZ": ("CZK", 25.0), "MD": ("MDL", 19.0), "UA": ("UAH", 45.0),
    "BY": ("BYN", 3.5), "MK": ("MKD", 61.5), "RO": ("RON", 5.0), "GB": ("GBP", 0.85),
    "RU": ("RUB", 100.0), "TR": ("TRY", 35.0), "AE": ("AED", 4.0), "IL": ("ILS", 4.0),
    "HU": ("HUF", 400.0), "CH": ("CHF", 0.95), "SE": ("SEK", 11.5), "NO": ("NOK", 11.7),
    "RS": ("RSD", 117.0), "BG": ("BGN", 1.96),
}  # fmt: skip
EURO_SINCE = {"BG": 2026}  # Bulgaria pays in euro from 2026

NOTES = (
    "Client prefers appointments in the morning.",
    "Client asked for a female interpreter at every meeting.",
    "Client missed today's appointment; rescheduled for next week.",
    "Accompanied the client to the medical check-up.",
    "Client says she sleeps better since the counselling sessions started.",
    "Discussed options for vocational training; the client will think about it.",
    "Client asked for information about the compensation procedure.",
    "Safety assessment reviewed; no new concerns.",
    "Client moved to new accommodation; contact details updated in the file.",
    "Call with the lawyer about the date of the next hearing.",
    "Client wishes to be contacted by phone only, not by letter.",
    "Follow-up call: the client is doing well and has found work.",
    "Client asked us to pause contact for a month.",
    "Documents for the residence permit application handed in.",
    "Travel documents requested from the embassy.",
    "Client would like to attend the language course in the evenings.",
    "Explained the reflection period and what it means; client understood.",
    "Client brought the letter from the court; translated it together.",
)
OBJECTIVES = (
    "Safe accommodation and stabilisation.",
    "Access to medical and psychological care.",
    "Legal counselling on the rights of victims and the criminal procedure.",
    "Regularise the residence status.",
    "Vocational training and help finding work.",
    "Safe return and reintegration with the partner organisation at home.",
    "Financial independence: open a bank account, plan a budget.",
    "Support the family and the children's schooling.",
    "Prepare for giving evidence and accompany the client to court.",
)


@dataclass(frozen=True)
class ClientFacts:
    """What the client record says that a case history must agree with."""

    reference: str
    registered_on: dt.date
    gender: str
    citizenship: str
    age: int | None  # at registration, if known


@dataclass(frozen=True)
class DemoEvent:
    type: str
    country: str
    city: str
    date: dt.date


@dataclass(frozen=True)
class DemoPerpetrator:
    role_in_process: tuple[str, ...]
    gender: str
    citizenship: str


@dataclass(frozen=True)
class DemoService:
    type: str
    start_date: dt.date
    end_date: dt.date | None
    outcome: str
    provider_kind: str
    # For another organisation of the network: its code ("" lets the writer choose one).
    provider_code: str = ""
    # For a directory entry: the kind of entry wanted, and a number in [0, 1) to pick one by.
    directory_kind: str = ""
    pick: float = 0.0


@dataclass(frozen=True)
class DemoLegal:
    step: str
    country: str
    start_date: dt.date
    end_date: dt.date | None
    outcome: str


@dataclass(frozen=True)
class DemoCompensation:
    route: str
    currency: str
    claimed_amount: Decimal | None
    claimed_on: dt.date | None
    awarded_amount: Decimal | None = None
    awarded_on: dt.date | None = None
    paid_amount: Decimal | None = None
    paid_on: dt.date | None = None


@dataclass(frozen=True)
class DemoPlan:
    objectives: str
    planned_end_date: dt.date | None
    actual_end_date: dt.date | None


@dataclass(frozen=True)
class DemoNote:
    text: str
    written_on: dt.date


@dataclass(frozen=True)
class DemoCase:
    values: dict[str, object]  # the case's own fields (``cases.actions.CASE_FIELDS`` but owner)
    events: tuple[DemoEvent, ...] = ()
    perpetrators: tuple[DemoPerpetrator, ...] = ()
    services: tuple[DemoService, ...] = ()
    legal_steps: tuple[DemoLegal, ...] = ()
    compensations: tuple[DemoCompensation, ...] = ()
    plan: DemoPlan | None = None
    notes: tuple[DemoNote, ...] = ()

    @property
    def opened_on(self) -> dt.date:
        return self.values["opened_on"]  # type: ignore[return-value]

    @property
    def closed_on(self) -> dt.date | None:
        return self.values.get("closed_on")  # type: ignore[return-value]


@dataclass
class _Story:
    """What happened, worked out before the case is written down."""

    recruited_in: str
    exploited_in: str
    transits: tuple[str, ...]
    types: list[str]
    status: str
    situation: str  # destination, returnee or internal (from the organisation's point of view)
    events: list[DemoEvent] = field(default_factory=list)
    identified_on: dt.date = dt.date.min


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def _skewed_days(rng: random.Random, bands: Sequence[tuple[float, int, int]]) -> int:
    """Days drawn from (share, low, high) bands: a long-tailed wait or duration."""
    roll = rng.random()
    for share, low, high in bands:
        if roll < share:
            return rng.randint(low, high)
        roll -= share
    return rng.randint(bands[-1][1], bands[-1][2])


def _city(rng: random.Random, country: str) -> str:
    places = CITIES.get(country, ())
    return rng.choice(places) if places and rng.random() < 0.85 else ""


def _home_member(country: str) -> str:
    return NETWORK.member_for_country().get(country, "")


def _situation(org: DemoOrg, facts: ClientFacts, rng: random.Random) -> tuple[str, str, str]:
    """(recruited in, exploited in, situation) for a client of this organisation."""
    home = facts.citizenship or org.country
    if home == org.country:
        exploited = _pick(rng, DESTINATIONS.get(home, ((home, 1),)))
        return home, exploited, "internal" if exploited == home else "returnee"
    stays = 0.9 if org.country in FREE_MOVEMENT else 0.7
    exploited = org.country
    if rng.random() > stays:
        exploited = _pick(rng, DESTINATIONS.get(home, ((org.country, 1),)))
    recruited = org.country if exploited == org.country and rng.random() < 0.15 else home
    if exploited == home:
        return home, exploited, "returnee"
    return recruited, exploited, "destination" if exploited == org.country else "returnee"


def _forms(rng: random.Random, gender: str, minor: bool) -> list[str]:
    if gender == client_codes.Gender.MASCULINE:
        weighted = EXPLOITATION_MALE
    elif gender == client_codes.Gender.FEMININE:
        weighted = EXPLOITATION_FEMALE
    else:
        weighted = EXPLOITATION_OTHER
    if minor:  # children are more often made to beg and steal
        weighted = (
            *weighted,
            (Exploitation.CRIMINAL_ACTIVITIES, 10),
            (Exploitation.FORCED_BEGGING, 8),
        )
    first = _pick(rng, weighted)
    forms = [first]
    if rng.random() < 0.13:
        second = _pick(rng, SECOND_FORM[first])
        if second != first:
            forms.append(second)
    return forms


def _route(
    rng: random.Random, story: _Story, opened_on: dt.date, not_before: dt.date | None, minor: bool
) -> None:
    """The route's events and the identification date, worked back from the case's opening."""
    to_identified = _skewed_days(rng, ((0.6, 0, 3), (0.25, 4, 30), (0.15, 31, 180)))
    since_escape = rng.randint(0, 14) if rng.random() < 0.7 else rng.randint(15, 365)
    exploited_days = _skewed_days(
        rng,
        ((0.25, 7, 60), (0.45, 61, 365), (0.3, 366, 1000)) if minor else
        ((0.2, 7, 60), (0.4, 61, 365), (0.3, 366, 1095), (0.1, 1096, 2500)),
    )  # fmt: skip
    to_exploited = _skewed_days(rng, ((0.6, 2, 21), (0.4, 22, 120)))
    gaps = [to_identified, since_escape, exploited_days, to_exploited]
    if not_before is not None:
        room = (opened_on - not_before).days - 1
        total = sum(gaps)
        if total > room:  # squeeze the story in after the previous case
            gaps = [max(0, gap * room // total) for gap in gaps]
    identified = opened_on - dt.timedelta(days=gaps[0])
    escaped = identified - dt.timedelta(days=gaps[1])
    started = escaped - dt.timedelta(days=gaps[2])
    recruited = started - dt.timedelta(days=gaps[3])
    story.identified_on = identified
    events = [DemoEvent(codes.TraffickingEventType.RECRUITMENT, story.recruited_in,
                        _city(rng, story.recruited_in), recruited)]  # fmt: skip
    travel = (started - recruited).days
    for index, country in enumerate(story.transits, start=1):
        day = recruited + dt.timedelta(days=travel * index // (len(story.transits) + 1))
        events.append(
            DemoEvent(codes.TraffickingEventType.TRANSIT, country, _city(rng, country), day)
        )
    events.append(DemoEvent(codes.TraffickingEventType.EXPLOITATION, story.exploited_in,
                            _city(rng, story.exploited_in), started))  # fmt: skip
    if gaps[2] > 120 and rng.random() < 0.08:  # moved on to be exploited somewhere else too
        elsewhere = [
            c for c, _w in DESTINATIONS.get(story.recruited_in, ()) if c != story.exploited_in
        ]
        if elsewhere:
            country = rng.choice(elsewhere)
            day = started + dt.timedelta(days=gaps[2] // 2)
            events.append(DemoEvent(codes.TraffickingEventType.EXPLOITATION, country,
                                    _city(rng, country), day))  # fmt: skip
    story.events = events


def _multi(
    rng: random.Random, weighted: Sequence[tuple[str, float]], share: float, most: int
) -> list[str]:
    """Up to ``most`` distinct values, the first with probability ``share``."""
    if rng.random() >= share:
        return []
    chosen = [_pick(rng, weighted)]
    while len(chosen) < most and rng.random() < 0.3:
        value = _pick(rng, weighted)
        if value not in chosen:
            chosen.append(value)
    return chosen


def _victim_fields(
    rng: random.Random, org: DemoOrg, facts: ClientFacts, story: _Story, opened_on: dt.date
) -> dict[str, object]:
    values: dict[str, object] = {"opened_on": opened_on, "trafficking_status": story.status}
    country = org.country
    if story.status == Status.ACTUAL:
        values["trafficking_status_decision_making_org"] = _pick(
            rng, DECIDED_BY.get(country, (("Police", 1),))
        )
    elif story.status == Status.NOT_A_VICTIM:
        values["trafficking_status_decision_making_org"] = _pick(rng, (("NGO", 60), ("Police", 40)))
    elif rng.random() < 0.5:
        values["trafficking_status_decision_making_org"] = "NGO"
    values["identification_date"] = story.identified_on
    values["identification_actor"] = _pick(rng, IDENTIFIED_BY.get(country, DEFAULT_IDENTIFIED_BY))
    familial = 60 if Exploitation.FORCED_MARRIAGE in story.types else 18
    if rng.random() < 0.9:
        values["relationship_to_trafficker"] = _pick(
            rng, (("Acquainted", 45), ("Unaquainted", 35), ("Familial", familial))
        )
    if facts.age is not None:
        years = int((facts.registered_on - story.events[0].date).days / 365.25)
        values["age_when_trafficked"] = max(facts.age - years, 6)
    methods = _multi(rng, RECRUITMENT, 0.9, 2)
    values["method_of_recruitment"] = methods
    if ONLINE & set(methods):
        values["recruitment_websites_and_apps"] = _multi(
            rng, APPS.get(facts.citizenship, DEFAULT_APPS), 0.85, 2
        )
    types = story.types if story.status != Status.NOT_A_VICTIM or rng.random() < 0.5 else []
    values["type_of_exploitation"] = list(types)
    if Exploitation.FORCED_LABOUR in types:
        values["forced_labour_industry"] = _pick(rng, INDUSTRIES)
    elif Exploitation.SERVITUDE in types and rng.random() < 0.7:
        values["forced_labour_industry"] = Industry.T
    if Exploitation.SEXUAL_EXPLOITATION in types:
        values["type_of_sex_exploitation"] = _multi(rng, SEX_TYPES, 0.95, 2)
        if rng.random() < 0.3:
            values["exploitation_websites_and_apps"] = _multi(
                rng, ((Apps.TELEGRAM, 35), (Apps.INSTAGRAM, 25), (Apps.OTHER, 40)), 1.0, 2
            )
    column = 0 if Exploitation.SEXUAL_EXPLOITATION in types else 1
    if Exploitation.FORCED_LABOUR not in types and column:
        column = 2
    control = [method for method, *shares in CONTROL if rng.random() < shares[column]]
    if types and not control:
        control = [Control.FALSE_PROMISES]
    if story.situation == "internal" and Control.THREATS_LAW_ENFORCEMENT in control:
        control.remove(Control.THREATS_LAW_ENFORCEMENT)
    values["methods_of_control"] = control
    vulnerabilities = _multi(rng, VULNERABILITIES, 0.7, 3)
    if story.situation == "destination" and rng.random() < 0.5:
        vulnerabilities.append(codes.Vulnerabilities.MIGRATION)
    values["vulnerabilities"] = list(dict.fromkeys(vulnerabilities))
    return values


def _perpetrators(rng: random.Random, story: _Story) -> tuple[DemoPerpetrator, ...]:
    count = int(_pick(rng, (("0", 15), ("1", 35), ("2", 30), ("3", 15), ("4", 5))))
    home, there = story.recruited_in, story.exploited_in
    made = []
    for index in range(count):
        if index == 0:
            roles: list[str] = [Role.RECRUITER]
            if rng.random() < 0.3:
                roles.append(Role.TRANSPORTER)
            gender = _pick(rng, (("Feminine", 45), ("Masculine", 50), ("", 5)))
            citizenship = home if rng.random() < 0.8 else there
        elif index == 1:
            roles = [Role.EXPLOITER, Role.CONTROLLED]
            if rng.random() < 0.4:
                roles.append(Role.HARBOURED)
            gender = _pick(rng, (("Masculine", 75), ("Feminine", 20), ("", 5)))
            citizenship = _pick(rng, ((there, 50), (home, 40), ("", 10)))
        elif index == 2:
            roles = [_pick(rng, ((Role.TRANSPORTER, 40), (Role.HARBOURED, 30), (Role.SMUGGLER, 15),
                                 (Role.BROKER, 15)))]  # fmt: skip
            gender = _pick(rng, (("Masculine", 70), ("Feminine", 25), ("", 5)))
            citizenship = _pick(rng, ((home, 50), (there, 30), ("", 20)))
        else:
            roles = [_pick(rng, ((Role.BOUGHT, 40), (Role.SOLD, 30), (Role.RECEIVED, 30)))]
            gender = _pick(rng, (("Masculine", 80), ("Feminine", 15), ("", 5)))
            citizenship = _pick(rng, ((there, 60), ("", 40)))
        made.append(DemoPerpetrator(tuple(roles), gender, citizenship))
    return tuple(made)


def _closure(
    rng: random.Random, story: _Story, opened_on: dt.date, today: dt.date
) -> dict[str, object]:
    if story.status == Status.NOT_A_VICTIM:
        lasted = rng.randint(7, 60)
        reason = _pick(rng, ((Reason.NOT_ELIGIBLE, 85), (Reason.REFERRED, 15)))
    else:
        lasted = _skewed_days(rng, ((0.3, 30, 180), (0.5, 181, 540), (0.2, 541, 1000)))
        reason = _pick(rng, CLOSURE_REASONS)
    closed_on = opened_on + dt.timedelta(days=lasted)
    age = (today - opened_on).days
    if closed_on > today:
        follow_up = age > 180 and rng.random() < 0.1
        return {"status": codes.CaseStatus.FOLLOW_UP if follow_up else codes.CaseStatus.ACTIVE}
    if rng.random() < 0.08:  # done, but the organisation still checks in now and then
        return {"status": codes.CaseStatus.FOLLOW_UP}
    referred = reason == Reason.REFERRED
    return {
        "status": codes.CaseStatus.CLOSED_REFERRED if referred else codes.CaseStatus.CLOSED,
        "closed_on": closed_on,
        "reason_for_case_closure": reason,
    }


def _outcome(rng: random.Random) -> str:
    return _pick(
        rng,
        ((codes.ServiceOutcome.COMPLETED, 80), (codes.ServiceOutcome.INTERRUPTED, 12),
         (codes.ServiceOutcome.DECLINED, 5), (codes.ServiceOutcome.NOT_AVAILABLE, 3)),
    )  # fmt: skip


def _services(
    rng: random.Random,
    org: DemoOrg,
    facts: ClientFacts,
    story: _Story,
    opened_on: dt.date,
    closed_on: dt.date | None,
    today: dt.date,
) -> tuple[DemoService, ...]:
    """Services from the case's opening until today or its closure; at a closure, what still ran
    ends that day."""
    until = closed_on or today
    if story.status == Status.NOT_A_VICTIM:
        wanted: list[str] = [Svc.LEGAL_COUNSELLING]
        if rng.random() < 0.5:
            wanted.append(Svc.SOCIAL_CARE)
    else:
        options = SERVICES_COMMON + SERVICES_BY_SITUATION[story.situation]
        wanted = [kind for kind, share in options if rng.random() < share]
        if story.situation == "destination" and Svc.RETURN in wanted and rng.random() < 0.6:
            wanted.append(Svc.REINTEGRATION)  # given by the member at home
        if not wanted:
            wanted = [Svc.SOCIAL_CARE]
        wanted += [
            k
            for k in (Svc.MEDICAL, Svc.FINANCIAL, Svc.MATERIAL)
            if k in wanted and rng.random() < 0.15
        ]
    wanted.sort(key=URGENCY.index)
    first = opened_on + dt.timedelta(
        days=_skewed_days(rng, ((0.45, 0, 0), (0.2, 1, 3), (0.15, 4, 14), (0.12, 15, 60), (0.08, 61, 180)))
    )  # fmt: skip
    first = min(first, until)
    home_member = _home_member(facts.citizenship)
    if home_member == org.code:
        home_member = ""
    # The member at the other end of the route, if there is one: it helps there.
    partner = next(
        (
            m
            for m in map(_home_member, (story.recruited_in, story.exploited_in))
            if m not in ("", org.code)
        ),
        "",
    )
    made = []
    for index, kind in enumerate(wanted):
        start = first
        if index:
            start = first + dt.timedelta(
                days=_skewed_days(rng, ((0.5, 0, 14), (0.3, 15, 90), (0.2, 91, 300)))
            )
            if kind == Svc.REINTEGRATION and story.situation == "destination":
                start += dt.timedelta(days=30)
        if start > until:
            continue
        low, high = SERVICE_DAYS[kind]
        end: dt.date | None = start + dt.timedelta(days=rng.randint(low, high))
        outcome = _outcome(rng)
        if outcome in (codes.ServiceOutcome.DECLINED, codes.ServiceOutcome.NOT_AVAILABLE):
            end = start
        if end is not None and end > until:
            if closed_on is None:
                end, outcome = None, codes.ServiceOutcome.ONGOING
            else:
                end = closed_on
                outcome = rng.choice(
                    (codes.ServiceOutcome.COMPLETED, codes.ServiceOutcome.INTERRUPTED)
                )
        provider, code, directory_kind = codes.ProviderKind.OWN, "", ""
        roll = rng.random()
        if kind == Svc.REINTEGRATION and story.situation == "destination" and home_member:
            provider, code = codes.ProviderKind.NETWORK, home_member
        elif roll < 0.08 and partner:
            provider, code = codes.ProviderKind.NETWORK, partner
        elif roll < 0.2:
            provider, directory_kind = codes.ProviderKind.DIRECTORY, DIRECTORY_KIND[kind]
        made.append(
            DemoService(kind, start, end, outcome, provider, code, directory_kind, rng.random())
        )
    return tuple(sorted(made, key=lambda s: (s.start_date, URGENCY.index(s.type))))


@dataclass
class _Proceedings:
    """The steps taken, and what compensation claims can hang on."""

    steps: list[DemoLegal] = field(default_factory=list)
    country: str = ""
    complained_on: dt.date | None = None
    prosecuted_on: dt.date | None = None
    verdict_on: dt.date | None = None
    verdict: str = ""


def _residence(
    rng: random.Random, org: DemoOrg, facts: ClientFacts, story: _Story, opened_on: dt.date,
    today: dt.date, steps: list[DemoLegal],
) -> None:  # fmt: skip
    """Reflection period and residence permit for a third-country national in a member state."""
    days = REFLECTION_DAYS.get(org.country)
    if (
        days is None
        or story.situation != "destination"
        or facts.citizenship in FREE_MOVEMENT
        or story.status == Status.NOT_A_VICTIM
        or rng.random() >= (0.25 if facts.citizenship == "UA" else 0.55)  # UA: temporary protection
    ):
        return
    start = opened_on + dt.timedelta(days=rng.randint(0, 14))
    if start > today:
        return
    if rng.random() < 0.08:
        steps.append(DemoLegal(Step.REFLECTION_PERIOD, org.country, start, start, Outcome.REFUSED))
        return
    end = start + dt.timedelta(days=days)
    if end > today:
        steps.append(DemoLegal(Step.REFLECTION_PERIOD, org.country, start, None, Outcome.GRANTED))
        return
    steps.append(DemoLegal(Step.REFLECTION_PERIOD, org.country, start, end, Outcome.GRANTED))
    if rng.random() < 0.6:
        decided = end + dt.timedelta(days=rng.randint(30, 180))
        if decided > today:
            steps.append(DemoLegal(Step.RESIDENCE_PERMIT, org.country, end, None, Outcome.PENDING))
        elif rng.random() < 0.75:
            steps.append(DemoLegal(Step.RESIDENCE_PERMIT, org.country, end, None, Outcome.GRANTED))
        else:
            steps.append(
                DemoLegal(Step.RESIDENCE_PERMIT, org.country, end, decided, Outcome.REFUSED)
            )


def _criminal(
    rng: random.Random, org: DemoOrg, story: _Story, today: dt.date, found: _Proceedings
) -> None:
    """Complaint, investigation, prosecution, trial, verdict and appeal, as far as they got."""
    shares: dict[str, float] = {Status.ACTUAL: 0.55, Status.POSSIBLE: 0.3}
    share = shares.get(story.status, 0.05)
    if rng.random() >= share:
        return
    if story.situation == "returnee":
        country = story.recruited_in if rng.random() < 0.6 else story.exploited_in
    else:
        country = story.exploited_in if rng.random() < 0.7 else story.recruited_in
    complained = story.identified_on + dt.timedelta(
        days=_skewed_days(rng, ((0.6, 0, 7), (0.4, 8, 60)))
    )
    if complained > today:
        return
    steps = found.steps
    found.country, found.complained_on = country, complained
    outcome = _pick(rng, ((Outcome.GRANTED, 85), (Outcome.REFUSED, 10), (Outcome.WITHDRAWN, 5)))
    steps.append(DemoLegal(Step.COMPLAINT, country, complained, complained, outcome))
    if outcome != Outcome.GRANTED or rng.random() >= 0.8:
        return
    started = complained + dt.timedelta(days=rng.randint(0, 30))
    ended = started + dt.timedelta(days=rng.randint(90, 720))
    if started > today:
        return
    if ended > today:
        steps.append(DemoLegal(Step.INVESTIGATION, country, started, None, Outcome.PENDING))
        return
    if rng.random() >= 0.45:
        steps.append(DemoLegal(Step.INVESTIGATION, country, started, ended, Outcome.DISMISSED))
        return
    steps.append(DemoLegal(Step.INVESTIGATION, country, started, ended, Outcome.GRANTED))
    found.prosecuted_on = ended
    verdict_on = ended + dt.timedelta(days=rng.randint(60, 540))
    trial = rng.random() < 0.7
    trial_on = ended + dt.timedelta(days=rng.randint(30, max(30, (verdict_on - ended).days - 1)))
    if verdict_on > today:
        steps.append(DemoLegal(Step.PROSECUTION, country, ended, None, Outcome.PENDING))
        if trial and trial_on <= today:
            steps.append(DemoLegal(Step.TRIAL, country, trial_on, None, Outcome.PENDING))
        return
    verdict = _pick(rng, ((Outcome.CONVICTION, 55), (Outcome.CONVICTION_OTHER, 15),
                          (Outcome.ACQUITTAL, 15), (Outcome.DISMISSED, 15)))  # fmt: skip
    found.verdict_on, found.verdict = verdict_on, verdict
    steps.append(DemoLegal(Step.PROSECUTION, country, ended, verdict_on, verdict))
    if trial:
        steps.append(DemoLegal(Step.TRIAL, country, trial_on, verdict_on, verdict))
    steps.append(DemoLegal(Step.VERDICT, country, verdict_on, verdict_on, verdict))
    appealed = verdict_on + dt.timedelta(days=rng.randint(10, 30))
    if verdict != Outcome.DISMISSED and appealed <= today and rng.random() < 0.2:
        decided = appealed + dt.timedelta(days=rng.randint(90, 365))
        if decided > today:
            steps.append(DemoLegal(Step.APPEAL, country, appealed, None, Outcome.PENDING))
        else:
            upheld = verdict if rng.random() < 0.7 else Outcome.ACQUITTAL
            steps.append(DemoLegal(Step.APPEAL, country, appealed, decided, upheld))


def _amount(rng: random.Random, euros: float, rate: float) -> Decimal:
    return Decimal(max(1, round(euros * rate / 100)) * 100).quantize(Decimal("0.01"))


def _compensation(
    rng: random.Random, story: _Story, found: _Proceedings, today: dt.date
) -> tuple[DemoCompensation, ...]:
    if found.complained_on is None or story.status != Status.ACTUAL or rng.random() >= 0.35:
        return ()
    labour = Exploitation.FORCED_LABOUR in story.types
    weighted = [(codes.CompensationRoute.CIVIL, 12), (codes.CompensationRoute.STATE_FUND, 12),
                (codes.CompensationRoute.SETTLEMENT, 5)]  # fmt: skip
    if found.prosecuted_on is not None:
        weighted.append((codes.CompensationRoute.CRIMINAL, 70))
    if labour:
        weighted.append((codes.CompensationRoute.LABOUR, 25))
    route = _pick(rng, weighted)
    if route == codes.CompensationRoute.CRIMINAL and found.prosecuted_on is not None:
        claimed_on = found.prosecuted_on + dt.timedelta(days=rng.randint(0, 60))
    else:
        claimed_on = found.complained_on + dt.timedelta(days=rng.randint(30, 400))
    if claimed_on > today:
        return ()
    country = story.exploited_in if route == codes.CompensationRoute.STATE_FUND else found.country
    currency, rate = CURRENCIES.get(country, ("EUR", 1.0))
    if claimed_on.year >= EURO_SINCE.get(country, 9999):
        currency, rate = "EUR", 1.0
    euros = rng.uniform(2_000, 25_000) if labour else rng.uniform(5_000, 50_000)
    claim = DemoCompensation(route, currency, _amount(rng, euros, rate), claimed_on)
    if route == codes.CompensationRoute.CRIMINAL:
        convicted = found.verdict in (Outcome.CONVICTION, Outcome.CONVICTION_OTHER)
        if found.verdict_on is None or not convicted or rng.random() >= 0.6:
            return (claim,)
        awarded_on = max(found.verdict_on, claimed_on)
    else:
        share: dict[str, float] = {
            codes.CompensationRoute.SETTLEMENT: 0.8,
            codes.CompensationRoute.STATE_FUND: 0.5,
        }
        if rng.random() >= share.get(route, 0.4):
            return (claim,)
        awarded_on = claimed_on + dt.timedelta(days=rng.randint(90, 540))
        if awarded_on > today:
            return (claim,)
    assert claim.claimed_amount is not None
    awarded = (claim.claimed_amount * Decimal(rng.randint(20, 100)) / 100).quantize(Decimal("1"))
    claim = DemoCompensation(route, currency, claim.claimed_amount, claimed_on,
                             awarded.quantize(Decimal("0.01")), awarded_on)  # fmt: skip
    pays: dict[str, float] = {
        codes.CompensationRoute.SETTLEMENT: 0.8,
        codes.CompensationRoute.STATE_FUND: 0.9,
    }
    paid_on = awarded_on + dt.timedelta(days=rng.randint(14, 365))
    if paid_on > today or rng.random() >= pays.get(route, 0.35):
        return (claim,)
    paid = awarded if rng.random() < 0.6 else (awarded * Decimal(rng.randint(10, 90)) / 100)
    return (
        DemoCompensation(route, currency, claim.claimed_amount, claimed_on, claim.awarded_amount,
                         awarded_on, paid.quantize(Decimal("0.01")), paid_on),
    )  # fmt: skip


def _plan(
    rng: random.Random, story: _Story, opened_on: dt.date, closed_on: dt.date | None
) -> DemoPlan | None:
    if rng.random() >= 0.65:
        return None
    pool = [o for o in OBJECTIVES if story.situation == "destination" or "residence" not in o]
    if story.situation == "internal":
        pool = [o for o in pool if "return" not in o]
    objectives = " ".join(rng.sample(pool, rng.randint(2, 3)))
    planned = opened_on + dt.timedelta(days=rng.randint(180, 365))
    return DemoPlan(objectives, planned, closed_on)


def _notes(
    rng: random.Random, opened_on: dt.date, closed_on: dt.date | None, today: dt.date
) -> tuple[DemoNote, ...]:
    count = int(_pick(rng, (("0", 55), ("1", 25), ("2", 13), ("3", 7))))
    last = closed_on or today
    span = max(0, min((last - opened_on).days, 300))
    texts = rng.sample(NOTES, count)
    return tuple(
        sorted(
            (DemoNote(text, opened_on + dt.timedelta(days=rng.randint(0, span))) for text in texts),
            key=lambda note: note.written_on,
        )
    )


def _case(
    rng: random.Random,
    org: DemoOrg,
    facts: ClientFacts,
    opened_on: dt.date,
    today: dt.date,
    *,
    not_before: dt.date | None = None,
    closure: dict[str, object] | None = None,
) -> DemoCase:
    recruited, exploited, situation = _situation(org, facts, rng)
    transits: tuple[str, ...] = ()
    share, countries = TRANSITS.get((recruited, exploited), (0.0, ()))
    if rng.random() < share:
        transits = countries
    minor = facts.age is not None and facts.age < 18
    status = _pick(rng, ((Status.ACTUAL, 58), (Status.POSSIBLE, 37), (Status.NOT_A_VICTIM, 5)))
    story = _Story(
        recruited, exploited, transits, _forms(rng, facts.gender, minor), status, situation
    )
    _route(rng, story, opened_on, not_before, minor)
    values = _victim_fields(rng, org, facts, story, opened_on)
    values.update(closure if closure is not None else _closure(rng, story, opened_on, today))
    closed_on: dt.date | None = values.get("closed_on")  # type: ignore[assignment]
    found = _Proceedings()
    _residence(rng, org, facts, story, opened_on, today, found.steps)
    _criminal(rng, org, story, today, found)
    return DemoCase(
        values=values,
        events=tuple(story.events),
        perpetrators=_perpetrators(rng, story) if status != Status.NOT_A_VICTIM else (),
        services=_services(rng, org, facts, story, opened_on, closed_on, today),
        legal_steps=tuple(sorted(found.steps, key=lambda s: s.start_date)),
        compensations=_compensation(rng, story, found, today),
        plan=_plan(rng, story, opened_on, closed_on),
        notes=_notes(rng, opened_on, closed_on, today),
    )


def cases_for(seed: int, org: DemoOrg, facts: ClientFacts, today: dt.date) -> list[DemoCase]:
    """The client's cases: one, or two when the person was trafficked again after the first closed."""
    rng = random.Random(f"strada-demo-cases:{seed}:{org.code}:{facts.reference}")
    opened_on = min(facts.registered_on, today)
    first = _case(rng, org, facts, opened_on, today)
    if (
        first.closed_on is None
        or first.values.get("reason_for_case_closure") == Reason.NOT_ELIGIBLE
    ):
        return [first]
    again = first.closed_on + dt.timedelta(days=rng.randint(120, 600))
    if again > today or rng.random() >= 0.2:
        return [first]
    closure = _closure(rng, _Story("", "", (), [], Status.ACTUAL, ""), again, today)
    return [
        first,
        _case(rng, org, facts, again, today, not_before=first.closed_on, closure=closure),
    ]


def age_at_registration(
    registered_on: dt.date, birth_year: int | None, age_band: str
) -> int | None:
    """The client's age when registered, from the birth year or the middle of the age band."""
    if birth_year:
        return registered_on.year - birth_year
    if not age_band or not age_band[0].isdigit():
        return None
    low, _sep, high = age_band.rstrip("+").partition("-")
    return (int(low) + int(high)) // 2 if high else int(low) + 2
