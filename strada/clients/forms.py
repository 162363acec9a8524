"""Forms of the client register. Forms validate input; actions decide and write."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, ClassVar

from babel import Locale
from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from strada.clients import codes
from strada.clients.identity import Identity
from strada.clients.models import LANGUAGE_CODES
from strada.directory.models import Entry
from strada.orgs.models import Organisation

phone_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{5,30}$",
    _("Use digits, spaces and an optional leading +, e.g. +31 20 123 4567."),
)


@cache
def _language_choices(ui_language: str) -> list[tuple[str, str]]:
    try:
        names = Locale.parse(ui_language).languages
    except (ValueError, TypeError):
        names = Locale("en").languages
    english = Locale("en").languages
    pairs = [(code, str(names.get(code) or english[code])) for code in LANGUAGE_CODES]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def language_choices() -> list[tuple[str, str]]:
    return [("", "—"), *_language_choices(get_language() or "en")]


def country_choices(blank: bool = True) -> list[tuple[str, str]]:
    pairs = [(code, str(name)) for code, name in countries]
    return [("", "—"), *pairs] if blank else pairs


class CachedSelect(forms.Select):
    """A ``<select>`` whose HTML is kept once rendered, for the same choices (in the user's
    language), name, selected value and attributes: the ~250 options of a country list, each
    rendered through the form templates, take 7 to 8 ms of every page that shows one. Values that
    are none of the choices select nothing and share one kept rendering."""

    MAX_KEPT = 64
    _kept: ClassVar[dict[tuple[Any, ...], str]] = {}  # shared by every instance

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> Any:
        choices = tuple(self.choices)
        selected: str | None = "" if value is None else str(value)
        if selected not in {str(code) for code, _label in choices}:
            selected = None  # the HTML never shows the value itself, only which option it selects
        try:
            shown = tuple(sorted({**self.attrs, **(attrs or {})}.items()))
            key = (choices, name, selected, shown, renderer)
            html = self._kept.get(key)
        except TypeError:  # unhashable choices (groups) or attributes: nothing kept
            return super().render(name, value, attrs, renderer)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self._kept) >= self.MAX_KEPT:
                self._kept.clear()
            self._kept[key] = html
        return html


class LazyChoicesMixin:
    """Fill language and country choices at form creation, in the user's language."""

    def _fill_choices(self) -> None:
        fields: dict[str, Any] = self.fields  # type: ignore[attr-defined]
        for name, field in fields.items():
            if name.endswith("_language") or name == "language":
                field.choices = language_choices()
            elif name in {"citizenship"}:
                field.choices = country_choices(blank=False)
            elif name.endswith("_country"):
                field.choices = country_choices()


def _past_date(value: dt.date | None) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date lies in the future."))


def _plausible_birth_date(value: dt.date | None) -> None:
    _past_date(value)
    if value and value.year < timezone.localdate().year - 120:
        raise forms.ValidationError(_("This birth date is more than 120 years ago."))


