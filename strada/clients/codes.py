"""Code lists of the person record, named after their HTCDS 2.0 fields (``prs_``, ``con_``).

Value names are HTCDS's, so export to HTCDS is a rename. Additions the network needs and HTCDS lacks
are said in each docstring.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    """HTCDS ``prs_Gender``."""

    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender female")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender male")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    NOT_SPECIFIED = "NonSpecifiedUnknown", _("Not specified / unknown")


class MaritalStatus(models.TextChoices):
    """HTCDS ``prs_MaritalStatus``."""

    SINGLE = "Single", _("Single")
    MARRIED = "Married", _("Married")
    WIDOWED = "Widowed", _("Widowed")
    DIVORCED = "Divorced", _("Divorced")
    SEPARATED = "Separated", _("Separated")
    REGISTERED_PARTNERSHIP = "RegisteredPartnership", _("Registered partnership")


class HighestLevelOfEducation(models.TextChoices):
    """HTCDS ``prs_HighestLevelOfEducation`` (ISCED 2011). ``None``/``Unknown`` are additions."""

    NONE = "NoFormalEducation", _("No formal education")
    EARLY_CHILDHOOD = "EarlyChildhoodEducation", _("Early childhood education")
    PRIMARY = "PrimaryEducation", _("Primary education")
    LOWER_SECONDARY = "LowerSecondaryEducation", _("Lower secondary education")
    UPPER_SECONDARY = "UpperSecondaryEducation", _("Upper secondary education")
    POST_SECONDARY = "PostSecondaryNonTertiaryEducation", _("Post-secondary non-tertiary education")
    SHORT_CYCLE_TERTIARY = "ShortCycleTertiaryEducation", _("Short-cycle tertiary education")
    BACHELOR = "BachelorsOrEquivalentLevel", _("Bachelor's or equivalent")
    MASTER = "MastersOrEquivalentLevel", _("Master's or equivalent")
    DOCTORAL = "DoctoralOrEquivalentLevel", _("Doctoral or equivalent")
    UNKNOWN = "Unknown", _("Unknown")


class AgeBand(models.TextChoices):
    """Age at registration when the birth date is unknown. Not in HTCDS; bands as CTDC's ``ageBroad``."""

    A0_8 = "0-8", "0–8"
    A9_17 = "9-17", "9–17"
    A18_20 = "18-20", "18–20"
    A21_23 = "21-23", "21–23"
    A24_26 = "24-26", "24–26"
    A27_29 = "27-29", "27–29"
    A30_38 = "30-38", "30–38"
    A39_47 = "39-47", "39–47"
    A48_PLUS = "48+", "48+"


def age_band_for(age: int) -> str:
    bounds = [
        (8, "0-8"),
        (17, "9-17"),
        (20, "18-20"),
        (23, "21-23"),
        (26, "24-26"),
        (29, "27-29"),
        (38, "30-38"),
        (47, "39-47"),
    ]
    for upper, band in bounds:
        if age <= upper:
            return band
    return "48+"


class ConsentPurpose(models.TextChoices):
    """What a consent is for. HTCDS has one ``con_Consent`` checkbox; the network records one row per
    purpose, as the datACT standards ask."""

    SERVICES = "services", _("Assistance and services")
    REFERRAL = "referral", _("Referral to a named organisation")
    STATISTICS = "statistics", _("Network statistics (anonymised)")
    RESEARCH = "research", _("Research")
    EXTERNAL_SHARING = "external_sharing", _("Sharing with external partners (anonymised)")


class ConsentForm(models.TextChoices):
    """How the consent was given. Not in HTCDS."""

    WRITTEN = "written", _("Written, signed")
    ORAL = "oral", _("Oral, recorded by staff")
    GUARDIAN = "guardian", _("By a guardian or legal representative")
