"""The steering committee's pages: the unit dashboard, heatmap, holdbacks, trend, and the reports.

Every page takes the same query string (dashboards.forms) so that switching tabs, exporting or
printing keeps the chosen set, date and filters.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy

from dashboards import data, export, figures, forms, selectors, xlsx
from dashboards.area import Area, area_for

TABS = [
    ("unit", gettext_lazy("Bảng theo dõi")),
    ("heatmap", gettext_lazy("Bản đồ nhiệt")),
    ("holdbacks", gettext_lazy("Tiêu chí khó đạt")),
    ("trend", gettext_lazy("Xu hướng")),
]


def _load(request, era, code):
    area = area_for(request.user, era=era, code=code)
    return area, forms.parse(request.GET)


def _context(area: Area, query: dict, board: data.Dashboard, page: str) -> dict:
    params = forms.as_params(query)
    return {
        "area": area, "board": board, "query": query, "page": page,
        "tabs": [(name, label, area.url(name, params)) for name, label in TABS],
        "xlsx_url": area.url("xlsx", params), "print_url": area.url("print", params),
        "reset_url": area.url(page, forms.as_params({"set": query.get("set"), "as_of": query["as_of"]})),
        "status_choices": forms.STATUS_CHOICES,
    }


def _sort_links(area: Area, query: dict) -> dict:
    """Per column: the URL sorting by it (ascending first, or the other way when it is the current sort)."""
    links = {}
    for column in forms.SORTS:
        new = f"-{column}" if query["sort"] == column else column
        links[column] = {
            "url": area.url("unit", forms.as_params(query, sort=new)),
            "active": query["sort"].lstrip("-") == column,
            "descending": query["sort"] == f"-{column}",
        }
    return links


def _commune_redirect(area: Area):
    # A commune's own page already shows its results: there is nothing to roll up.
    return redirect(area.unit) if area.unit and area.unit.is_commune else None


@login_required
def unit(request, era, code=None):
    area, query = _load(request, era, code)
    if response := _commune_redirect(area):
        return response
    board = data.dashboard_for(area, query, with_unmet=False)  # the table shows counts, not which criteria
    ctx = _context(area, query, board, "unit") | {"sort": _sort_links(area, query)}
    return render(request, "dashboards/unit.html", ctx)


@login_required
def heatmap(request, era, code=None):
    area, query = _load(request, era, code)
    if response := _commune_redirect(area):
        return response
    board = data.dashboard_for(area, query, with_since=False, with_pending=False)
    criteria = selectors.criteria_of(board.criteria_set) if board.criteria_set else []
    # Titles built once per criterion and state, not per cell: 3,000 communes × 19 criteria is 57,000 cells.
    state_text = {figures.MET: gettext("Đạt"), figures.UNMET: gettext("Chưa đạt"), figures.NONE: gettext("Chưa đánh giá")}
    titles = {(c.number, state): f"{c.number}. {c.name}: {text}" for c in criteria for state, text in state_text.items()}
    grid = [
        (row, [(state, c.number, titles[c.number, state]) for state, c in zip(figures.heatmap_cells(row, criteria), criteria, strict=True)])
        for row in board.rows
    ]
    ctx = _context(area, query, board, "heatmap") | {"criteria": criteria, "grid": grid}
    return render(request, "dashboards/heatmap.html", ctx)


@login_required
def holdbacks(request, era, code=None):
    area, query = _load(request, era, code)
    if response := _commune_redirect(area):
        return response
    board = data.dashboard_for(area, query, with_since=False, with_pending=False)
    by_criterion, by_indicator = [], []
    if board.criteria_set:
        by_criterion, by_indicator = figures.holdbacks(
            board.all_rows, selectors.criteria_of(board.criteria_set), selectors.indicators_of(board.criteria_set)
        )
    base = forms.as_params({"set": query.get("set"), "as_of": query["as_of"]})
    for item in by_criterion:
        item.url = area.url("unit", base | {"fails": item.key})
    for item in by_indicator:
        item.url = area.url("unit", base | {"fails_indicator": item.key})
    ctx = _context(area, query, board, "holdbacks") | {"by_criterion": by_criterion, "by_indicator": by_indicator}
    return render(request, "dashboards/holdbacks.html", ctx)


def _period_label(by: str):
    def label(end):
        if by == "year":
            return str(end.year)
        return gettext("Quý %(quarter)s/%(year)s") % {"quarter": (end.month - 1) // 3 + 1, "year": end.year}

    return label


@login_required
def trend(request, era, code=None):
    area, query = _load(request, era, code)
    if response := _commune_redirect(area):
        return response
    sets = selectors.set_choices(area)
    board = data.Dashboard(area, query, sets, data.chosen_set(sets, query.get("set")))
    periods, history = [], []
    if board.criteria_set:
        history = selectors.approved_history(area, board.criteria_set, query["as_of"])
        periods = figures.trend(history, until=query["as_of"], by=query["by"], label=_period_label(query["by"]))
    chart = {
        "labels": [p.label for p in periods],
        "average": [p.average for p in periods],
        "reaching": [p.reaching for p in periods],
        "averageLabel": gettext("Bình quân tiêu chí/xã"),
        "reachingLabel": gettext("Số xã đạt chuẩn"),
        # The average axis tops at the set's number of criteria, so "13,8" reads against "of 19".
        "criteriaTotal": max((total for *_rest, total in history), default=None),
    }
    by_links = {by: area.url("trend", forms.as_params(query, by=by)) for by in ("quarter", "year")}
    ctx = _context(area, query, board, "trend") | {"periods": periods, "chart": chart, "by_links": by_links}
    return render(request, "dashboards/trend.html", ctx)


@login_required
def export_xlsx(request, era, code=None):
    area, query = _load(request, era, code)
    if response := _commune_redirect(area):
        return response
    if export.needs_background(area):
        # A province or the country: built on a worker, offered on the job's page when ready.
        job = export.export_start(area=area, query=query, by=request.user)
        return redirect("jobs:detail", job.pk)
    response = HttpResponse(export.workbook_bytes(area, query), content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(area, query["as_of"])}"'
    return response


@login_required
def print_report(request, era, code=None):
    area, query = _load(request, era, code)
    if response := _commune_redirect(area):
        return response
    board = data.dashboard_for(area, query)
    ctx = {"area": area, "board": board, "query": query, "back_url": area.url("unit", forms.as_params(query))}
    return render(request, "dashboards/print.html", ctx)

