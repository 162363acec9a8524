"""The HTCDS spreadsheet layout: one row per client and case, columns named with HTCDS prefixes.

``COLUMNS`` is the mapping table (column ↔ model field ↔ code list) that both the import and the
export read; ``docs/data-mapping.md`` prints it for people. Columns HTCDS has are named as in HTCDS
2.0 (``prs_Gender``, ``vic_TypeOfExploitation``, ``cas_Status``); what the network adds is named
``strada_…``; the first recruitment and the first exploitation event of a case (HTCDS ``hte_``) get
one group of columns each (``hte_RecruitmentCountry``…). Multi-value cells are joined with ``;``.

A client with several cases fills several rows that repeat the client's columns; a client without a
case fills one row whose case columns are empty. ``strada_Reference`` ties the rows of one client
together inside a file; an import gives every client a new reference code of its own organisation.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from strada.cases import codes as case_codes
from strada.clients import codes as client_codes
from strada.clients.identity import Identity
from strada.clients.models import COUNTRY_CODES, LANGUAGE_CODES
from strada.lib.csvsafe import unescape_cell

SEPARATOR = ";"
MAX_CELL_LENGTH = 500

# Where a column's value goes.
KEY = "key"  # strada_Reference: groups the rows of one client in a file
CLIENT = "client"  # Client, in clear
IDENTITY = "identity"  # Client, encrypted (clients.identity.Identity)
CASE = "case"
RECRUITMENT = "event:Recruitment"  # the first recruitment event of the case
EXPLOITATION = "event:Exploitation"  # the first exploitation event of the case
PERPETRATOR = "perpetrator"
PLAN = "plan"

CASE_PARTS = (CASE, RECRUITMENT, EXPLOITATION, PERPETRATOR, PLAN)

# How a cell is read and written.
TEXT = "text"
CODE = "code"  # one value of a code list
CODES = "codes"  # several values of a code list, joined with ";"
DATE = "date"  # ISO 8601, YYYY-MM-DD (or a date cell in XLSX)
INT = "int"
COUNTRY = "country"  # ISO 3166-1 alpha-2
COUNTRIES = "countries"
LANGUAGE = "language"  # ISO 639-1


@dataclass(frozen=True)
class Column:
    name: str
    part: str
    field: str
    kind: str
    codes: type[models.TextChoices] | None = None
    required: bool = False
    max_value: int | None = None

    @property
    def identifying(self) -> bool:
        return self.part == IDENTITY


def _c(name: str, part: str, field: str, kind: str = TEXT, codes: Any = None, **kw: Any) -> Column:
    return Column(name, part, field, kind, codes, **kw)


COLUMNS: list[Column] = [
    _c("strada_Reference", KEY, "reference"),
    _c("strada_RegisteredOn", CLIENT, "registered_on", DATE, required=True),
    # Person (prs_): identifying, stored encrypted.
    _c("prs_FirstName", IDENTITY, "first_name"),
    _c("prs_MiddleName", IDENTITY, "middle_name"),
    _c("prs_SecondName", IDENTITY, "second_name"),
    _c("strada_FirstNameLatin", IDENTITY, "first_name_latin"),
    _c("strada_SecondNameLatin", IDENTITY, "second_name_latin"),
    _c("strada_Aliases", IDENTITY, "aliases"),
    _c("prs_Birthdate", IDENTITY, "birth_date", DATE),
    _c("prs_IdentityNumber", IDENTITY, "identity_number"),
    _c("prs_MobilePhone", IDENTITY, "mobile_phone"),
    _c("prs_Email", IDENTITY, "email"),
    _c("prs_MailingStreet", IDENTITY, "mailing_street"),
    _c("prs_MailingCity", IDENTITY, "mailing_city"),
    # Person (prs_): coded, in clear.
    _c("prs_Gender", CLIENT, "gender", CODE, client_codes.Gender, required=True),
    _c("strada_BirthYear", CLIENT, "birth_year", INT, max_value=9999),
    _c("strada_AgeBand", CLIENT, "age_band", CODE, client_codes.AgeBand),
    _c("prs_Citizenship", CLIENT, "citizenship", COUNTRIES),
    _c("prs_PrimaryLanguage", CLIENT, "primary_language", LANGUAGE),
    _c("prs_SecondaryLanguage", CLIENT, "secondary_language", LANGUAGE),
    _c("prs_MaritalStatus", CLIENT, "marital_status", CODE, client_codes.MaritalStatus),
    _c(
        "prs_HighestLevelOfEducation",
        CLIENT,
        "highest_level_of_education",
        CODE,
        client_codes.HighestLevelOfEducation,
    ),
    _c("prs_NumberOfChildren", CLIENT, "number_of_children", INT, max_value=99),
    _c("prs_MailingCountry", CLIENT, "mailing_country", COUNTRY),
    # Case (vic_, cas_).
    _c("strada_CaseNumber", CASE, "number", INT, max_value=999),
    _c("strada_CaseOpenedOn", CASE, "opened_on", DATE),
    _c(
        "vic_TraffickingStatus",
        CASE,
        "trafficking_status",
        CODE,
        case_codes.TraffickingStatus,
    ),
    _c(
        "vic_TraffickingStatusDecisionMakingOrg",
        CASE,
        "trafficking_status_decision_making_org",
        CODE,
        case_codes.TraffickingStatusDecisionMakingOrg,
    ),
    _c("strada_IdentificationDate", CASE, "identification_date", DATE),
    _c(
        "strada_IdentificationActor",
        CASE,
        "identification_actor",
        CODE,
        case_codes.IdentificationActor,
    ),
    _c(
        "vic_RelationshipToTrafficker",
        CASE,
        "relationship_to_trafficker",
        CODE,
        case_codes.RelationshipToTrafficker,
    ),
    _c("vic_AgeWhenTrafficked", CASE, "age_when_trafficked", INT, max_value=110),
    _c(
        "vic_RecruitmentWebsitesAndApps",
        CASE,
        "recruitment_websites_and_apps",
        CODES,
        case_codes.WebsitesAndApps,
    ),
    _c(
        "vic_MethodOfRecruitment",
        CASE,
        "method_of_recruitment",
        CODES,
        case_codes.MethodOfRecruitment,
    ),
    _c("vic_MethodsOfControl", CASE, "methods_of_control", CODES, case_codes.MethodsOfControl),
    _c(
        "vic_TypeOfExploitation",
        CASE,
        "type_of_exploitation",
        CODES,
        case_codes.TypeOfExploitation,
    ),
    _c(
        "vic_ForcedLabourIndustry",
        CASE,
        "forced_labour_industry",
        CODE,
        case_codes.ForcedLabourIndustry,
    ),
    _c(
        "vic_TypeOfSexExploitation",
        CASE,
        "type_of_sex_exploitation",
        CODES,
        case_codes.TypeOfSexExploitation,
    ),
    _c(
        "vic_ExploitationWebsitesAndApps",
        CASE,
        "exploitation_websites_and_apps",
        CODES,
        case_codes.WebsitesAndApps,
    ),
    _c("vic_Vulnerabilities", CASE, "vulnerabilities", CODES, case_codes.Vulnerabilities),
    _c("cas_Status", CASE, "status", CODE, case_codes.CaseStatus),
    _c("strada_ClosedOn", CASE, "closed_on", DATE),
    _c(
        "cas_ReasonForCaseClosure",
        CASE,
        "reason_for_case_closure",
        CODE,
        case_codes.ReasonForCaseClosure,
    ),
    # The route (hte_): the first recruitment and the first exploitation event.
    _c("hte_RecruitmentCountry", RECRUITMENT, "country", COUNTRY),
    _c("hte_RecruitmentCity", RECRUITMENT, "city"),
    _c("hte_RecruitmentDate", RECRUITMENT, "date", DATE),
    _c("hte_ExploitationCountry", EXPLOITATION, "country", COUNTRY),
    _c("hte_ExploitationCity", EXPLOITATION, "city"),
    _c("hte_ExploitationDate", EXPLOITATION, "date", DATE),
    # Perpetrators (per_): the roles of all perpetrators of the case.
    _c("per_RoleInProcess", PERPETRATOR, "role_in_process", CODES, case_codes.RoleInProcess),
    # Support plan (spl_): its dates (the objectives are encrypted free text, never exported).
    _c("spl_PlannedEndDate", PLAN, "planned_end_date", DATE),
    _c("spl_ActualEndDate", PLAN, "actual_end_date", DATE),
]

BY_NAME: dict[str, Column] = {column.name: column for column in COLUMNS}
HEADER: list[str] = [column.name for column in COLUMNS]
REQUIRED_COLUMNS: list[str] = [column.name for column in COLUMNS if column.required]
CODED_HEADER: list[str] = [column.name for column in COLUMNS if not column.identifying]

_EMPTY: dict[str, Any] = {DATE: None, INT: None, TEXT: "", CODE: "", COUNTRY: "", LANGUAGE: ""}
_INT = re.compile(r"^[0-9]{1,6}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass
class Problem:
    """What is wrong with one cell (or a whole row when ``column`` is empty)."""

    column: str
    message: str


@dataclass
class CaseInput:
    values: dict[str, Any] = field(default_factory=dict)  # Case fields, ``number`` included
    events: list[dict[str, Any]] = field(default_factory=list)  # TraffickingEvent fields
    perpetrator_roles: list[str] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)  # SupportPlan dates


@dataclass
class RowInput:
    """One row, read: the client's part and (if any case column is filled) its case."""

    reference: str
    registered_on: dt.date | None
    identity: Identity
    coded: dict[str, Any]
    case: CaseInput | None

    def client_signature(self) -> tuple[Any, ...]:
        """What must be equal in every row of the same client."""
        return (
            self.registered_on,
            tuple(sorted(self.identity.values().items())),
            tuple(sorted((k, repr(v)) for k, v in self.coded.items())),
        )


