"""Who is calling the API, and may they attempt this operation.

Security contract: a request is authenticated either by a personal access token (``Authorization:
Bearer strada_pat_...``) of an active user in an active organisation, or by a signed-in session
that passes Django's CSRF check. A request that sends an ``Authorization`` header is judged by that
header alone: a bad token answers 401 and never falls back to the session, because the MFA middleware
lets token requests through. Each operation names the policy action it needs (``@requires_api``);
once the caller is known, the policy refuses with 403 before any input is read. Deny by default:
an operation that names no action is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from strada.accounts.models import TOKEN_PREFIX, PersonalAccessToken, User, hash_token
from strada.orgs import rls
from strada.orgs.policy import POLICY, can

# A token's last use is written at most this often, so that reads do not become writes.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def _may_sign_in(user: User) -> bool:
    organisation = user.organisation
    return user.is_active and organisation is not None and organisation.active


class TokenAuth(HttpBearer):
    """A personal access token in the ``Authorization: Bearer`` header."""

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None  # not a token request: the session may answer
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        if not token.startswith(TOKEN_PREFIX):
            raise AuthenticationError
        found = (
            PersonalAccessToken.objects.usable()
            .select_related("user__organisation")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if found is None or not _may_sign_in(found.user):
            raise AuthenticationError
        now = timezone.now()
        PersonalAccessToken.objects.filter(id=found.id).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
        ).update(last_used_at=now)
        if found.user.language:
            # As UserLanguageMiddleware does for sessions: the user's language wins.
            translation.activate(found.user.language)
        rls.scope_request(found.user)  # as OrganisationScopeMiddleware does for sessions
        return _allowed(request, found.user)


class SessionAuth(NinjaSessionAuth):
    """A signed-in browser session; unsafe methods must carry the CSRF token."""

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None  # answer 401 rather than a CSRF failure to an anonymous caller
        return super().__call__(request)  # checks CSRF, then authenticate()

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not isinstance(user, User) or not _may_sign_in(user):
            return None
        return _allowed(request, user)


F = TypeVar("F", bound=Callable[..., Any])


def requires_api(action: str) -> Callable[[F], F]:
    """Decorate an API operation (below the router's method decorator) with the policy action it
    needs. The authenticators check it as soon as the caller is known, before the input is read,
    so a role without the right gets 403 whatever it sends. An operation without this decorator
    names no action and is refused to everyone; ``strada_action`` lets a test prove none lacks it.
    """
    if action not in POLICY:
        raise ValueError(f"unknown action {action!r}: add it to POLICY first")

    def announce(run: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            request.strada_action = action  # type: ignore[attr-defined]
            return run(request, *args, **kwargs)

        return wrapper

    def decorator(operation: F) -> F:
        operation.strada_action = action  # type: ignore[attr-defined]
        return decorate_view(announce)(operation)

    return decorator


def _allowed(request: HttpRequest, user: User) -> User:
    if not can(user, getattr(request, "strada_action", "")):
        raise PermissionDenied
    return user
