"""The encrypted export of a referral outside the network (being written: every view answers 404 until it is)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from strada.orgs.policy import requires


@requires("referral.export")
def referral_export(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
