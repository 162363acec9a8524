"""Template filters of the statistics pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def localised(indicator: Any, name: str) -> str:
    """``{{ indicator|localised:"name" }}``: the name or definition in the page's language."""
    return str(indicator.localised(name))


@register.filter
def cell_label(cell: str) -> str:
    """A breakdown cell as people read it: "Total", or "sex: female, age_group: adult"."""
    if not cell:
        return _("Total")
    return ", ".join(part.replace("=", ": ", 1) for part in cell.split("|"))


@register.filter
def figure(value: Decimal | None) -> str:
    """A stored figure without trailing zeros (12, 12.5); empty for None."""
    if value is None:
        return ""
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value:,.2f}"