def cell_text(value: Any) -> str:
    """A cell as text, as it stands in the file (still escaped): dates as ISO, whole numbers
    without ``.0``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            return value.isoformat()
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _code_problem(column: Column, value: str) -> Problem:
    shown = value if len(value) <= 60 else value[:57] + "…"
    return Problem(
        column.name,
        _("Unknown code “%(value)s” (see the code list of %(column)s).")
        % {"value": shown, "column": column.name},
    )


# The allowed values of each code list, as sets (``TextChoices.values`` builds a list per call).
_PARTS = tuple(dict.fromkeys(column.part for column in COLUMNS))
_CODE_VALUES: dict[str, frozenset[str]] = {
    column.name: frozenset(column.codes.values) for column in COLUMNS if column.codes is not None
}


def parse_cell(column: Column, raw: str) -> tuple[Any, Problem | None]:
    """The model value of one cell (its text as in the file), or a problem. A cell that starts
    with ``=`` is a formula and refused; a ``'`` put in front by an export is taken off. Identity
    values are never echoed in a problem."""
    if not raw:  # most cells of a row: the empty value of the column's kind
        return ([] if column.kind in (CODES, COUNTRIES) else _EMPTY[column.kind]), None
    if raw.startswith("="):
        return None, Problem(column.name, _("A formula is not allowed here; enter the value."))
    text = unescape_cell(raw)
    if len(text) > MAX_CELL_LENGTH:
        return None, Problem(column.name, _("The value is too long."))
    kind = column.kind
    if kind == TEXT:
        return text, None
    if kind in (CODES, COUNTRIES):
        items = [item.strip() for item in text.split(SEPARATOR) if item.strip()]
        values = []
        for item in items:
            if kind == COUNTRIES:
                item = item.upper()
                if item not in COUNTRY_CODES:
                    return None, _code_problem(column, item)
            elif column.codes is not None and item not in _CODE_VALUES[column.name]:
                return None, _code_problem(column, item)
            if item not in values:
                values.append(item)
        return values, None
    if not text:
        return (None if kind in (DATE, INT) else ""), None
    if kind == CODE:
        if column.codes is not None and text not in _CODE_VALUES[column.name]:
            return None, _code_problem(column, text)
        return text, None
    if kind == COUNTRY:
        if text.upper() not in COUNTRY_CODES:
            return None, _code_problem(column, text)
        return text.upper(), None
    if kind == LANGUAGE:
        if text.lower() not in LANGUAGE_CODES:
            return None, _code_problem(column, text)
        return text.lower(), None
    if kind == INT:
        if not _INT.match(text) or (column.max_value is not None and int(text) > column.max_value):
            return None, Problem(column.name, _("Not a whole number in the allowed range."))
        return int(text), None
    if kind == DATE:
        try:
            if not _DATE.match(text):
                raise ValueError
            return dt.date.fromisoformat(text), None
        except ValueError:
            message = _("Not a date; write it as YYYY-MM-DD.")
            return None, Problem(column.name, message)
    raise AssertionError(kind)


@dataclass(frozen=True)
class _Layout:
    """The columns of one file's header: those to read, and the values of those it lacks."""

    present: tuple[Column, ...]
    absent: dict[str, dict[str, Any]]  # part -> field -> the empty value (lists made per row)
    absent_lists: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=32)
