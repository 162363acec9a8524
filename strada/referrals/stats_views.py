"""The referral statistics page (``/referrals/statistics/``): counts only, for the organisation or,
for the secretariat, the network. Thin: ``stats`` counts and says who sees what; this module
formats the figures for the page and the CSV file."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from strada.lib.csvsafe import SafeWriter
from strada.orgs.policy import requires
from strada.referrals import stats
from strada.referrals.stats import Figures, Tally

NOTHING = "—"


class YearForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, data: Any, years: list[int]) -> None:
        super().__init__(data)
        self.fields["year"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]
        self.fields["year"].initial = years[0]


@dataclass(frozen=True)
class Shown:
    """A tally as the page shows it: counts, and the share and days formatted for the reader."""

    total: int
    pending: int
    accepted: int
    declined: int
    completed: int
    revoked: int
    answered: int
    share: str
    median: str
    p90: str

    @classmethod
    def of(cls, tally: Tally) -> Shown:
        return cls(
            total=tally.total,
            pending=tally.pending,
            accepted=tally.accepted,
            declined=tally.declined,
            completed=tally.completed,
            revoked=tally.revoked,
            answered=tally.answered,
            share=_percent(tally.accepted_share),
            median=_days(tally.median_days),
            p90=_days(tally.p90_days),
        )


def _percent(share: float | None) -> str:
    if share is None:
        return NOTHING
    # Rounded first: number_format cuts the decimals off (2/3 would read 66 %).
    return formats.number_format(round(share * 100), 0) + " %"


def _days(days: float | None) -> str:
    return NOTHING if days is None else formats.number_format(round(days, 1), 1)


def _breakdowns(figures: Figures) -> dict[str, Any]:
    """The parts every scope shows: within and outside the network, purposes, urgencies."""
    return {
        "within": [
            (_("Within the network"), Shown.of(figures.sent_internal)),
            (_("Outside the network (directory entries)"), Shown.of(figures.sent_external)),
        ],
        "purposes": [
            (label, Shown.of(pair.sent), Shown.of(pair.received))
            for _code, label, pair in figures.purposes()
        ],
        "urgencies": [
            (label, Shown.of(pair.sent), Shown.of(pair.received))
            for _code, label, pair in figures.urgencies()
        ],
    }


def _csv(lines: list[list[Any]], year: int) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(stats.COLUMNS)
    writer.writerows(lines)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"strada-referrals-{year}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires("referral.stats")
@require_safe
def referral_stats(request: HttpRequest) -> HttpResponse:
    """The organisation's referrals sent and received in a year, or the network's table for the
    secretariat; ``?download=csv`` gives the same figures as a file."""
    user: Any = request.user
    scope = stats.stats_scope(user)
    form = YearForm(request.GET or None, stats.years(user))
    year = (form.cleaned_data["year"] if form.is_valid() else None) or form.fields["year"].initial
    period = stats.Period.year(year)
    context: dict[str, Any] = {"form": form, "year": year, "scope": scope}
    if scope == stats.NETWORK:
        network = stats.network_figures(period)
        lines = stats.network_table(network)
        context.update(
            rows=[(org, Shown.of(f.sent), Shown.of(f.received)) for org, f in network.rows],
            sent=Shown.of(network.total.sent),
            received=Shown.of(network.total.received),
            **_breakdowns(network.total),
        )
    else:
        org = user.organisation
        figures = stats.organisation_figures(org, period)
        lines = stats.organisation_table(org, figures)
        context.update(
            sent=Shown.of(figures.sent),
            received=Shown.of(figures.received),
            **_breakdowns(figures),
        )
    if request.GET.get("download") == "csv" and not form.errors:
        return _csv(lines, year)
    return render(request, "referrals/stats.html", context)
