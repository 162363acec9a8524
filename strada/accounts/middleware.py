"""Session rules for life-critical data: idle timeout, the user's language, a required second factor."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from strada.audit.log import Context, current_context
from strada.orgs.policy import IDENTITY_ROLES

Handler = Callable[[HttpRequest], HttpResponse]
_LAST_SEEN = "strada_last_seen"
_STARTED = "strada_started"


class SessionLifetimeMiddleware:
    """End a session idle for longer than STRADA_IDLE_TIMEOUT, or older than SESSION_COOKIE_AGE
    however active (the absolute lifetime); set the audit context (address, channel)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        via = "api" if request.path.startswith("/api/") else "web"
        token = current_context.set(Context(ip=request.META.get("REMOTE_ADDR", ""), via=via))
        try:
            if request.user.is_authenticated and hasattr(request, "session"):
                expired = self._expired(request)
                if expired:
                    logout(request)
                    messages.info(request, expired)
                    return redirect(settings.LOGIN_URL)
            return self.get_response(request)
        finally:
            current_context.reset(token)

    @staticmethod
    def _expired(request: HttpRequest) -> str:
        session = request.session
        now = time.time()
        started = float(session.setdefault(_STARTED, now))
        last_seen = float(session.get(_LAST_SEEN, now))
        if now - last_seen > settings.STRADA_IDLE_TIMEOUT:
            return _("You were signed out after a period of inactivity.")
        if now - started > settings.SESSION_COOKIE_AGE:
            return _("Your session reached its maximum length. Please sign in again.")
        if now - last_seen > 60 or _LAST_SEEN not in session:
            session[_LAST_SEEN] = now  # written at most once a minute
        return ""


class UserLanguageMiddleware:
    """A user's chosen language wins over the browser's."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


class RequireMFAMiddleware:
    """Roles that see identities must set up a second factor before anything else.

    API calls with a personal access token are let through: a token can only be created from a
    session that has passed this check. API calls with a session get a 403 instead of a redirect.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.STRADA_REQUIRE_MFA
            and user.is_authenticated
            and user.role in IDENTITY_ROLES
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not request.META.get("HTTP_AUTHORIZATION")
            and not _has_mfa(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Set up a second factor first.")}, status=403)
            messages.warning(request, _("Your role sees identities: set up a second factor first."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_mfa(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
