"""Referral pages (being written: every view answers 404 until it is)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from strada.orgs.policy import requires


@requires("referral.view")
def referral_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("referral.view")
def inbox(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("referral.send")
def referral_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("referral.view")
def referral_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("referral.answer")
def referral_accept(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("referral.answer")
def referral_decline(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("referral.send")
def referral_revoke(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("referral.answer")
def referral_complete(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("referral.send")
def referral_reply(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@requires("notifications.view")
def notifications(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
