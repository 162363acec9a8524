"""Forms of the settings page. Forms validate input; actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from strada.accounts.actions import TOKEN_MAX_DAYS
from strada.orgs.forms import language_choices, set_choices


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Leave on “Follow the browser” to use your browser's language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "language", language_choices())


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “monthly import script”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=TOKEN_MAX_DAYS, initial=90
    )
