from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from strada.orgs.policy import can as policy_can

register = template.Library()


@register.filter
def can(user: Any, action: str) -> bool:
    """``{% if user|can:"client.register" %}``: the policy, as the views apply it."""
    return policy_can(user, action)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