class ClientForm(LazyChoicesMixin, forms.Form):
    # Identity: all optional, so that a client can be registered anonymously.
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        required=False,
        help_text=_("In the original script, e.g. Олена."),
    )
    middle_name = forms.CharField(
        label=_("Middle name or patronymic"), max_length=100, required=False
    )
    second_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        required=False,
        help_text=_("In the original script."),
    )
    first_name_latin = forms.CharField(
        label=_("First name in Latin letters"),
        max_length=100,
        required=False,
        help_text=_("Filled in automatically when left empty."),
    )
    second_name_latin = forms.CharField(
        label=_("Family name in Latin letters"),
        max_length=100,
        required=False,
        help_text=_("Filled in automatically when left empty."),
    )
    aliases = forms.CharField(label=_("Other names or aliases"), max_length=200, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        validators=[_plausible_birth_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    identity_number = forms.CharField(
        label=_("Identity document number"), max_length=50, required=False
    )
    mobile_phone = forms.CharField(
        label=_("Mobile phone"), max_length=30, required=False, validators=[phone_validator]
    )
    email = forms.EmailField(label=_("E-mail"), max_length=200, required=False)
    mailing_street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    mailing_city = forms.CharField(label=_("City"), max_length=100, required=False)

    # Coded, non-identifying fields.
    gender = forms.ChoiceField(
        label=_("Gender"), choices=codes.Gender.choices, initial=codes.Gender.NOT_SPECIFIED
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"), required=False, help_text=_("When the full birth date is not known.")
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        required=False,
        choices=[("", "—"), *codes.AgeBand.choices],
        help_text=_("When not even the birth year is known."),
    )
    citizenship = forms.MultipleChoiceField(
        label=_("Citizenship"),
        required=False,
        help_text=_("One or more; hold Ctrl to choose several."),
    )
    primary_language = forms.ChoiceField(label=_("Primary language"), required=False)
    secondary_language = forms.ChoiceField(label=_("Secondary language"), required=False)
    marital_status = forms.ChoiceField(
        label=_("Marital status"), required=False, choices=[("", "—"), *codes.MaritalStatus.choices]
    )
    highest_level_of_education = forms.ChoiceField(
        label=_("Highest level of education"),
        required=False,
        choices=[("", "—"), *codes.HighestLevelOfEducation.choices],
    )
    number_of_children = forms.IntegerField(
        label=_("Number of children"), required=False, min_value=0, max_value=30
    )
    mailing_country = forms.ChoiceField(label=_("Country of residence"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_choices()

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not (this_year - 120 <= year <= this_year):
            raise forms.ValidationError(_("The birth year must lie in the last 120 years."))
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birth_date, birth_year = data.get("birth_date"), data.get("birth_year")
        if birth_date and birth_year and birth_date.year != birth_year:
            self.add_error("birth_year", _("The birth year does not match the birth date."))
        return data

    def identity(self) -> Identity:
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data.get(name) or ("" if name != "birth_date" else None)
            for name in Identity.field_names()
        }
        return Identity(**values)

    def coded(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "gender": data["gender"],
            "birth_year": data.get("birth_year"),
            "age_band": data.get("age_band") or "",
            "citizenship": sorted(data.get("citizenship") or []),
            "primary_language": data.get("primary_language") or "",
            "secondary_language": data.get("secondary_language") or "",
            "marital_status": data.get("marital_status") or "",
            "highest_level_of_education": data.get("highest_level_of_education") or "",
            "number_of_children": data.get("number_of_children"),
            "mailing_country": data.get("mailing_country") or "",
        }


REGISTRATION_PURPOSES = [
    codes.ConsentPurpose.SERVICES,
    codes.ConsentPurpose.STATISTICS,
    codes.ConsentPurpose.RESEARCH,
    codes.ConsentPurpose.EXTERNAL_SHARING,
]


class RegistrationForm(ClientForm):
    registered_on = forms.DateField(
        label=_("Registered on"),
        validators=[_past_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    consents = forms.MultipleChoiceField(
        label=_("The client consents to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(p.value, p.label) for p in REGISTRATION_PURPOSES],
        help_text=_("Tick only what the client agreed to today. Help never depends on consent."),
    )
    consent_form = forms.ChoiceField(label=_("Consent given"), choices=codes.ConsentForm.choices)
    consent_wording_version = forms.CharField(
        label=_("Wording version"),
        max_length=32,
        initial="2026-1",
        help_text=_("The version of the consent text that was read."),
    )
    consent_language = forms.ChoiceField(label=_("Language of the consent text"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registered_on"].initial = timezone.localdate()
        self.fields["consent_language"].initial = (get_language() or "en")[:2]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consents") and not data.get("consent_language"):
            self.add_error("consent_language", _("Say in which language the consent was read."))
        return data


REFERRAL_NAMES_NO_RECIPIENT = _(
    "A referral consent must name the organisation it is for: one of the network or one of the "
    "directory."
)
REFERRAL_NAMES_TWO_RECIPIENTS = _(
    "A referral consent names one recipient: an organisation of the network or a directory entry, "
    "not both."
)


class EntryChoiceField(forms.ModelChoiceField):
    """A directory entry, shown with its city and country (names repeat across countries)."""

    def label_from_instance(self, obj: Any) -> str:
        place = ", ".join(str(part) for part in (obj.city, obj.country) if part)
        return f"{obj.name} ({place})" if place else str(obj.name)


class ConsentForm(LazyChoicesMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=codes.ConsentPurpose.choices)
    recipient = forms.ModelChoiceField(
        label=_("Recipient organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Only for a referral consent: the organisation the client agreed to."),
    )
    recipient_entry = EntryChoiceField(
        label=_("Or a recipient outside the network"),
        queryset=Entry.objects.none(),
        required=False,
        help_text=_(
            "Only for a referral consent to a directory entry (a service outside the network); "
            "choose either an organisation or an entry."
        ),
    )
    given_on = forms.DateField(
        label=_("Given on"), validators=[_past_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    form = forms.ChoiceField(label=_("Consent given"), choices=codes.ConsentForm.choices)
    wording_version = forms.CharField(label=_("Wording version"), max_length=32, initial="2026-1")
    language = forms.ChoiceField(label=_("Language of the consent text"))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_choices()
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ModelChoiceField)
        recipient.queryset = Organisation.objects.filter(
            active=True, kind__in=["member", "affiliate"]
        ).exclude(id=organisation.id)
        entry = self.fields["recipient_entry"]
        assert isinstance(entry, EntryChoiceField)
        entry.queryset = Entry.objects.filter(active=True).order_by("country", "name")
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["language"].initial = (get_language() or "en")[:2]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = [name for name in ("recipient", "recipient_entry") if data.get(name)]
        if data.get("purpose") == codes.ConsentPurpose.REFERRAL:
            if not named and not (self.has_error("recipient") or self.has_error("recipient_entry")):
                self.add_error("recipient", REFERRAL_NAMES_NO_RECIPIENT)
            elif len(named) == 2:
                self.add_error("recipient_entry", REFERRAL_NAMES_TWO_RECIPIENTS)
        else:
            for name in named:
                self.add_error(name, _("Only a referral consent names a recipient."))
        return data


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"),
        validators=[_past_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()


class ClientFilterForm(LazyChoicesMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Reference code, a full name part in any script, ID number, phone or e-mail."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Any")), *codes.Gender.choices]
    )
    citizenship_country = forms.ChoiceField(
        label=_("Citizenship"), required=False, widget=CachedSelect
    )
    year = forms.IntegerField(
        label=_("Registered in"), required=False, min_value=1990, max_value=2100
    )
    consent = forms.ChoiceField(
        label=_("Consent"), required=False, choices=[("", _("Any")), *codes.ConsentPurpose.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_choices()
