"""Forms of the case pages. Forms check the shape of the input; ``actions`` decide and write.

The part forms are built from the models' own fields (labels, code lists, validators), but they are
plain forms: a ModelForm would write the input onto the row before the action compares old and new.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strada.accounts.models import User
from strada.cases import codes
from strada.cases.actions import network_providers
from strada.cases.models import (
    CURRENCIES,
    Case,
    Compensation,
    LegalProceeding,
    PerpetratorRole,
    Service,
    TraffickingEvent,
)
from strada.clients.codes import Gender
from strada.directory.models import Entry
from strada.orgs.models import Organisation
from strada.orgs.policy import CASE_ROLES

OPEN_STATUSES = [codes.CaseStatus.ACTIVE, codes.CaseStatus.FOLLOW_UP]
CLOSED_STATUSES = [codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _not_future(value: dt.date | None) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date lies in the future."))


def _fields_of(
    model: type[models.Model], names: list[str], **overrides: forms.Field
) -> dict[str, forms.Field]:
    """Form fields for these model fields, in this order; dates get a date picker."""
    fields: dict[str, forms.Field] = {}
    for name in names:
        if name in overrides:
            fields[name] = overrides[name]
            continue
        field = forms.fields_for_model(model, fields=[name])[name]
        if isinstance(field, forms.DateField):
            field.widget = DateInput()
        fields[name] = field
    return fields


def _checkboxes(label: Any, choices: type[models.TextChoices], required: bool = False) -> Any:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices.choices,
        required=required,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "check"}),
    )


def _select(label: Any, choices: Any, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "—"), *choices], required=required)


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class NetworkOrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.country})"


class EntryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        place = ", ".join(str(part) for part in (obj.city, obj.country) if part)
        return f"{obj.name} ({place})" if place else str(obj.name)


class CaseForm(forms.Form):
    """Opening and editing a case. Closing and reopening have their own page (supervisors)."""

    def __init__(self, *args: Any, organisation: Organisation, closed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(
            organisation=organisation, role__in=CASE_ROLES, is_active=True
        ).order_by("first_name", "last_name", "username")
        if closed:
            # A closed case keeps its status until a supervisor reopens it.
            del self.fields["status"]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


CaseForm.base_fields = _fields_of(
    Case,
    [
        "opened_on", "owner", "trafficking_status", "trafficking_status_decision_making_org",
        "identification_date", "identification_actor", "relationship_to_trafficker",
        "age_when_trafficked", "type_of_exploitation", "forced_labour_industry",
        "type_of_sex_exploitation", "method_of_recruitment", "recruitment_websites_and_apps",
        "exploitation_websites_and_apps", "methods_of_control", "vulnerabilities", "status",
    ],
    opened_on=forms.DateField(label=_("Opened on"), widget=DateInput(), validators=[_not_future]),
    owner=OwnerField(
        label=_("Case owner"), queryset=User.objects.none(), required=False
    ),
    identification_date=forms.DateField(
        label=_("Identification date"), widget=DateInput(), required=False,
        validators=[_not_future],
    ),
    type_of_exploitation=_checkboxes(_("Types of exploitation"), codes.TypeOfExploitation),
    type_of_sex_exploitation=_checkboxes(
        _("Type of sexual exploitation"), codes.TypeOfSexExploitation
    ),
    method_of_recruitment=_checkboxes(_("Method of recruitment"), codes.MethodOfRecruitment),
    recruitment_websites_and_apps=_checkboxes(
        _("Recruitment websites and apps"), codes.WebsitesAndApps
    ),
    exploitation_websites_and_apps=_checkboxes(
        _("Exploitation websites and apps"), codes.WebsitesAndApps
    ),
    methods_of_control=_checkboxes(_("Methods of control"), codes.MethodsOfControl),
    vulnerabilities=_checkboxes(_("Vulnerabilities"), codes.Vulnerabilities),
    status=forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in OPEN_STATUSES]
    ),
)  # fmt: skip


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in CLOSED_STATUSES],
        initial=codes.CaseStatus.CLOSED,
    )
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput(), validators=[_not_future])
    reason_for_case_closure = forms.ChoiceField(
        label=_("Reason for closure"), choices=[("", "—"), *codes.ReasonForCaseClosure.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PartForm(forms.Form):
    """A row under a case; ``values()`` is what the action receives."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EventForm(PartForm):
    pass


