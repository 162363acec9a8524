"""Pages of the network view (``/figures/network/``): trends, breakdowns, routes, member
comparison, reporting completeness, a country with its official context figures and its PDF fact
sheet, and the secretariat's upload of context figures. Thin: ``network_tables`` reads (accepted
and published figures only, already suppressed), ``network_export`` writes files, ``context``
checks and loads uploads. Charts are inline SVG drawn by the templates from ``strada.lib.svgchart``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from strada.lib import svgchart
from strada.orgs.policy import requires
from strada.stats import network_export as export
from strada.stats import network_tables as tables
from strada.stats.context import COLUMNS as CONTEXT_COLUMNS
from strada.stats.context import check_context_file, do_load_context_figures
from strada.stats.models import ContextFigure, Indicator, ReportingRound, Submission
from strada.stats.network_tables import NETWORK_STATUSES, ROUTE, Row

TABLES = ("trends", "breakdown", "routes", "members", "completeness")
FORMATS = ("csv", "xlsx")
CONTEXT_SHOWN = 200


@dataclass
class Selection:
    """What the reader chose (indicator, round, dimension), each checked against what exists."""

    catalogue: list[Indicator]
    rounds: list[ReportingRound]  # oldest first
    indicator: Indicator | None
    round: ReportingRound | None
    dimension: str
    route_indicator: Indicator | None

    @property
    def code(self) -> str:
        return self.indicator.code if self.indicator else ""

    @property
    def round_label(self) -> str:
        return str(self.round) if self.round else ""


def _selection(request: HttpRequest) -> Selection:
    catalogue = tables.indicators()
    rounds = tables.rounds_ascending()
    by_code = {indicator.code: indicator for indicator in catalogue}
    indicator = by_code.get(request.GET.get("indicator", "")) or next(iter(catalogue), None)
    by_id = {str(r.id): r for r in rounds}
    chosen = by_id.get(request.GET.get("round", ""))
    if chosen is None:
        # The latest round with accepted figures, else the latest round.
        latest = (
            Submission.objects.filter(status__in=NETWORK_STATUSES)
            .order_by("-round__year", "-round__half")
            .values_list("round_id", flat=True)
            .first()
        )
        chosen = by_id.get(str(latest)) if latest else (rounds[-1] if rounds else None)
    dimensions = tables.single_dimensions(indicator)
    dimension = request.GET.get("dimension", "")
    if dimension not in dimensions:
        dimension = next(iter(dimensions), "")
    route_indicators = [i for i in catalogue if ROUTE in i.disaggregations]
    route_indicator = (
        indicator if indicator in route_indicators else next(iter(route_indicators), None)
    )
    return Selection(catalogue, rounds, indicator, chosen, dimension, route_indicator)


class SelectionForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator"))
    round = forms.ChoiceField(label=gettext_lazy("Round"))
    dimension = forms.ChoiceField(label=gettext_lazy("Broken down by"), required=False)

    def __init__(self, selection: Selection) -> None:
        super().__init__(
            initial={
                "indicator": selection.code,
                "round": str(selection.round.id) if selection.round else "",
                "dimension": selection.dimension,
            }
        )
        self.fields["indicator"].choices = [  # type: ignore[attr-defined]
            (i.code, f"{i.code} · {i.localised('name')}") for i in selection.catalogue
        ]
        self.fields["round"].choices = [  # type: ignore[attr-defined]
            (str(r.id), str(r)) for r in reversed(selection.rounds)
        ]
        dimensions = tables.single_dimensions(selection.indicator)
        self.fields["dimension"].choices = [  # type: ignore[attr-defined]
            (d, tables.dimension_label(d)) for d in dimensions
        ]


def _bars(rows: list[Row]) -> svgchart.Chart:
    return svgchart.horizontal_bars(
        [svgchart.item(row.label, row.figure.text, row.figure.drawn) for row in rows]
    )


def _trend_chart(rows: list[Row]) -> svgchart.Chart:
    return svgchart.columns(
        [svgchart.item(row.label, row.figure.text, row.figure.drawn) for row in rows]
    )


def _completeness_chart(table: tables.Completeness) -> svgchart.Chart:
    items = [
        svgchart.item(str(r), f"{on_time + late}/{expected}", on_time, late)
        for r, expected, on_time, late in table.summary()
    ]
    return svgchart.columns(items, legend=(_("on time"), _("late")))


def _tables(request: HttpRequest, selection: Selection) -> dict[str, Any]:
    user = request.user
    code = selection.code
    result: dict[str, Any] = {
        "trends": tables.trends(user, code, selection.rounds) if code else [],
        "breakdown": [],
        "routes": [],
        "members": [],
        "completeness": tables.completeness(user, selection.rounds),
    }
    if selection.round and code:
        if selection.dimension:
            result["breakdown"] = tables.breakdown(user, code, selection.round, selection.dimension)
        result["members"] = tables.members(user, code, selection.round)
    if selection.round and selection.route_indicator:
        result["routes"] = tables.routes(user, selection.route_indicator.code, selection.round)
    return result


@requires("stats.network.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    data = _tables(request, selection)
    # The downloads give exactly what the page shows, defaults included.
    query = QueryDict(mutable=True)
    query.update({"indicator": selection.code, "dimension": selection.dimension})
    if selection.round:
        query["round"] = str(selection.round.id)
    return render(
        request,
        "stats/network/dashboard.html",
        {
            "selection": selection,
            "form": SelectionForm(selection),
            "query": query.urlencode(),
            "dimension_label": tables.dimension_label(selection.dimension),
            "indicator_name": selection.indicator.localised("name") if selection.indicator else "",
            "trends": data["trends"],
            "trends_chart": _trend_chart(data["trends"]),
            "breakdown": data["breakdown"],
            "breakdown_chart": _bars(data["breakdown"]),
            "routes": data["routes"],
            "routes_chart": _bars(data["routes"]),
            "members": data["members"],
            "members_chart": _bars(data["members"]),
            "completeness": data["completeness"],
            "completeness_chart": _completeness_chart(data["completeness"]),
            "countries": tables.member_countries(),
        },
    )


def _table(request: HttpRequest, name: str) -> export.Table:
    selection = _selection(request)
    user = request.user
    code, label = selection.code, selection.round_label
    if name == "completeness":
        return export.completeness_table(tables.completeness(user, selection.rounds))
    if name == "trends":
        return export.trends_table(code, tables.trends(user, code, selection.rounds))
    if selection.round is None or not code:
        raise Http404
    if name == "breakdown":
        rows = tables.breakdown(user, code, selection.round, selection.dimension)
        return export.breakdown_table(code, label, selection.dimension, rows)
    if name == "routes":
        if selection.route_indicator is None:
            raise Http404
        route_code = selection.route_indicator.code
        rows = tables.routes(user, route_code, selection.round)
        return export.routes_table(route_code, label, rows)
    return export.members_table(code, label, tables.members(user, code, selection.round))


def _download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires("stats.network.view")
def download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One table of the dashboard, for the same choices, as CSV or XLSX."""
    if table not in TABLES or fmt not in FORMATS:
        raise Http404
    content = _table(request, table)
    filename = f"strada-network-{table}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        return _download(export.to_csv(content), "text/csv; charset=utf-8", filename)
    return _download(
        export.to_xlsx(content, table),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename,
    )


