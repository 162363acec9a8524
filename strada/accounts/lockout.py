"""Second-factor codes and the sign-in lock (django-axes).

A wrong password counts towards the lock through ``authenticate()``. A wrong code of the second
factor (TOTP or a recovery code) is checked by allauth alone, and allauth's own limit on it is the
``login_failed`` rate limit, which Strada turns off because axes does the locking. So that the code
cannot be guessed without limit once the password is known, a wrong code counts as a failed sign-in
for axes (``count_failed_code``, from the signal in ``signals.py``), and while the account is
locked the code forms refuse every code, right or wrong (``CodeAuthenticateForm`` at sign-in,
``reauth.CodeReauthenticateForm`` before an export), with axes' lockout page as the answer.
"""

from __future__ import annotations

from typing import Any

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.utils.translation import gettext_lazy as _


def count_failed_code(request: Any, user: Any) -> None:
    """Count a wrong second-factor code as a failed sign-in of this person (by name and address)."""
    if request is not None:
        AxesProxyHandler.user_login_failed(
            sender=__name__, credentials={"username": user.username}, request=request
        )


def refuse_while_locked(user: Any) -> None:
    """Raise the form error (and make AxesMiddleware answer with the lockout page) while axes holds
    a lock on this person or this address."""
    request = context.request
    if AxesProxyHandler.is_locked(request, {"username": user.username}):
        request.axes_locked_out = True
        raise forms.ValidationError(_("Too many failed attempts: wait and try again."))


class CodeAuthenticateForm(AuthenticateForm):
    """allauth's second step of signing in (``MFA_FORMS``), refusing codes while locked."""

    def clean_code(self) -> str:
        refuse_while_locked(self.user)
        return str(super().clean_code())