EventForm.base_fields = _fields_of(
    TraffickingEvent,
    ["type", "country", "city", "date", "sequence"],
    sequence=forms.IntegerField(
        label=_("Order on the route"), min_value=0, max_value=999,
        help_text=_("1 for the first leg, 2 for the next…"),
    ),
)  # fmt: skip


class PerpetratorForm(PartForm):
    pass


PerpetratorForm.base_fields = _fields_of(
    PerpetratorRole,
    ["role_in_process", "gender", "citizenship"],
    role_in_process=_checkboxes(_("Roles in the process"), codes.RoleInProcess, required=True),
    gender=_select(_("Gender"), Gender.choices),
)


class ServiceForm(PartForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = self.fields["provider_organisation"]
        entry = self.fields["provider_entry"]
        assert isinstance(org, forms.ModelChoiceField)
        assert isinstance(entry, forms.ModelChoiceField)
        org.queryset = network_providers(self.organisation).order_by("country", "name")
        # Only the directory's stable fields: the directory app owns the rest of the model.
        entry.queryset = (
            Entry.objects.filter(active=True)
            .only("id", "name", "kind", "country", "city", "active")
            .order_by("country", "name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("provider_kind")
        if kind != codes.ProviderKind.NETWORK:
            data["provider_organisation"] = None
        if kind != codes.ProviderKind.DIRECTORY:
            data["provider_entry"] = None
        return data


ServiceForm.base_fields = _fields_of(
    Service,
    ["type", "provider_kind", "provider_organisation", "provider_entry", "start_date",
     "end_date", "outcome"],
    provider_kind=forms.ChoiceField(
        label=_("Provider"), choices=codes.ProviderKind.choices, initial=codes.ProviderKind.OWN,
    ),
    provider_organisation=NetworkOrganisationField(
        label=_("Network organisation"), queryset=Organisation.objects.none(), required=False,
        help_text=_("Only when another organisation of the network gave the service."),
    ),
    provider_entry=EntryField(
        label=_("Directory entry"), queryset=Entry.objects.none(), required=False,
        help_text=_("Only when an organisation from the directory gave the service."),
    ),
)  # fmt: skip


class LegalForm(PartForm):
    pass


LegalForm.base_fields = _fields_of(
    LegalProceeding, ["step", "country", "start_date", "end_date", "outcome"]
)


class CompensationForm(PartForm):
    def clean_currency(self) -> str:
        currency = str(self.cleaned_data.get("currency") or "").strip().upper()
        if currency not in CURRENCIES:
            raise forms.ValidationError(_("Use an ISO 4217 currency code, e.g. EUR."))
        return currency


CompensationForm.base_fields = _fields_of(
    Compensation,
    ["route", "currency", "claimed_amount", "claimed_on", "awarded_amount", "awarded_on",
     "paid_amount", "paid_on"],
)  # fmt: skip


class PlanForm(forms.Form):
    objectives = forms.CharField(
        label=_("Objectives"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Encrypted; seen only by caseworkers and supervisors of your organisation."),
    )
    planned_end_date = forms.DateField(label=_("Planned end"), required=False, widget=DateInput())
    actual_end_date = forms.DateField(label=_("Actual end"), required=False, widget=DateInput())

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Encrypted; seen only by caseworkers and supervisors of your organisation."),
    )


class ConfirmForm(forms.Form):
    """An empty form: a removal or a reopening is confirmed by posting it."""
