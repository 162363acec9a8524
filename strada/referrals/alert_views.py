"""Duplicate alert pages (being written: every view answers 404 until it is)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from strada.orgs.policy import requires


@requires("duplicates.view")
def alert_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("duplicates.settings")
def linkage_settings(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("duplicates.view")
def alert_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("duplicates.answer")
def alert_request(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("duplicates.answer")
def alert_answer(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("duplicates.answer")
def alert_dismiss(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
