from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strada.sharing.readers import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file in the HTCDS layout"),
        help_text=_("UTF-8 CSV (commas) or an Excel workbook; at most 20 MB and 200,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it into several files.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    identities = forms.BooleanField(
        required=False, label=_("Include names, birth dates and contact details")
    )
