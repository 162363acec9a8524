"""Audit of sign-ins: successful and failed logins, re-authentications and logouts become audit
events.

A failed login names the account only when it exists (by id); the typed user name is not stored, so
a password typed into the user-name field never reaches the log. A re-authentication (before an
export, strada/accounts/reauth.py) records the method only: "password", or the second factor's
type ("totp", "recovery_codes", "webauthn").
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import authentication_step_completed
from allauth.mfa.signals import authentication_failed as mfa_authentication_failed
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from strada.accounts.lockout import count_failed_code
from strada.audit.log import Entry, record_now


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_now(
        Entry(
            action="auth.login",
            actor=user,
            org_id=user.organisation_id,
            object_type="user",
            object_id=user.id,
        )
    )


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_now(
            Entry(
                action="auth.logout",
                actor=user,
                org_id=user.organisation_id,
                object_type="user",
                object_id=user.id,
            )
        )


@receiver(authentication_step_completed)
def _reauthenticated(sender: Any, request: Any, user: Any, method: str, **extra: Any) -> None:
    if not extra.get("reauthenticated"):
        return  # a step of signing in: audited as auth.login once it is complete
    record_now(
        Entry(
            action="auth.reauthenticate",
            actor=user,
            org_id=user.organisation_id,
            object_type="user",
            object_id=user.id,
            reason=str(extra.get("type") or method),
        )
    )


def _reauthentication_failed(user: Any, method: str) -> None:
    record_now(
        Entry(
            action="auth.reauthenticate_failed",
            actor=user,
            org_id=user.organisation_id,
            object_type="user",
            object_id=user.id,
            reason=method,
        )
    )


@receiver(mfa_authentication_failed)
def _code_failed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    method = str(kwargs["authenticator"].type)
    if kwargs.get("reauthentication"):
        _reauthentication_failed(user, method)
    else:  # the second step of signing in: the password was right, the code was not
        record_now(
            Entry(
                action="auth.login_failed",
                org_id=user.organisation_id,
                object_type="user",
                object_id=user.id,
                reason=method,
            )
        )
    count_failed_code(request, user)  # towards the same lock as wrong passwords (lockout.py)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    signed_in = getattr(request, "user", None)
    if signed_in is not None and signed_in.is_authenticated:
        _reauthentication_failed(signed_in, "password")  # a signed-in person re-authenticating
        return
    username = credentials.get("username") or credentials.get("login") or ""
    user = get_user_model().objects.filter(username=username).first() if username else None
    record_now(
        Entry(
            action="auth.login_failed",
            org_id=user.organisation_id if user else None,
            object_type="user" if user else "",
            object_id=user.id if user else "",
        )
    )
