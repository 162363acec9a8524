"""Audit of sign-ins: successful and failed logins and logouts become audit events.

A failed login names the account only when it exists (by id); the typed user name is not stored, so
a password typed into the user-name field never reaches the log.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

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


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
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
