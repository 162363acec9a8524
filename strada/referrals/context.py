"""``unread_notifications`` for the main navigation: case roles only, one query, and only when a
page actually shows it (the count is computed on first use)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from strada.orgs.policy import can
from strada.referrals import access


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not can(user, "notifications.view"):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: access.unread_count(user))}
