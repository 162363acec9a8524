from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from strada.orgs.policy import requires


@requires("org.users.manage")
def users(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@requires("network.orgs.manage")
def organisations(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")
