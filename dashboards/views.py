"""The steering committee's pages: the unit dashboard, heatmap, holdbacks and trend (the Excel, print and map
data: views_outputs; the department officers' page: views_department).

Every page takes the same query string (dashboards.forms) so that switching tabs, exporting or
printing keeps the chosen set, date and filters.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from communes.models import AdministrativeUnit
from dashboards import by_child, data, figures, forms, selectors
from dashboards.area import Area, area_for, commune_redirect
from ntm.lib import data_version

PAGE_SIZE = 100  # communes per page of a list: a district fits on one, the country's 7,717 xã take 78
CODE_PLACEHOLDER = "00000"

TABS = [
    ("unit", gettext_lazy("Bảng theo dõi")),
    ("heatmap", gettext_lazy("Bản đồ nhiệt")),
    ("holdbacks", gettext_lazy("Tiêu chí khó đạt")),
    ("trend", gettext_lazy("Xu hướng")),
]


def load(request, era, code):
    # The data version before any data is read: the page's content is cached under it (_content_key).
    request.data_version = data_version.current()
    area = area_for(request.user, era=era, code=code)
    return area, forms.parse(request.GET)


def _content_key(request, area: Area, query: dict, page: str) -> str:
    """What a dashboard page's content (templates/dashboards/_frame.html: everything below the site's
    header) depends on: the data version, the language, the page, the unit and the whole query (its date
    too, which defaults to today). Nothing in it depends on the user: the scope only decides whether the
    page may be seen at all (area_for)."""
    code = area.unit.code if area.unit else None
    parts = (request.data_version, translation.get_language(), page, area.era, code, sorted(query.items()))
    return repr(parts)


def _context(request, area: Area, query: dict, board: data.Dashboard, page: str) -> dict:
    # The tabs and reports cover the area: not the commune list's page, view or kind.
    params = forms.as_params(query, p=None, view=None, kind=None)
    listing = {"view": query["view"], "kind": query["kind"]}
    return {
        "content_key": _content_key(request, area, query, page),
        "content_seconds": data_version.seconds(),
        "area": area,
        "board": board,
        "query": query,
        "page": page,
        "tabs": [(name, label, area.url(name, params)) for name, label in TABS],
        "xlsx_url": area.url("xlsx", params),
        "print_url": area.url("print", params),
        "reset_url": area.url(page, forms.as_params({"set": query.get("set"), "as_of": query["as_of"]} | listing)),
        "status_choices": forms.STATUS_CHOICES,
        "others_count": data.others_count(board),
        "communes_url": area.url("unit", forms.as_params(params, view="communes" if area.summarises else None)),
        "others_url": area.url(
            "unit",
            forms.as_params(
                params, view="communes" if area.summarises else None, kind="other", status=None, min=None, max=None
            ),
        ),
        "summary_url": area.url("unit", forms.as_params(params, q=None, status=None, min=None, max=None)),
        # The map's data (shapes and values) for the same set and date, fetched by static/web/map.js.
        "map_url": area.url("map", forms.as_params({"set": query.get("set"), "as_of": query["as_of"]})),
        "rescore_links": _rescore_links(area, board),
    }


def _rescore_links(area: Area, board: data.Dashboard) -> list[str]:
    """ "Chấm lại theo bộ mới": the unit's re-scoring page through the crosswalk from the chosen set to the
    newest published set, read with the set choices (dashboards.selectors.set_choices), no query of its own."""
    crosswalk_id = getattr(board.criteria_set, "rescore_crosswalk_id", None)
    if not (crosswalk_id and area.unit):
        return []
    return [reverse("web:unit_rescore", args=[area.era, area.unit.code, crosswalk_id])]


SORT_LABELS = {
    "name": gettext_lazy("Xã"),
    "parent": gettext_lazy("Đơn vị cấp trên"),
    "criteria": gettext_lazy("Tiêu chí đạt"),
    "indicators": gettext_lazy("Chỉ tiêu đạt"),
    "status": gettext_lazy("Trạng thái"),
    "as_of": gettext_lazy("Ngày đánh giá"),
    "pending": gettext_lazy("Đang xử lý"),
}


def _sort_links(area: Area, query: dict) -> list[dict]:
    """The commune table's sortable headers, in order: each column's label and the URL sorting by it
    (ascending first, or the other way when it is the current sort). The template loops over them."""
    links = []
    for column in forms.SORTS:
        if column == "parent" and not area.shows_parent:
            continue
        new = f"-{column}" if query["sort"] == column else column
        links.append(
            {
                "column": column,
                "label": SORT_LABELS[column],
                "url": area.url("unit", forms.as_params(query, sort=new, p=None)),
                "active": query["sort"].lstrip("-") == column,
                "descending": query["sort"] == f"-{column}",
            }
        )
    return links


def _pager(area: Area, query: dict, rows: list) -> dict:
    """The page of the commune list asked for (?p=, PAGE_SIZE rows), with the links to the others."""
    page = Paginator(rows, PAGE_SIZE).get_page(query["p"])
    link = lambda number: area.url("unit", forms.as_params(query, p=number))  # noqa: E731
    return {
        "rows": page.object_list,
        "number": page.number,
        "count": page.paginator.num_pages,
        "first": page.start_index(),
        "last": page.end_index(),
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }


@login_required
def unit(request, era, code=None):
    area, query = load(request, era, code)
    if response := commune_redirect(area):
        return response
    if area.summarises and query["view"] != "communes":
        board = data.summary_for(area, query)
        return render(
            request,
            "dashboards/summary.html",
            _context(request, area, query, board, "unit")
            | {
                "child_rows": list(zip(board.children, _child_links(area, query, board, "unit"), strict=True)),
                "summary_view": True,
            },
        )
    board = data.dashboard_for(area, query, with_unmet=False)  # the table shows counts, not which criteria
    ctx = _context(request, area, query, board, "unit") | {
        "sort": _sort_links(area, query),
        "pager": _pager(area, query, board.rows),
    }
    ctx["compare_rows"] = _compare_rows(board)
    return render(request, "dashboards/unit.html", ctx)


COMPARE_PICK_MAX = 500  # communes offered in the compare form's lists (a district's or a province's, not a country's)


def _compare_rows(board: data.Dashboard) -> list | None:
    """The assessed communes offered in the "compare two communes" form, by name; None when too many."""
    rows = [row for row in board.all_rows if row.summary]
    return rows if 1 < len(rows) <= COMPARE_PICK_MAX else None


def _child_links(area: Area, query: dict, board: data.Dashboard, page: str) -> list[str]:
    """Per child row, its own dashboard page with the same set and dates (reverse() once, codes filled in)."""
    # The chosen set, even when it was the default here: a child's own default may be another one.
    chosen = board.criteria_set.code if board.criteria_set else None
    params = forms.as_params({"set": chosen, "as_of": query["as_of"], "since": query.get("since")})
    shape = Area(area.era, AdministrativeUnit(era=area.era, code=CODE_PLACEHOLDER)).url(page, params)
    return [shape.replace(CODE_PLACEHOLDER, row.unit.code, 1) for row in board.children]


def _summary_heatmap(request, area: Area, query: dict):
    """Above a district: per child unit and criterion, the share of its assessed xã meeting the criterion."""
    board = data.summary_for(area, query, with_since=False)
    criteria = selectors.criteria_of(board.criteria_set) if board.criteria_set else []
    grid = []
    if board.criteria_set:
        children = [row.unit for row in board.children]
        failing = by_child.unmet_by_child(area, children, board.criteria_set, query["as_of"], ranked=board.ranked)
        for row, url in zip(board.children, _child_links(area, query, board, "heatmap"), strict=True):
            grid.append((row, url, figures.share_cells(row.figures.assessed, failing.get(row.unit.path, {}), criteria)))
    ctx = _context(request, area, query, board, "heatmap") | {
        "criteria": criteria,
        "summary_grid": grid,
        "summary_view": True,
    }
    return render(request, "dashboards/heatmap_summary.html", ctx)


@login_required
def heatmap(request, era, code=None):
    area, query = load(request, era, code)
    if response := commune_redirect(area):
        return response
    if area.summarises:
        return _summary_heatmap(request, area, query)
    board = data.dashboard_for(area, query, with_since=False, with_pending=False)
    criteria = selectors.criteria_of(board.criteria_set) if board.criteria_set else []
    # Titles built once per criterion and state, not per cell: 3,000 communes × 19 criteria is 57,000 cells.
    state_text = {
        figures.MET: gettext("Đạt"),
        figures.UNMET: gettext("Chưa đạt"),
        figures.NONE: gettext("Chưa đánh giá"),
    }
    titles = {
        (c.number, state): f"{c.number}. {c.name}: {text}" for c in criteria for state, text in state_text.items()
    }
    grid = [
        (
            row,
            [
                (state, c.number, titles[c.number, state])
                for state, c in zip(figures.heatmap_cells(row, criteria), criteria, strict=True)
            ],
        )
        for row in board.rows
    ]
    ctx = _context(request, area, query, board, "heatmap") | {"criteria": criteria, "grid": grid}
    return render(request, "dashboards/heatmap.html", ctx)


@login_required
def holdbacks(request, era, code=None):
    area, query = load(request, era, code)
    if response := commune_redirect(area):
        return response
    board = data.dashboard_for(area, query, with_since=False, with_pending=False)
    by_criterion, by_indicator = [], []
    if board.criteria_set:
        by_criterion, by_indicator = figures.holdbacks(
            board.all_rows, selectors.criteria_of(board.criteria_set), selectors.indicators_of(board.criteria_set)
        )
    base = forms.as_params(
        {"set": query.get("set"), "as_of": query["as_of"], "view": "communes" if area.summarises else None}
    )
    for item in by_criterion:
        item.url = area.url("unit", base | {"fails": item.key})
    for item in by_indicator:
        item.url = area.url("unit", base | {"fails_indicator": item.key})
    ctx = _context(request, area, query, board, "holdbacks") | {
        "by_criterion": by_criterion,
        "by_indicator": by_indicator,
    }
    return render(request, "dashboards/holdbacks.html", ctx)


def _period_label(by: str):
    def label(end):
        if by == "year":
            return str(end.year)
        return gettext("Quý %(quarter)s/%(year)s") % {"quarter": (end.month - 1) // 3 + 1, "year": end.year}

    return label


@login_required
def trend(request, era, code=None):
    area, query = load(request, era, code)
    if response := commune_redirect(area):
        return response
    sets = selectors.set_choices(area)
    board = data.Dashboard(area, query, sets, data.chosen_set(sets, query.get("set")))
    periods, history = [], []
    if board.criteria_set:
        history = selectors.approved_history(area, board.criteria_set, query["as_of"])
        periods = figures.trend(history, until=query["as_of"], by=query["by"], label=_period_label(query["by"]))
    chart = {
        "labels": [p.label for p in periods],
        "average": [None if p.average is None else float(p.average) for p in periods],
        "reaching": [p.reaching for p in periods],
        "averageLabel": gettext("Bình quân tiêu chí/xã"),
        "reachingLabel": gettext("Số xã đạt chuẩn"),
        # The average axis tops at the set's number of criteria, so "13,8" reads against "of 19".
        "criteriaTotal": max((total for *_rest, total in history), default=None),
    }
    by_links = {by: area.url("trend", forms.as_params(query, by=by)) for by in ("quarter", "year")}
    ctx = _context(request, area, query, board, "trend") | {"periods": periods, "chart": chart, "by_links": by_links}
    return render(request, "dashboards/trend.html", ctx)
