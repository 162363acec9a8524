"""The role x action policy: the one table that says who may do what. Deny unless listed.

Every view, API operation and command names one action from ``POLICY``; a test walks every URL and
API operation and fails if one names none. Object-level scoping (own organisation only) is the job of
each app's ``access.py``; this table only says whether a role may attempt an action at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from strada.orgs.models import Role

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})
ALL_ROLES = frozenset(Role)

POLICY: dict[str, frozenset[str]] = {
    # Everyone signed in.
    "home.view": ALL_ROLES,
    "account.settings": ALL_ROLES,
    "account.tokens": ALL_ROLES,
    # Client register (case plane): the identity is for case roles only.
    "client.list": CASE_ROLES | {Role.DATA_MANAGER},
    "client.view": CASE_ROLES | {Role.DATA_MANAGER},
    "client.view_identity": CASE_ROLES,
    "client.register": CASE_ROLES,
    "client.edit": CASE_ROLES,
    "consent.record": CASE_ROLES,
    "consent.withdraw": CASE_ROLES,
    "client.audit": frozenset({Role.SUPERVISOR, Role.ORG_ADMIN}),
    # Case record: coded data for data managers too; notes and closing for case roles.
    "case.view": CASE_ROLES | {Role.DATA_MANAGER},
    "case.edit": CASE_ROLES,
    "case.close": frozenset({Role.SUPERVISOR}),
    "case.notes": CASE_ROLES,
    # Referrals between organisations and duplicate alerts: case roles of the two organisations
    # only (packages hold identities); the statistics are counts, for the organisation and network.
    "referral.view": CASE_ROLES,
    "referral.send": CASE_ROLES,
    "referral.send_without_consent": frozenset({Role.SUPERVISOR}),
    "referral.answer": CASE_ROLES,
    "referral.export": CASE_ROLES,
    "referral.stats": frozenset(
        {Role.SUPERVISOR, Role.DATA_MANAGER, Role.ORG_ADMIN, Role.ANALYST, Role.NETWORK_ADMIN}
    ),
    "duplicates.view": CASE_ROLES,
    "duplicates.answer": CASE_ROLES,
    "duplicates.settings": frozenset({Role.ORG_ADMIN}),
    "notifications.view": CASE_ROLES,
    # Spreadsheet import and export of the organisation's own records (HTCDS layout).
    "records.import": frozenset({Role.DATA_MANAGER}),
    "records.export": frozenset({Role.DATA_MANAGER, Role.SUPERVISOR}),
    "records.export_identities": frozenset({Role.SUPERVISOR}),
    # National facts and figures (the statistics plane).
    "stats.catalogue.view": ALL_ROLES - {Role.PARTNER},
    "stats.catalogue.manage": frozenset({Role.NETWORK_ADMIN}),
    "stats.rounds.manage": frozenset({Role.NETWORK_ADMIN}),
    "stats.submission.prepare": frozenset({Role.DATA_MANAGER}),
    "stats.submission.view_own": frozenset({Role.DATA_MANAGER, Role.SUPERVISOR, Role.ORG_ADMIN}),
    "stats.submission.review": frozenset({Role.ANALYST, Role.NETWORK_ADMIN}),
    "stats.network.view": ALL_ROLES - {Role.PARTNER},
    "stats.context.manage": frozenset({Role.ANALYST}),
    # The contact directory: everyone reads it; the secretariat and organisation admins keep it.
    "directory.view": ALL_ROLES,
    "directory.manage": frozenset({Role.NETWORK_ADMIN, Role.ANALYST, Role.ORG_ADMIN}),
    # The organisation itself.
    "org.users.manage": frozenset({Role.ORG_ADMIN}),
    "org.audit": frozenset({Role.ORG_ADMIN}),
    # The network (secretariat).
    "network.orgs.manage": frozenset({Role.NETWORK_ADMIN}),
    "network.users.manage": frozenset({Role.NETWORK_ADMIN}),
}

# Roles that see identities must use a second factor (unless the demo turns it off, visibly).
IDENTITY_ROLES = POLICY["client.view_identity"]


def can(user: Any, action: str) -> bool:
    """May this user attempt this action? Unknown actions are refused."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.organisation_id is None or not user.organisation.active:
        return False
    return user.role in POLICY.get(action, frozenset())


F = TypeVar("F", bound=Callable[..., HttpResponse])


def requires(action: str) -> Callable[[F], F]:
    """Decorate a view: sign-in required, then the policy must allow ``action`` (else 403)."""
    if action not in POLICY:
        raise ValueError(f"unknown action {action!r}: add it to POLICY first")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.strada_action = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Mark a view as deliberately open to anyone (login, health check)."""
    view.strada_action = "public"  # type: ignore[attr-defined]
    return view