def _layout(header: tuple[str, ...] | None) -> _Layout | None:
    names = set(header) if header is not None else {column.name for column in COLUMNS}
    if any(column.required and column.name not in names for column in COLUMNS):
        return None  # every row gets the "must have a value" problem: take the general path
    absent: dict[str, dict[str, Any]] = {part: {} for part in _PARTS}
    lists = []
    for column in COLUMNS:
        if column.name in names:
            continue
        if column.kind in (CODES, COUNTRIES):
            lists.append((column.part, column.field))
        else:
            absent[column.part][column.field] = _EMPTY[column.kind]
    present = tuple(column for column in COLUMNS if column.name in names)
    return _Layout(present, absent, tuple(lists))


def parse_row(
    cells: Mapping[str, str], header: Sequence[str] | None = None
) -> tuple[RowInput | None, list[Problem]]:
    """Read one row (column name → cell text). Columns absent from the file count as empty.
    ``header``: the file's column names, if ``cells`` has no others (then only they are read)."""
    problems: list[Problem] = []
    layout = _layout(tuple(header) if header is not None else None)
    if layout is None:
        columns: Sequence[Column] = COLUMNS
        values: dict[str, dict[str, Any]] = {part: {} for part in _PARTS}
    else:
        columns = layout.present
        values = {part: dict(empty) for part, empty in layout.absent.items()}
        for part, name in layout.absent_lists:
            values[part][name] = []
    filled_parts: set[str] = set()
    get = cells.get
    for column in columns:
        raw = get(column.name, "")
        if raw:
            value, problem = parse_cell(column, raw)
            if problem is not None:
                problems.append(problem)
                continue
        else:  # what parse_cell gives for an empty cell, without the call
            value = [] if column.kind in (CODES, COUNTRIES) else _EMPTY[column.kind]
        if value in ("", None, []):
            if column.required:
                problems.append(Problem(column.name, _("This column must have a value.")))
        else:
            filled_parts.add(column.part)
        values[column.part][column.field] = value
    if problems:
        return None, problems
    client = values[CLIENT]
    identity = Identity(**values[IDENTITY])
    if identity.birth_date is not None and client["birth_year"] not in (
        None,
        identity.birth_date.year,
    ):
        problems.append(
            Problem("strada_BirthYear", _("The birth year does not match the birth date."))
        )
    case = None
    if filled_parts & set(CASE_PARTS):
        case = _case_input(values, filled_parts, problems)
    if problems:
        return None, problems
    registered_on = client.pop("registered_on")
    coded = {k: v for k, v in client.items() if v not in (None, "", [])}
    row = RowInput(values[KEY]["reference"], registered_on, identity, coded, case)
    return row, []


