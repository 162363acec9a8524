"""Form helpers shared by every app's pages."""

from __future__ import annotations

from typing import Any

from django import forms


def add_errors(form: forms.BaseForm, error: Any) -> None:
    """Show an action's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
