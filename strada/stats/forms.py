"""Forms of the statistics pages. Forms check the shape of the input; ``actions`` decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strada.stats import compute, dimensions
from strada.stats.actions import MAX_CSV_BYTES, IndicatorInput
from strada.stats.models import CountingUnit, Indicator, ReportingRound


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("Half-year"),
        choices=[("", _("The whole year")), ("1", _("First half")), ("2", _("Second half"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year - 1
        self.fields["opens_on"].initial = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("deadline") and data["deadline"] < data["opens_on"]:
            self.add_error("deadline", _("The deadline cannot come before the opening."))
        return data


class IndicatorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Capital letters, digits and '_', e.g. VICTIMS_REGISTERED."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    definition = forms.CharField(label=_("Definition"), widget=forms.Textarea(attrs={"rows": 4}))
    unit = forms.ChoiceField(label=_("Counting unit"), choices=CountingUnit.choices)
    disaggregations = forms.CharField(
        label=_("Disaggregations"),
        required=False,
        help_text=_(
            "Breakdowns separated by commas; a cross-table joins dimensions with |, "
            "e.g. sex, age_group, age_group|sex."
        ),
    )
    computation = forms.ChoiceField(label=_("Computed by"), required=False)
    minimum = forms.DecimalField(label=_("Smallest allowed value"), required=False)
    maximum = forms.DecimalField(label=_("Largest allowed value"), required=False)
    not_above = forms.ChoiceField(
        label=_("Cannot exceed the indicator"), required=False, choices=[]
    )
    cross_references = forms.CharField(
        label=_("Cross-references"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. Eurostat crim_thb_vctz."),
    )

    def __init__(self, *args: Any, revising: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        computations = sorted(compute.COMPUTATIONS)
        self._choices(
            "computation", [("", _("Entered by hand"))] + [(name, name) for name in computations]
        )
        codes = sorted(set(Indicator.objects.values_list("code", flat=True)))
        self._choices("not_above", [("", "—")] + [(code, code) for code in codes])
        if revising is not None:
            self.fields["code"].disabled = True
            self.initial.update(
                {
                    "code": revising.code,
                    "name": revising.name,
                    "definition": revising.definition,
                    "unit": revising.unit,
                    "disaggregations": ", ".join(revising.disaggregations or []),
                    "computation": revising.computation,
                    "minimum": (revising.validation or {}).get("min"),
                    "maximum": (revising.validation or {}).get("max"),
                    "not_above": (revising.validation or {}).get("not_above", ""),
                    "cross_references": "\n".join(
                        str(item) for item in (revising.cross_references or [])
                    ),
                }
            )

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def clean_disaggregations(self) -> list[str]:
        raw = self.cleaned_data.get("disaggregations") or ""
        entries = []
        for entry in raw.split(","):
            names = sorted(name.strip() for name in entry.split("|") if name.strip())
            for name in names:
                if name not in dimensions.DIMENSIONS:
                    raise forms.ValidationError(
                        _("%(name)s is not a dimension. Known: %(known)s.")
                        % {"name": name[:40], "known": ", ".join(sorted(dimensions.DIMENSIONS))}
                    )
            if names:
                entries.append("|".join(names))
        return list(dict.fromkeys(entries))

    def values(self) -> IndicatorInput:
        data = self.cleaned_data
        validation: dict[str, Any] = {}
        if data.get("minimum") is not None:
            validation["min"] = str(data["minimum"])
        if data.get("maximum") is not None:
            validation["max"] = str(data["maximum"])
        if data.get("not_above"):
            validation["not_above"] = data["not_above"]
        return IndicatorInput(
            code=data["code"],
            name=data["name"],
            definition=data["definition"],
            unit=data["unit"],
            disaggregations=data["disaggregations"],
            computation=data.get("computation") or "",
            validation=validation,
            cross_references=[
                line.strip()
                for line in (data.get("cross_references") or "").splitlines()
                if line.strip()
            ],
        )


class FigureForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    cell = forms.CharField(
        label=_("Breakdown cell"),
        required=False,
        max_length=200,
        help_text=_("Empty for the total, else e.g. sex=female or age_group=minor|sex=male."),
    )
    value = forms.CharField(
        label=_("Value"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to remove a figure entered by hand."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=500,
        help_text=_("Required when you change a computed figure. No names or case details."),
    )

    def __init__(self, *args: Any, reporting_round: ReportingRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["indicator"]).choices = [
            (indicator.code, f"{indicator.code} — {indicator.localised('name')}")
            for indicator in reporting_round.indicators.order_by("position", "code")
        ]


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label=_("Patterns and practices"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("New routes, recruitment methods, good practices. No names or case details."),
    )


class UploadFiguresForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file in the long format"),
        help_text=_("Columns indicator, cell, value, comment; UTF-8; at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        return upload


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to return a submission or to reopen accepted figures."),
    )