def _case_input(
    values: dict[str, dict[str, Any]], filled: set[str], problems: list[Problem]
) -> CaseInput:
    case_values = {k: v for k, v in values[CASE].items() if v not in (None, "", [])}
    if case_values.get("opened_on") is None:
        problems.append(
            Problem("strada_CaseOpenedOn", _("A row with case data needs the date it opened."))
        )
    case = CaseInput(values=case_values)
    for sequence, part in enumerate((RECRUITMENT, EXPLOITATION)):
        if part not in filled:
            continue
        event = dict(values[part], type=part.split(":")[1], sequence=sequence)
        if not event["country"]:
            prefix = "hte_" + event["type"]
            problems.append(Problem(f"{prefix}Country", _("An event needs its country.")))
        case.events.append(event)
    case.perpetrator_roles = values[PERPETRATOR]["role_in_process"]
    if PLAN in filled:
        case.plan = dict(values[PLAN])
    return case


def format_cell(column: Column, value: Any) -> Any:
    """The cell of a model value (a str, an int or a date; lists joined with ``;``)."""
    if value is None:
        return ""
    if column.kind in (CODES, COUNTRIES):
        return SEPARATOR.join(value)
    if column.kind == COUNTRY:
        return getattr(value, "code", value) or ""
    return value


def check_header(names: Iterable[str]) -> list[Problem]:
    """Problems of the header row: unknown, repeated and missing columns."""
    problems = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(Problem(name, _("This column appears more than once.")))
        elif name not in BY_NAME:
            problems.append(Problem(name, _("Unknown column (see the data mapping).")))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(Problem(name, _("This required column is missing.")))
    return problems
