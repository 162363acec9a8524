from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def strada(request: HttpRequest) -> dict[str, Any]:
    return {
        "mfa_relaxed": not settings.STRADA_REQUIRE_MFA,
        "strada_debug": settings.DEBUG,
    }
