"""Re-authentication before data leaves Strada: the signed-in person proves again who they are.

Built on allauth's re-authentication flow. A view calls ``require_recent_authentication`` once it
has passed its policy and object-access checks (so an outsider still gets the same 403 or 404 as
before, and the redirect says nothing about an object). Unless the person confirmed their password
or their second factor within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``, allauth's ``AccountMiddleware``
answers with a redirect to its re-authentication page (``?next=`` the requested path). A POST is
kept in the session and replayed once the person has confirmed, so a form sent just after the window
closed is not lost. Signing in does not count: allauth counts explicit re-authentications only.

The re-authentication page says why it asks: the reason is kept in the session next to the path it
was asked for, and shown only when the page's ``next`` is that path.

Wrong passwords go through ``authenticate()``, so django-axes counts them like failed sign-ins and
locks after the same number; wrong codes of the second factor count too, and a lock refuses codes
(``lockout.py``), so that a lock cannot be stepped around by switching to the other method.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

# allauth's own check (internal module; allauth is pinned in requirements.lock and the tests of
# strada/accounts/tests/test_reauth.py pin its behaviour).
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.base.forms import ReauthenticateForm
from django.http import HttpRequest

from strada.accounts.lockout import refuse_while_locked

EXPORT: Final = "export"
TOKEN: Final = "token"
_PENDING = "strada_reauth_for"


def recently_authenticated(request: HttpRequest) -> bool:
    """Did the signed-in person confirm their password or second factor within the timeout?"""
    return did_recently_reauthenticate(request)


def require_recent_authentication(request: HttpRequest, reason: str) -> None:
    """Raise allauth's ``ReauthenticationRequired`` unless the person recently re-authenticated.

    Call it after the view's policy and access checks. ``reason`` (``EXPORT`` or ``TOKEN``) is
    what the re-authentication page tells the person; no personal data is kept, only the path.
    """
    if recently_authenticated(request):
        return
    request.session[_PENDING] = {"path": request.path, "reason": reason}
    raise ReauthenticationRequired()


def pending_reason(request: HttpRequest, next_url: str | None) -> str:
    """Why the re-authentication page is shown: the reason stored for ``next_url``, else ""."""
    pending: Any = request.session.get(_PENDING)
    if not isinstance(pending, dict) or not next_url:
        return ""
    if urlsplit(next_url).path != pending.get("path"):
        return ""
    return str(pending.get("reason", ""))


class CodeReauthenticateForm(ReauthenticateForm):
    """allauth's form for re-authenticating with a second-factor code (``MFA_FORMS``), refusing
    while django-axes has locked the account: the answer is then axes' lockout page, as for a
    password."""

    def clean_code(self) -> str:
        refuse_while_locked(self.user)  # AxesMiddleware then answers with the lockout page
        return str(super().clean_code())
