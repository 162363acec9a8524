"""The dimensions figures are broken down by, their values, and the canonical cell key.

An observation's ``cell`` names the part of the population a figure counts: "" for the total, else
``dimension=value`` pairs sorted by dimension and joined by "|" (``age_group=adult|sex=female``).
``cell_key`` and ``parse_cell`` are the only places that build and read that string.

An indicator's ``disaggregations`` list the breakdowns it is published by: a dimension name for a
one-dimension breakdown (``"sex"``), dimension names joined by "|" in sorted order for a cross-table
(``"age_group|sex"``). ``breakdowns`` reads that list.

Dimensions with a closed list of values (``values`` not empty) are published with every value,
zeros included, so that a breakdown always sums to its total. Dimensions over open lists (ISO country
and currency codes, routes) are published for the values that occur. Every dimension has an
``unknown`` value where a record can lack the fact, so breakdowns stay exhaustive.

Nothing here needs the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strada.cases import codes as case_codes
from strada.clients import codes as client_codes

UNKNOWN = "unknown"

# The 27 member states of the European Union (since 1 February 2020).
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})  # fmt: skip

# sex: Eurostat's crim_thb tables count women, men and "other and unknown". HTCDS records gender;
# transgender women are counted as women and transgender men as men (their gender identity), gender
# non-conforming people and those whose gender is not recorded as other/unknown.
SEX_OF_GENDER: dict[str, str] = {
    client_codes.Gender.FEMININE: "female",
    client_codes.Gender.TRANSGENDER_FEMININE: "female",
    client_codes.Gender.MASCULINE: "male",
    client_codes.Gender.TRANSGENDER_MASCULINE: "male",
    client_codes.Gender.NON_CONFORMING: "other_unknown",
    client_codes.Gender.NOT_SPECIFIED: "other_unknown",
}
MINOR_BANDS = frozenset({client_codes.AgeBand.A0_8, client_codes.AgeBand.A9_17})


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str | Promise
    # The values in publication order; empty for an open list (ISO codes, routes).
    values: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return not self.values


def _dimension(name: str, label: str | Promise, values: tuple[str, ...] = ()) -> Dimension:
    return Dimension(name, label, values)


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        _dimension("sex", _("Sex"), ("female", "male", "other_unknown")),
        _dimension("age_group", _("Age group"), ("minor", "adult", UNKNOWN)),
        _dimension("age_band", _("Age band"), (*client_codes.AgeBand.values, UNKNOWN)),
        _dimension(
            "citizenship_group", _("Citizenship group"), ("national", "other_eu", "non_eu", UNKNOWN)
        ),
        _dimension("citizenship", _("Citizenship")),
        _dimension("victim_status", _("Victim status"), ("identified", "presumed")),
        _dimension(
            "exploitation",
            _("Form of exploitation"),
            (*case_codes.TypeOfExploitation.values, UNKNOWN),
        ),
        _dimension("exploitation_country", _("Country of exploitation")),
        _dimension(
            "trafficking_type", _("Internal or cross-border"), ("internal", "cross_border", UNKNOWN)
        ),
        _dimension("route", _("Route (citizenship > country of exploitation)")),
        _dimension(
            "identification_actor",
            _("Identified by"),
            (*case_codes.IdentificationActor.values, UNKNOWN),
        ),
        _dimension("client_type", _("New or continuing client"), ("new", "continuing")),
        _dimension("service_type", _("Service"), tuple(case_codes.ServiceType.values)),
        _dimension("legal_step", _("Legal step"), tuple(case_codes.LegalStep.values)),
        _dimension("legal_outcome", _("Outcome"), tuple(case_codes.LegalOutcome.values)),
        _dimension(
            "compensation_route",
            _("Compensation route"),
            tuple(case_codes.CompensationRoute.values),
        ),
        _dimension("currency", _("Currency")),
    )
}


def _check(text: str, what: str) -> str:
    if not text or any(mark in text for mark in "=|"):
        raise ValueError(f"Invalid {what} in a cell: {text!r}")
    return text


def cell_key(**dims: str | None) -> str:
    """The canonical cell string for these dimension values (``None`` values are left out)."""
    pairs = sorted(
        (_check(name, "dimension"), _check(str(value), "value"))
        for name, value in dims.items()
        if value is not None
    )
    return "|".join(f"{name}={value}" for name, value in pairs)


def parse_cell(cell: str) -> dict[str, str]:
    """The dimension values of a cell string ("" gives {}); the inverse of ``cell_key``."""
    if not cell:
        return {}
    result: dict[str, str] = {}
    for pair in cell.split("|"):
        name, sep, value = pair.partition("=")
        if not sep or not name or not value or name in result:
            raise ValueError(f"Invalid cell: {cell!r}")
        result[name] = value
    return result


def breakdowns(disaggregations: list[str]) -> list[tuple[str, ...]]:
    """The breakdowns an indicator's ``disaggregations`` name, each as a sorted tuple of dimensions."""
    return [tuple(sorted(entry.split("|"))) for entry in disaggregations if entry]


def age_band_of(age: int | None) -> str:
    return UNKNOWN if age is None else client_codes.age_band_for(max(age, 0))


def age_group_of_band(band: str) -> str:
    if band == UNKNOWN or not band:
        return UNKNOWN
    return "minor" if band in MINOR_BANDS else "adult"


def citizenship_group_of(citizenships: list[str] | tuple[str, ...], home: str) -> str:
    """National when any citizenship is the organisation's country; otherwise by the first one."""
    if not citizenships:
        return UNKNOWN
    if home in citizenships:
        return "national"
    return "other_eu" if citizenships[0] in EU_COUNTRIES else "non_eu"


def trafficking_type_of(citizenship: str | None, exploitation_country: str | None) -> str:
    """Internal when the person was exploited in the country of their (first) citizenship."""
    if not citizenship or not exploitation_country:
        return UNKNOWN
    return "internal" if citizenship == exploitation_country else "cross_border"


def route_of(citizenship: str | None, exploitation_country: str | None) -> str:
    if not citizenship or not exploitation_country:
        return UNKNOWN
    return f"{citizenship}>{exploitation_country}"
