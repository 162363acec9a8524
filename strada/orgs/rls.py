"""Row-level security on PostgreSQL: the second wall of tenant isolation (DESIGN.md §4).

The first wall is the code: every case-plane read goes through an ``access.py`` function or a
``visible_to(user)`` queryset. The second wall is PostgreSQL's: policies on the case-plane tables
(migration ``orgs/0003_row_level_security``) show and accept only the rows of the organisation named
by the connection's setting ``strada.org``, so that a view which forgot the first wall still reads
nothing of another organisation.

The setting's three meanings (``SETTING``):

- an organisation's id: a person of that member or affiliate is being served (``scope_of``);
- ``NO_ORGANISATION`` (the nil UUID): anyone else is being served (anonymous, the secretariat, a
  partner, an inactive account or organisation). No case-plane row is visible or writable;
- unset or empty: *system*. Management commands, ``strada demo``, the task worker, migrations,
  tests' fixtures and benchmarks see and write every row.

Security contract: ``OrganisationScopeMiddleware`` sets the scope for **every** request before any
view runs (deny by default: anonymous means no organisation), the API's token authentication
re-scopes once it knows the caller (``scope_request``), and the scope is put back when the response
is closed (``request_finished``, so also after a streamed response), because connections outlive
requests (``CONN_MAX_AGE``, the test client). A connection opened in the middle of a request gets
the request's scope too. ``system()`` lifts the wall inside a request for reviewed code paths that
count across organisations without reading a record (the secretariat's referral statistics); every
use is listed in docs/security.md. Outside requests nothing is set: the wall only stands where a
person is being served. On SQLite all of this does nothing: the first wall is the only one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.signals import request_finished
from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("strada.rls")

SETTING = "strada.org"
NO_ORGANISATION = "00000000-0000-0000-0000-000000000000"
SYSTEM = ""
MIDDLEWARE = "strada.orgs.rls.OrganisationScopeMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"

# Does the connected role skip every policy (a superuser, or BYPASSRLS)?
BYPASS_SQL = "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"


@dataclass
class _RequestScope:
    value: str  # the scope the request runs in now
    previous: str  # the connection's scope before the request, put back at its end


_request: ContextVar[_RequestScope | None] = ContextVar("strada_rls_request", default=None)
_bypass_checked = False


def applies(conn: Any = None) -> bool:
    """Row-level security exists on PostgreSQL only."""
    return bool((conn or connection).vendor == "postgresql")


def scope_of(user: Any) -> str:
    """The scope a request of this person runs in: their organisation's id if it is an active
    member or affiliate (which hold cases) and they are an active user; else no organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ORGANISATION
    if user.organisation_id is None:
        return NO_ORGANISATION
    organisation = user.organisation
    if not organisation.active or not organisation.holds_cases:
        return NO_ORGANISATION
    return str(organisation.id)


def _set(value: str, conn: Any = None) -> str:
    """Give the connection this scope; return the scope it had (``SYSTEM`` when none).

    Through the driver's own cursor, as Django sets a connection's time zone: the setting is the
    connection's state, not one of the page's queries (the tests' query counts stay the same)."""
    conn = conn or connection
    if conn.connection is None:
        conn.ensure_connection()
    with conn.wrap_database_errors, conn.connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting(%s, true), set_config(%s, %s, false)",
            [SETTING, SETTING, value],
        )
        row = cursor.fetchone()
    return str(row[0] or SYSTEM)


def current() -> str:
    """The connection's scope (``SYSTEM`` when none is set); always ``SYSTEM`` on SQLite."""
    if not applies():
        return SYSTEM
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [SETTING])
        row = cursor.fetchone()
    return str(row[0] or SYSTEM)


def enter_request(value: str) -> None:
    """Run the rest of the current request in this scope (the middleware's first step).

    A connection kept from an earlier request gets the scope now; otherwise the request's first
    query opens one, which ``_scope_new_connection`` scopes before anything else runs on it (so a
    request that needs no database does not open a connection for this)."""
    outer = _request.get()
    state = _RequestScope(value=value, previous=SYSTEM)
    _request.set(state)
    connection.close_if_health_check_failed()  # as Django's first query would: reopen a dead one
    if connection.connection is not None:
        state.previous = _set(value)
    if outer is not None:  # the last request's response was never closed: keep its start
        state.previous = outer.previous


def scope_request(user: Any) -> None:
    """Re-scope the current request to this person, once an authenticator inside the view has
    identified them (the API's personal access tokens). Outside a request it does nothing: a scope
    set here would never be put back."""
    state = _request.get()
    if state is None or not applies():
        return
    state.value = scope_of(user)
    _set(state.value)


