from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from strada.orgs.policy import requires


@requires("account.settings")
def settings_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")