def _country(code: str) -> str:
    country = code.upper()
    if country not in countries:
        raise Http404
    return country


def _sheet_context(request: HttpRequest, country: str) -> dict[str, Any]:
    catalogue = tables.indicators()
    sheet = tables.country_sheet(request.user, country, catalogue, tables.rounds_ascending())
    headline = next((row for row in sheet.rows if any(f.has_data for f in row.figures)), None)
    chart = None
    if headline is not None:
        chart = svgchart.columns(
            [
                svgchart.item(str(r), figure.text, figure.drawn)
                for r, figure in zip(sheet.rounds, headline.figures, strict=True)
            ],
            width=520,
            plot_height=140,
        )
    rows = [
        {
            "code": row.indicator.code,
            "name": row.indicator.localised("name"),
            "cells": list(zip(row.figures, row.official, strict=True)),
        }
        for row in sheet.rows
    ]
    return {
        "sheet": sheet,
        "rows": rows,
        "headline": headline,
        "headline_name": headline.indicator.localised("name") if headline else "",
        "headline_chart": chart,
        "context_shown": sheet.context[:CONTEXT_SHOWN],
        "languages": settings.LANGUAGES,
    }


@requires("stats.network.view")
def country(request: HttpRequest, code: str) -> HttpResponse:
    """The members' totals in one country beside the official figures the secretariat loaded."""
    return render(request, "stats/network/country.html", _sheet_context(request, _country(code)))


@requires("stats.network.view")
def factsheet(request: HttpRequest, code: str) -> HttpResponse:
    """The country fact sheet as PDF, in the language asked for (the reader's, or English)."""
    country_code = _country(code)
    language = request.GET.get("language") or translation.get_language() or "en"
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        context = _sheet_context(request, country_code)
        context.update({"language": language, "generated_on": timezone.localdate()})
        html = render_to_string("stats/network/factsheet.html", context)
    pdf = export.to_pdf(html)
    filename = f"strada-factsheet-{country_code.lower()}-{language}.pdf"
    return _download(pdf, "application/pdf", filename)


class ContextUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file of official figures"),
        help_text=gettext_lazy(
            "Columns: source, dataset, country, year, indicator_code, label, cell, value. "
            "UTF-8 CSV (commas) or an Excel workbook."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
            raise forms.ValidationError(_("The file is too large; split it into several files."))
        if not (upload.name or "").lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


@requires("stats.context.manage")
def context_figures(request: HttpRequest) -> HttpResponse:
    """The official figures loaded so far, and the upload: "check" is a dry run that lists the
    problems per row; "load" checks again and loads only a file without problems."""
    form = ContextUploadForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        if request.POST.get("mode") == "load":
            try:
                loaded = do_load_context_figures(request.user, data)
            except ValidationError:
                check = check_context_file(data)
                messages.error(request, _("The file has problems; nothing was loaded."))
            else:
                messages.success(
                    request,
                    _("Loaded %(count)d official figures.") % {"count": len(loaded.figures)},
                )
                return redirect("stats_network:context")
        else:
            check = check_context_file(data)
    figures = ContextFigure.objects.order_by("country", "-year", "source", "label")
    return render(
        request,
        "stats/network/context.html",
        {
            "form": form,
            "check": check,
            "preview": check.figures[:20] if check else [],
            "figures": figures[:CONTEXT_SHOWN],
            "figure_count": figures.count(),
            "columns": ", ".join(CONTEXT_COLUMNS),
        },
    )
