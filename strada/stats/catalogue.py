"""The default indicator catalogue: what the network asks its members to report, as data.

Each entry becomes an ``Indicator`` row (version 1) through ``ensure_catalogue``; the network admin
extends or revises the catalogue in the database afterwards (a changed definition is a new version),
so this module is the starting point, not the source of truth once the catalogue exists.

Keys of ``validation`` (checked on submissions; the first three also steer disclosure control):
- ``min``: the lowest acceptable value (0 for every count).
- ``same_population``: the indicator counts the same people as that indicator, only broken down
  differently. Cells with the same key are the same figure (the totals are equal), and
  ``suppression.suppress`` treats the two as one table.
- ``based_on``: for amounts, days and medians, the count indicator whose cell with the same key
  counts what the figure is computed over; the figure is suppressed when that count is.
- ``not_above``: the total may not exceed that indicator's total.
- ``overlapping``: dimensions under which one unit can be counted in several cells (a client gets
  several kinds of service), so that breakdown sums to more than the total.

Cross-references name the tables and articles a figure answers: Eurostat's ``crim_thb`` tables
(``crim_thb_vsage`` victims by sex and age, ``crim_thb_vctz`` by citizenship, ``crim_thb_vexp`` by
form of exploitation), the GRETA evaluation questionnaire, Directive 2011/36/EU as amended by
Directive (EU) 2024/1712 (Article 19a on data collection), Directive 2004/81/EC (residence permits)
and the OSCE/ODIHR National Referral Mechanisms handbook (2022).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from strada.stats.models import CountingUnit, Indicator

EUROSTAT_SEX_AGE = "Eurostat crim_thb_vsage (registered victims by sex and age)"
EUROSTAT_CITIZENSHIP = "Eurostat crim_thb_vctz (registered victims by citizenship)"
EUROSTAT_EXPLOITATION = "Eurostat crim_thb_vexp (registered victims by form of exploitation)"
EUROSTAT_JUSTICE = "Eurostat crim_thb (persons in the criminal justice system)"
DIRECTIVE_DATA = "Directive 2011/36/EU as amended by 2024/1712, Art. 19a (data collection)"
DIRECTIVE_ASSISTANCE = "Directive 2011/36/EU as amended by 2024/1712, Art. 11 (assistance)"
DIRECTIVE_COMPENSATION = "Directive 2011/36/EU as amended by 2024/1712, Art. 17 (compensation)"
DIRECTIVE_PROSECUTION = "Directive 2011/36/EU as amended by 2024/1712, Art. 9 (investigation)"
DIRECTIVE_RESIDENCE = "Directive 2004/81/EC, Arts. 6 and 8 (reflection period, residence permit)"
GRETA_VICTIMS = "GRETA questionnaire: identification of victims (statistics by sex, age, form)"
GRETA_ASSISTANCE = "GRETA questionnaire: assistance measures (Art. 12 CETS 197)"
GRETA_RECOVERY = "GRETA questionnaire: recovery and reflection period, residence permit"
GRETA_COMPENSATION = "GRETA questionnaire: compensation and legal redress (Art. 15 CETS 197)"
GRETA_JUSTICE = "GRETA questionnaire: investigations, prosecutions and convictions"
OSCE_NRM = "OSCE/ODIHR National Referral Mechanisms handbook (2022): identification"
OSCE_NRM_SUPPORT = "OSCE/ODIHR National Referral Mechanisms handbook (2022): support services"

VICTIMS = "VICTIMS_REGISTERED"


def _ind(
    code: str,
    unit: str,
    computation: str,
    disaggregations: list[str],
    cross_references: list[str],
    en: tuple[str, str],
    uk: tuple[str, str],
    ro: tuple[str, str],
    **validation: Any,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": en[0],
        "definition": en[1],
        "translations": {
            "uk": {"name": uk[0], "definition": uk[1]},
            "ro": {"name": ro[0], "definition": ro[1]},
        },
        "unit": unit,
        "disaggregations": disaggregations,
        "computation": computation,
        "validation": {"min": 0, **validation},
        "cross_references": cross_references,
    }


P, C, E = CountingUnit.PERSON, CountingUnit.CASE, CountingUnit.EVENT
A, D, K = CountingUnit.AMOUNT, CountingUnit.DAYS, CountingUnit.CONTACT
COMP_DIMS = ["compensation_route", "currency", "compensation_route|currency"]
AMOUNT_DIMS = ["currency", "compensation_route|currency"]

# "Registered victims" (all VICTIMS_* but the re-trafficked): consented clients with a case whose
# identification date (or opening date, when it is missing) lies in the period and whose trafficking
# status is possible or identified; a client with several such cases is counted once, with the facts
# of the last of them.
DEFAULT_CATALOGUE: list[dict[str, Any]] = [
    _ind(
        VICTIMS, P, "victims_registered",
        ["victim_status", "sex", "age_group", "citizenship_group", "exploitation",
         "age_group|sex", "exploitation|sex", "citizenship_group|sex"],
        [EUROSTAT_SEX_AGE, EUROSTAT_CITIZENSHIP, EUROSTAT_EXPLOITATION, DIRECTIVE_DATA,
         GRETA_VICTIMS],
        ("Registered victims",
         "Clients identified (or, when no identification date is recorded, whose case was opened) in "
         "the period as presumed or identified victims of trafficking; each person once. Sex, age "
         "group, citizenship group and the first recorded form of exploitation, as Eurostat asks."),
        ("Зареєстровані постраждалі",
         "Клієнти, ідентифіковані у звітному періоді (або чию справу відкрито, якщо дата "
         "ідентифікації не зазначена) як імовірні чи встановлені постраждалі від торгівлі людьми; "
         "кожна особа один раз. За статтю, віковою групою, групою громадянства та першою вказаною "
         "формою експлуатації, як вимагає Євростат."),
        ("Victime înregistrate",
         "Clienți identificați în perioadă (sau al căror caz a fost deschis, dacă data identificării "
         "lipsește) ca victime prezumate sau identificate ale traficului de persoane; fiecare "
         "persoană o dată. Pe sexe, grupe de vârstă, grupe de cetățenie și prima formă de exploatare "
         "înregistrată, ca la Eurostat."),
    ),
    _ind(
        "VICTIMS_BY_AGE_BAND", P, "victims_by_age_band", ["age_band", "age_band|sex"],
        [EUROSTAT_SEX_AGE, GRETA_VICTIMS],
        ("Registered victims by age band",
         "The registered victims by the age they reach in the reporting year (from the birth year; "
         "else the age band recorded at registration)."),
        ("Зареєстровані постраждалі за віковими інтервалами",
         "Зареєстровані постраждалі за віком, якого вони досягають у звітному році (за роком "
         "народження; інакше за віковим інтервалом, зазначеним при реєстрації)."),
        ("Victime înregistrate pe intervale de vârstă",
         "Victimele înregistrate după vârsta împlinită în anul raportat (din anul nașterii; altfel "
         "intervalul de vârstă consemnat la înregistrare)."),
        same_population=VICTIMS,
    ),
    _ind(
        "VICTIMS_BY_CITIZENSHIP", P, "victims_by_citizenship", ["citizenship"],
        [EUROSTAT_CITIZENSHIP, GRETA_VICTIMS],
        ("Registered victims by citizenship",
         "The registered victims by their first recorded citizenship (ISO 3166 code)."),
        ("Зареєстровані постраждалі за громадянством",
         "Зареєстровані постраждалі за першим зазначеним громадянством (код ISO 3166)."),
        ("Victime înregistrate după cetățenie",
         "Victimele înregistrate după prima cetățenie consemnată (cod ISO 3166)."),
        same_population=VICTIMS,
    ),
    _ind(
        "VICTIMS_BY_EXPLOITATION_COUNTRY", P, "victims_by_exploitation_country",
        ["exploitation_country"], [DIRECTIVE_DATA, GRETA_VICTIMS],
        ("Registered victims by country of exploitation",
         "The registered victims by the country of the first exploitation leg of their route."),
        ("Зареєстровані постраждалі за країною експлуатації",
         "Зареєстровані постраждалі за країною першого етапу експлуатації на їхньому маршруті."),
        ("Victime înregistrate după țara de exploatare",
         "Victimele înregistrate după țara primei etape de exploatare a traseului lor."),
        same_population=VICTIMS,
    ),
    _ind(
        "VICTIMS_BY_IDENTIFICATION_ACTOR", P, "victims_by_identification_actor",
        ["identification_actor", "identification_actor|victim_status"], [OSCE_NRM, GRETA_VICTIMS],
        ("Registered victims by identifying actor",
         "The registered victims by who first identified them (police, NGO, labour inspectorate…)."),
        ("Зареєстровані постраждалі за суб'єктом ідентифікації",
         "Зареєстровані постраждалі за тим, хто першим їх ідентифікував (поліція, ГО, інспекція "
         "праці…)."),
        ("Victime înregistrate după actorul care le-a identificat",
         "Victimele înregistrate după cine le-a identificat primul (poliție, ONG, inspecția "
         "muncii…)."),
        same_population=VICTIMS,
    ),
    _ind(
        "VICTIMS_INTERNAL_CROSS_BORDER", P, "victims_internal_cross_border",
        ["trafficking_type", "sex|trafficking_type"], [DIRECTIVE_DATA, GRETA_VICTIMS],
        ("Registered victims of internal and cross-border trafficking",
         "Internal: exploited in the country of their first citizenship; cross-border: exploited in "
         "another country; unknown when either is not recorded."),
        ("Постраждалі від внутрішньої та транскордонної торгівлі людьми",
         "Внутрішня: експлуатація в країні першого громадянства; транскордонна: в іншій країні; "
         "невідомо, якщо одне з них не зазначено."),
        ("Victime ale traficului intern și transfrontalier",
         "Intern: exploatate în țara primei cetățenii; transfrontalier: exploatate în altă țară; "
         "necunoscut când una dintre ele lipsește."),
        same_population=VICTIMS,
    ),
    _ind(
        "VICTIMS_ROUTES", P, "victims_routes", ["route"], [DIRECTIVE_DATA, GRETA_VICTIMS],
        ("Registered victims by route",
         "The registered victims by route: first citizenship > country of exploitation (ISO codes)."),
        ("Зареєстровані постраждалі за маршрутом",
         "Зареєстровані постраждалі за маршрутом: перше громадянство > країна експлуатації."),
        ("Victime înregistrate după traseu",
         "Victimele înregistrate după traseu: prima cetățenie > țara de exploatare (coduri ISO)."),
        same_population=VICTIMS,
    ),
    _ind(
        "VICTIMS_RETRAFFICKED", P, "victims_retrafficked", ["sex"], [DIRECTIVE_DATA, GRETA_VICTIMS],
        ("Re-trafficked victims",
         "Registered victims of the period whose case counted there was preceded by an earlier case "
         "of the same client (opened before it)."),
        ("Повторно постраждалі від торгівлі людьми",
         "Зареєстровані постраждалі періоду, чиїй справі передувала раніше відкрита справа того ж "
         "клієнта."),
        ("Victime retraficate",
         "Victime înregistrate în perioadă al căror caz a fost precedat de un caz anterior al "
         "aceluiași client."),
        not_above=VICTIMS,
    ),
    _ind(
        "CLIENTS_ASSISTED", P, "clients_assisted",
        ["client_type", "sex", "age_group", "client_type|sex"],
        [DIRECTIVE_ASSISTANCE, GRETA_ASSISTANCE, OSCE_NRM_SUPPORT],
        ("Clients assisted (new and continuing)",
         "Consented clients with a case open at some time in the period; new when registered in "
         "the period, continuing when registered before it."),
        ("Клієнти, які отримували допомогу (нові та ті, що продовжують)",
         "Клієнти зі згодою, які мали відкриту справу в будь-який час періоду; нові, якщо "
         "зареєстровані в періоді, інакше ті, що продовжують."),
        ("Clienți asistați (noi și în continuare)",
         "Clienți cu consimțământ care au avut un caz deschis în perioadă; noi dacă au fost "
         "înregistrați în perioadă, în continuare dacă au fost înregistrați înainte."),
    ),
    _ind(
        "SERVICES_BY_TYPE", E, "services_by_type", ["service_type"],
        [DIRECTIVE_ASSISTANCE, GRETA_ASSISTANCE, OSCE_NRM_SUPPORT],
        ("Services started, by type",
         "Services (own, network or directory providers) that started in the period, by type."),
        ("Розпочаті послуги за видом",
         "Послуги (власні, мережі чи з довідника), розпочаті у звітному періоді, за видом."),
        ("Servicii începute, pe tipuri",
         "Servicii (proprii, din rețea sau din registru) începute în perioadă, pe tipuri."),
    ),
    _ind(
        "SERVICE_CLIENTS", P, "service_clients", ["sex", "service_type"],
        [DIRECTIVE_ASSISTANCE, GRETA_ASSISTANCE],
        ("Clients who received services",
         "Clients with at least one service that started in the period; by service type a client is "
         "counted once under each type received (the types overlap)."),
        ("Клієнти, які отримали послуги",
         "Клієнти, яким у періоді розпочато принаймні одну послугу; за видом послуги клієнта "
         "враховано в кожному отриманому виді (види перетинаються)."),
        ("Clienți care au primit servicii",
         "Clienți cu cel puțin un serviciu început în perioadă; pe tipuri, un client este numărat la "
         "fiecare tip primit (tipurile se suprapun)."),
        overlapping=["service_type"],
    ),
    _ind(
        "FIRST_SERVICE_CLIENTS", P, "first_service_clients", ["sex"], [OSCE_NRM_SUPPORT],
        ("Clients whose first service started",
         "Consented clients whose first service ever started in the period."),
        ("Клієнти, яким розпочато першу послугу",
         "Клієнти зі згодою, чия перша послуга розпочалася у звітному періоді."),
        ("Clienți cu primul serviciu început",
         "Clienți cu consimțământ al căror prim serviciu a început în perioadă."),
    ),
    _ind(
        "DAYS_TO_FIRST_SERVICE", D, "days_to_first_service", ["sex"], [OSCE_NRM_SUPPORT],
        ("Median days from registration to first service",
         "Median number of days between registration and the start of the first service, over the "
         "clients counted in FIRST_SERVICE_CLIENTS."),
        ("Медіана днів від реєстрації до першої послуги",
         "Медіана кількості днів між реєстрацією та початком першої послуги для клієнтів "
         "FIRST_SERVICE_CLIENTS."),
        ("Mediana zilelor de la înregistrare la primul serviciu",
         "Mediana zilelor dintre înregistrare și începutul primului serviciu, pentru clienții din "
         "FIRST_SERVICE_CLIENTS."),
        based_on="FIRST_SERVICE_CLIENTS",
    ),
    _ind(
        "REFLECTION_PERIODS", E, "reflection_periods", ["legal_outcome", "sex"],
        [DIRECTIVE_RESIDENCE, GRETA_RECOVERY],
        ("Reflection and recovery periods",
         "Reflection and recovery periods that started in the period, by outcome."),
        ("Періоди відновлення та роздумів",
         "Періоди відновлення та роздумів, розпочаті у звітному періоді, за результатом."),
        ("Perioade de recuperare și reflecție",
         "Perioade de recuperare și reflecție începute în perioadă, după rezultat."),
    ),
    _ind(
        "RESIDENCE_PERMITS", E, "residence_permits", ["legal_outcome", "sex"],
        [DIRECTIVE_RESIDENCE, GRETA_RECOVERY],
        ("Residence permit procedures",
         "Residence permit procedures for victims that started in the period, by outcome."),
        ("Процедури отримання посвідки на проживання",
         "Процедури отримання посвідки на проживання для постраждалих, розпочаті у періоді, за "
         "результатом."),
        ("Proceduri de permis de ședere",
         "Proceduri de permis de ședere pentru victime începute în perioadă, după rezultat."),
    ),
    _ind(
        "CRIM_COMPLAINTS", C, "crim_complaints", ["sex"], [DIRECTIVE_PROSECUTION, GRETA_JUSTICE],
        ("Cases with a complaint to the police",
         "Cases of consented clients with a complaint to the police lodged in the period."),
        ("Справи із заявою до поліції",
         "Справи клієнтів зі згодою, у яких у періоді подано заяву до поліції."),
        ("Cazuri cu plângere la poliție",
         "Cazuri ale clienților cu consimțământ cu o plângere la poliție depusă în perioadă."),
    ),
    _ind(
        "CRIM_INVESTIGATIONS", C, "crim_investigations", ["sex"],
        [EUROSTAT_JUSTICE, DIRECTIVE_PROSECUTION, GRETA_JUSTICE],
        ("Cases with an investigation opened",
         "Cases of consented clients in which a criminal investigation started in the period."),
        ("Справи з відкритим розслідуванням",
         "Справи клієнтів зі згодою, у яких у періоді розпочато кримінальне розслідування."),
        ("Cazuri cu anchetă deschisă",
         "Cazuri ale clienților cu consimțământ în care o anchetă penală a început în perioadă."),
    ),
    _ind(
        "CRIM_PROSECUTIONS", C, "crim_prosecutions", ["sex"],
        [EUROSTAT_JUSTICE, DIRECTIVE_PROSECUTION, GRETA_JUSTICE],
        ("Cases with a prosecution",
         "Cases of consented clients in which a prosecution started in the period."),
        ("Справи з кримінальним переслідуванням",
         "Справи клієнтів зі згодою, у яких у періоді розпочато кримінальне переслідування."),
        ("Cazuri cu urmărire penală",
         "Cazuri ale clienților cu consimțământ în care urmărirea penală a început în perioadă."),
    ),
    _ind(
        "CRIM_VERDICTS", E, "crim_verdicts", ["legal_outcome", "sex"],
        [EUROSTAT_JUSTICE, GRETA_JUSTICE],
        ("Verdicts (convictions, acquittals)",
         "First-instance verdicts in the cases of consented clients, dated in the period (end date, "
         "else start date), by outcome: conviction for trafficking, for another offence, acquittal…"),
        ("Вироки (обвинувальні, виправдувальні)",
         "Вироки першої інстанції у справах клієнтів зі згодою, датовані у звітному періоді, за "
         "результатом: засудження за торгівлю людьми, за інший злочин, виправдання…"),
        ("Sentințe (condamnări, achitări)",
         "Sentințe de primă instanță în cazurile clienților cu consimțământ, datate în perioadă, "
         "după rezultat: condamnare pentru trafic, pentru altă infracțiune, achitare…"),
    ),
    _ind(
        "COMP_CLAIMS", E, "comp_claims", COMP_DIMS, [DIRECTIVE_COMPENSATION, GRETA_COMPENSATION],
        ("Compensation claims lodged",
         "Compensation claims of consented clients lodged in the period, by route and currency."),
        ("Подані вимоги про компенсацію",
         "Вимоги клієнтів зі згодою про компенсацію, подані у періоді, за способом і валютою."),
        ("Cereri de despăgubire depuse",
         "Cereri de despăgubire ale clienților cu consimțământ depuse în perioadă, după cale și "
         "monedă."),
    ),
    _ind(
        "COMP_AWARDS", E, "comp_awards", COMP_DIMS, [DIRECTIVE_COMPENSATION, GRETA_COMPENSATION],
        ("Compensation awarded",
         "Compensation claims of consented clients with an award dated in the period."),
        ("Присуджені компенсації",
         "Вимоги клієнтів зі згодою про компенсацію, рішення про присудження яких датоване "
         "періодом."),
        ("Despăgubiri acordate",
         "Cereri de despăgubire ale clienților cu consimțământ acordate cu dată în perioadă."),
    ),
    _ind(
        "COMP_PAYMENTS", E, "comp_payments", COMP_DIMS,
        [DIRECTIVE_COMPENSATION, GRETA_COMPENSATION],
        ("Compensation paid",
         "Compensation claims of consented clients with a payment dated in the period."),
        ("Виплачені компенсації",
         "Вимоги клієнтів зі згодою про компенсацію, виплату за якими здійснено у періоді."),
        ("Despăgubiri plătite",
         "Cereri de despăgubire ale clienților cu consimțământ plătite cu dată în perioadă."),
    ),
    _ind(
        "COMP_CLAIMED_AMOUNT", A, "comp_claimed_amount", AMOUNT_DIMS,
        [DIRECTIVE_COMPENSATION, GRETA_COMPENSATION],
        ("Amount of compensation claimed",
         "Sum of the amounts claimed in COMP_CLAIMS, per currency (amounts in different currencies "
         "are never added up)."),
        ("Сума заявленої компенсації",
         "Сума заявлених у COMP_CLAIMS компенсацій за валютою (суми в різних валютах не "
         "додаються)."),
        ("Suma despăgubirilor cerute",
         "Suma cerută în COMP_CLAIMS, pe monedă (sumele în monede diferite nu se adună)."),
        based_on="COMP_CLAIMS",
    ),
    _ind(
        "COMP_AWARDED_AMOUNT", A, "comp_awarded_amount", AMOUNT_DIMS,
        [DIRECTIVE_COMPENSATION, GRETA_COMPENSATION],
        ("Amount of compensation awarded",
         "Sum of the amounts awarded in COMP_AWARDS, per currency."),
        ("Сума присудженої компенсації", "Сума присуджених у COMP_AWARDS компенсацій за валютою."),
        ("Suma despăgubirilor acordate", "Suma acordată în COMP_AWARDS, pe monedă."),
        based_on="COMP_AWARDS",
    ),
    _ind(
        "COMP_PAID_AMOUNT", A, "comp_paid_amount", AMOUNT_DIMS,
        [DIRECTIVE_COMPENSATION, GRETA_COMPENSATION],
        ("Amount of compensation paid", "Sum of the amounts paid in COMP_PAYMENTS, per currency."),
        ("Сума виплаченої компенсації", "Сума виплачених у COMP_PAYMENTS компенсацій за валютою."),
        ("Suma despăgubirilor plătite", "Suma plătită în COMP_PAYMENTS, pe monedă."),
        based_on="COMP_PAYMENTS",
    ),
    _ind(
        "HOTLINE_CONTACTS", K, "", [], [GRETA_ASSISTANCE, OSCE_NRM],
        ("Hotline contacts",
         "Calls, messages and chats to the organisation's hotline in the period about trafficking, "
         "safe migration or work abroad (entered by hand)."),
        ("Звернення на гарячу лінію",
         "Дзвінки, повідомлення та чати на гарячу лінію організації у періоді щодо торгівлі людьми, "
         "безпечної міграції чи роботи за кордоном (вводиться вручну)."),
        ("Contacte la linia fierbinte",
         "Apeluri, mesaje și conversații la linia fierbinte a organizației în perioadă despre trafic, "
         "migrație sigură sau muncă în străinătate (introduse manual)."),
    ),
    _ind(
        "OUTREACH_CONTACTS", K, "", [], [GRETA_ASSISTANCE, OSCE_NRM],
        ("Outreach contacts",
         "People reached by the organisation's outreach and prevention work in the period (entered "
         "by hand)."),
        ("Охоплення аутріч-роботою",
         "Особи, охоплені аутріч- та профілактичною роботою організації у періоді (вводиться "
         "вручну)."),
        ("Persoane contactate prin activități de teren",
         "Persoane atinse de activitățile de teren și prevenire ale organizației în perioadă "
         "(introduse manual)."),
    ),
    _ind(
        "CLIENTS_WITHOUT_STATISTICS_CONSENT", P, "clients_without_statistics_consent", [],
        [DIRECTIVE_DATA],
        ("Clients left out for lack of consent",
         "Clients with a record in the period (registration, an open case, a service, a legal step "
         "or a compensation event) who had no consent for statistics during it; only counted."),
        ("Клієнти без згоди на статистику",
         "Клієнти із записом у періоді (реєстрація, відкрита справа, послуга, правова дія чи "
         "компенсація) без згоди на статистику в цей період; лише підраховуються."),
        ("Clienți fără consimțământ pentru statistici",
         "Clienți cu o înregistrare în perioadă (înregistrare, caz deschis, serviciu, etapă juridică "
         "sau despăgubire) fără consimțământ pentru statistici în perioadă; doar numărați."),
    ),
]  # fmt: skip

POPULATIONS: dict[str, str] = {
    e["code"]: e["validation"].get("same_population", e["code"]) for e in DEFAULT_CATALOGUE
}
BASIS: dict[str, str] = {
    e["code"]: e["validation"]["based_on"]
    for e in DEFAULT_CATALOGUE
    if "based_on" in e["validation"]
}
UNITS: dict[str, str] = {e["code"]: e["unit"] for e in DEFAULT_CATALOGUE}


def ensure_catalogue() -> int:
    """Create the default indicators that are missing (any version of the code counts as present);
    return how many were created. Running it again creates nothing."""
    existing = set(Indicator.objects.values_list("code", flat=True))
    missing = [
        Indicator(position=position, **entry)
        for position, entry in enumerate(DEFAULT_CATALOGUE, start=1)
        if entry["code"] not in existing
    ]
    with transaction.atomic():
        Indicator.objects.bulk_create(missing)
    return len(missing)
