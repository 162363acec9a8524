"""Forms of the directory pages. Forms validate input; actions decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strada.clients.forms import country_choices, language_choices
from strada.directory.models import (
    MAX_VALUES,
    ContactPerson,
    Entry,
    EntryKind,
    ServiceOffered,
    phone_validator,
)
from strada.orgs.models import Organisation


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _not_future(value: Any) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date lies in the future."))


def _languages_field(label: Any = None) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label or _("Languages"),
        required=False,
        help_text=_("Hold Ctrl to choose several."),
    )


class EntryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    country = forms.ChoiceField(label=_("Country"))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. +31 20 123 4567."),
    )
    emails = forms.CharField(
        label=_("E-mails"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )
    services = forms.MultipleChoiceField(
        label=_("Services offered"),
        required=False,
        choices=ServiceOffered.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = _languages_field(_("Languages spoken"))
    notes = forms.CharField(
        label=_("Notes for professionals"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How to reach them, what to ask for, opening hours. Never about a client."),
    )
    last_verified = forms.DateField(
        label=_("Last verified"),
        required=False,
        validators=[_not_future],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When someone last checked that these details are right."),
    )
    owner = forms.ModelChoiceField(
        label=_("Kept by"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("The secretariat"),
        help_text=_("Its organisation admin may change the entry; the secretariat may change all."),
    )

    def __init__(self, *args: Any, may_choose_owner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("country", country_choices())
        self._set_choices("languages", language_choices()[1:])
        if may_choose_owner:
            owner = self.fields["owner"]
            assert isinstance(owner, forms.ModelChoiceField)
            owner.queryset = Organisation.objects.filter(active=True).order_by("name")
        else:
            del self.fields["owner"]

    def _set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def _list(self, name: str, check: Any, message: Any) -> list[str]:
        values = _lines(self.cleaned_data.get(name) or "")
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(_("At most %(max)d, one per line.") % {"max": MAX_VALUES})
        bad = []
        for value in values:
            try:
                check(value)
            except ValidationError:
                bad.append(value)
        if bad:
            raise forms.ValidationError(message, params={"values": ", ".join(bad[:3])[:120]})
        return values

    def clean_phones(self) -> list[str]:
        return self._list(
            "phones",
            phone_validator,
            _("Not a phone number: %(values)s. Use digits, spaces and an optional leading +."),
        )

    def clean_emails(self) -> list[str]:
        return self._list("emails", validate_email, _("Not an e-mail address: %(values)s."))

    def values(self) -> dict[str, Any]:
        """The cleaned input, as the actions take it."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "name", "kind", "country", "city", "street", "postal_code", "phones", "emails",
                "website", "services", "languages", "notes", "last_verified",
            )
        }  # fmt: skip
        if "owner" in self.fields:
            values["owner"] = data["owner"]
        return values

    @staticmethod
    def initial_from(entry: Entry) -> dict[str, Any]:
        return {
            "name": entry.name,
            "kind": entry.kind,
            "country": entry.country.code,
            "city": entry.city,
            "street": entry.street,
            "postal_code": entry.postal_code,
            "phones": "\n".join(entry.phones),
            "emails": "\n".join(entry.emails),
            "website": entry.website,
            "services": entry.services,
            "languages": entry.languages,
            "notes": entry.notes,
            "last_verified": entry.last_verified,
            "owner": entry.owner_id,
        }


class ContactPersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    function = forms.CharField(
        label=_("Function"), max_length=200, required=False, help_text=_("e.g. Shelter coordinator")
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, validators=[phone_validator]
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    languages = _languages_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["languages"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = language_choices()[1:]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}

    @staticmethod
    def initial_from(person: ContactPerson) -> dict[str, Any]:
        return {
            "name": person.name,
            "function": person.function,
            "phone": person.phone,
            "email": person.email,
            "languages": person.languages,
        }


class EntryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Part of a name, a city or a contact person's name."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *EntryKind.choices]
    )
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("Any")), *ServiceOffered.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    inactive = forms.BooleanField(label=_("Include deactivated entries"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("country", country_choices()), ("language", language_choices())):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("Any")), *choices[1:]]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "query": data["q"],
            "country": data["country"],
            "kind": data["kind"],
            "service": data["service"],
            "language": data["language"],
            "include_inactive": data["inactive"],
        }
