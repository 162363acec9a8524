"""The JSON API under /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

Every error is JSON with a ``detail``: 401 when the caller is not authenticated, 403 when the policy
refuses, 404 for a record that is missing or belongs to someone else (the same body for both), 422
for invalid input, as a list of ``{"loc": [...], "msg": ..., "type": ...}``. The exceptions that
``access`` and ``actions`` raise (Http404, PermissionDenied, ValidationError) become those answers
here, so that no operation needs its own try/except. Operations name their policy action with
``strada.accounts.api_auth.requires_api``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from strada.accounts.api_auth import SessionAuth, TokenAuth, requires_api
from strada.cases.api import router as cases_router
from strada.clients.api import router as clients_router
from strada.directory.api import router as directory_router
from strada.orgs.policy import public
from strada.referrals.api import alerts_router as duplicate_alerts_router
from strada.referrals.api import router as referrals_router
from strada.referrals.stats_api import router as referral_stats_router
from strada.stats.api import router as stats_router

__all__ = ["api", "requires_api"]

DESCRIPTION = """\
The case register of the network, for the tools of member organisations.

**Authentication**: a personal access token, made under *Settings → API tokens*, sent as
`Authorization: Bearer strada_pat_...`; or, from Strada's own pages, the signed-in session with
its CSRF token in the `X-CSRFToken` header.

**What is here**: `/clients` (the common client registration, with consents), `/cases` (the
case record under a client: route events, perpetrator roles, services, legal steps, compensation,
the support plan and notes) and `/directory` (the network's contact directory). Codes are the
value names of the Human Trafficking Case Data Standard 2.0.

`/referrals` refers a client to another organisation of the network (or a directory entry
outside it) with a package of chosen fields and the client's consent, and is the inbox of the
referrals received: accept, decline, revoke, complete. `/duplicate-alerts` tells each of two
members that they may be assisting the same person, showing nothing of the other record, and
carries contact requests. Both are for caseworkers and supervisors of the two organisations only.

`/referrals/statistics` counts referrals sent and received, for supervisors, data managers and
organisation admins (their own organisation) and the secretariat (the network): counts only.

**Access** is the same as in the pages: a caller sees the records of their own organisation only,
identities (names, contact details), case notes and plan objectives only in a case role; every
read of an identity or a note is audited. Data managers get the coded fields.

**Errors** are JSON with a `detail`: 401 not authenticated, 403 not allowed for your role, 404 not
found (also for records of other organisations), 422 invalid input with the field of each problem.
Lists answer `{"items": [...], "count": N, "page": P, "page_size": S}`. Ids are UUIDs.
"""

NOT_FOUND = "Not found."
FORBIDDEN = "You are not allowed to do this."
UNAUTHENTICATED = "Authentication required: send a personal access token or sign in."

api = NinjaAPI(
    title="Strada API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    # The spec holds no data and is public; the Swagger page would load scripts from a CDN.
    docs_url=None,
    docs_decorator=public,
)
api.add_router("/clients", clients_router, tags=["clients"])
api.add_router("/cases", cases_router, tags=["cases"])
api.add_router("/directory", directory_router, tags=["directory"])
api.add_router("/figures", stats_router, tags=["figures"])
api.add_router("/referrals", referrals_router, tags=["referrals"])
api.add_router("/duplicate-alerts", duplicate_alerts_router, tags=["duplicate alerts"])
api.add_router("/referrals/statistics", referral_stats_router, tags=["referral statistics"])


def _detail(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _detail(request, 401, UNAUTHENTICATED)
    response["WWW-Authenticate"] = 'Bearer realm="strada"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Never the exception's message: missing and forbidden must read the same.
    return _detail(request, 404, NOT_FOUND)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, 403, FORBIDDEN)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _detail(request, exc.status_code, exc.message)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": _location(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in exc.errors
    ]
    return _detail(request, 422, errors)


def _location(loc: Any) -> list[Any]:
    """``["body", "payload", "gender"]`` as ``["body", "gender"]``: the body parameter's name is
    an implementation detail (operations name their body ``payload``)."""
    loc = list(loc)
    if loc[:2] == ["body", "payload"]:
        del loc[1]
    return loc


@api.exception_handler(ValidationError)
def _refused_by_action(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """An action's own validation (a model's ``clean``, a consent rule) in the shape of 422s."""
    if hasattr(exc, "error_dict"):
        pairs = [
            (field, message)
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    else:
        pairs = [(NON_FIELD_ERRORS, message) for message in exc.messages]
    errors = [
        {
            "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field],
            "msg": message,
            "type": "value_error",
        }
        for field, message in pairs
    ]
    return _detail(request, 422, errors)