def leave_request(**_kwargs: Any) -> None:
    """Put back the connection's scope from before the request (on ``request_finished``)."""
    state = _request.get()
    if state is None:
        return
    _request.set(None)
    if connection.connection is None:
        return  # closed at the end of the request: the scope went with it
    try:
        _set(state.previous)
    except DatabaseError:
        # A broken transaction: the caller's rollback undoes the setting with it; out of one, a
        # connection that kept a person's scope must not be reused.
        logger.warning("could not reset the row-level security scope; closing the connection")
        if not connection.in_atomic_block:
            connection.close()


def _scope_new_connection(sender: Any, connection: Any, **_kwargs: Any) -> None:
    """A connection opened in the middle of a request runs in the request's scope."""
    state = _request.get()
    if state is not None and applies(connection):
        _set(state.value, connection)


request_finished.connect(leave_request, dispatch_uid="strada.orgs.rls.leave_request")
connection_created.connect(_scope_new_connection, dispatch_uid="strada.orgs.rls.new_connection")


@contextmanager
def system() -> Iterator[None]:
    """Lift the wall for the body, inside a request: only for reviewed code that counts across
    organisations and reads no record (listed in docs/security.md). Outside a request the
    connection is already in the system scope and this changes nothing."""
    if not applies():
        yield
        return
    state = _request.get()
    previous = _set(SYSTEM)
    if state is not None:
        outer, state.value = state.value, SYSTEM
    try:
        yield
    finally:
        if state is not None:
            state.value = outer
        try:
            _set(previous)
        except DatabaseError:
            if not connection.in_atomic_block:
                raise
            # The body failed its transaction, which began outside this block (blocks nest):
            # rolling it back puts back the scope it began with, and the body's error goes on.


def bypasses(conn: Any = None) -> bool:
    """Does the connected database role skip row-level security (superuser or BYPASSRLS)?"""
    conn = conn or connection
    if not applies(conn):
        return False
    conn.ensure_connection()
    with conn.wrap_database_errors, conn.connection.cursor() as cursor:
        cursor.execute(BYPASS_SQL)
        row = cursor.fetchone()
    return bool(row and row[0])


class OrganisationScopeMiddleware:
    """Scope every request to the signed-in person's organisation (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not applies():
            return self.get_response(request)
        enter_request(scope_of(request.user))
        _warn_once_if_bypassed()
        return self.get_response(request)


def _warn_once_if_bypassed() -> None:
    """Log once per process, on a connection a request has opened, if the role skips the wall."""
    global _bypass_checked
    if _bypass_checked or connection.connection is None:
        return
    _bypass_checked = True
    if bypasses():
        logger.warning(
            "The database role is a superuser or has BYPASSRLS: row-level security does not "
            "apply (docs/operations.md, 'Row-level security')."
        )


# System checks (registered in strada.orgs.apps) -------------------------------------------------


def check_middleware(**_kwargs: Any) -> list[checks.CheckMessage]:
    """The scope must be set for every request, after authentication."""
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in middleware:
        return [
            checks.Error(
                f"{MIDDLEWARE} is missing from MIDDLEWARE.",
                hint="Without it no request is scoped and row-level security lets everything "
                "through on PostgreSQL. Put it right after AuthenticationMiddleware.",
                id="strada.E001",
            )
        ]
    if AUTH_MIDDLEWARE not in middleware or middleware.index(MIDDLEWARE) < middleware.index(
        AUTH_MIDDLEWARE
    ):
        return [
            checks.Error(
                f"{MIDDLEWARE} must come after {AUTH_MIDDLEWARE}.",
                hint="It reads request.user.",
                id="strada.E002",
            )
        ]
    return []


def check_role(databases: Any = None, **_kwargs: Any) -> list[checks.CheckMessage]:
    """A database check (``strada check --database default``, and every ``strada migrate``): the
    role must not skip row-level security."""
    if not databases or "default" not in databases or not applies():
        return []
    try:
        bypassed = bypasses()
    except DatabaseError:
        return []  # no database yet: other checks and commands say so
    if not bypassed:
        return []
    return [
        checks.Warning(
            "The database role is a superuser or has BYPASSRLS: PostgreSQL's row-level security "
            "does not apply to it, and the second wall of tenant isolation is down.",
            hint="Connect as a role without SUPERUSER and BYPASSRLS (docs/operations.md, "
            "'Row-level security').",
            id="strada.W001",
        )
    ]
