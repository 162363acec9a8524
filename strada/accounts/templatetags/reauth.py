from __future__ import annotations

from typing import Any

from django import template

from strada.accounts.reauth import pending_reason

register = template.Library()


@register.simple_tag(takes_context=True)
def reauthentication_reason(context: Any) -> str:
    """``{% reauthentication_reason as reason %}``: why the re-authentication page asks ("export",
    "token", or "" for allauth's own second-factor pages)."""
    request = context.get("request")
    if request is None:
        return ""
    return pending_reason(request, context.get("redirect_field_value"))
