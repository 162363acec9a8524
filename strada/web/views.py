from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from strada.orgs.policy import public, requires


@requires("home.view")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@public
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure is "unhealthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


_API_MESSAGES = {400: "Bad request.", 403: "Forbidden.", 404: "Not found.", 500: "Server error."}


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    """Error pages say what happened and nothing about the data (no ids, no values)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _API_MESSAGES[status]}, status=status)
    return render(request, template, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 403, "errors/403.html")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (missing, expired or foreign security token): nothing was saved."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "CSRF check failed."}, status=403)
    return render(request, "errors/csrf.html", status=403)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "errors/500.html")
