"""What a dashboard page offers to take away: the Excel workbook, the printable report and the map's data.

The same query string as the pages (dashboards.forms) and the same scope (dashboards.views.load)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.gzip import gzip_page

from dashboards import data, export, figures, forms, selectors, xlsx
from dashboards import map as commune_map
from dashboards.area import commune_redirect
from dashboards.views import load
from ntm.lib import data_version


@login_required
def export_xlsx(request, era, code=None):
    area, query = load(request, era, code)
    if response := commune_redirect(area):
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
    area, query = load(request, era, code)
    if response := commune_redirect(area):
        return response
    # Above a district the report is the summary (one row per child unit), not thousands of sentences.
    board = data.summary_for(area, query) if area.summarises else data.dashboard_for(area, query)
    if board.criteria_set and not area.summarises:
        # Each commune's sentence in the shorter of its two forms (what is not met, or what is met).
        names = {c.number: c.name for c in selectors.criteria_of(board.criteria_set)}
        for row in board.rows:
            if row.summary:
                row.report_sentence = figures.report_sentence(row, board.criteria_set.level, names)
    ctx = {
        "area": area,
        "board": board,
        "query": query,
        "others_count": data.others_count(board),
        "back_url": area.url("unit", forms.as_params(query, p=None, view=None, kind=None)),
    }
    return render(request, "dashboards/print.html", ctx)


@login_required
@gzip_page  # a national map is megabytes of coordinates, a fifth of that compressed; no secret in it
def map_data(request, era, code=None):
    """The map of the dashboard: every commune of the area with a shape, coloured by static/web/map.js.

    One response (shapes and values); revalidated with its ETag, so an unchanged map costs the
    browser nothing to download again. Scope: area_for, as every dashboard page.
    """
    area, query = load(request, era, code)
    # Built once per data version and language (ntm.lib.data_version): the country's shapes take seconds.
    body = data_version.cached(
        "map",
        (data.area_key(area), data.query_key(query), translation.get_language()),
        lambda: commune_map.payload(area, query),
    )
    tag = commune_map.etag(body)
    # gzip_page weakens the tag it sends (W/"…"): the browser sends that one back.
    if tag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["ETag"] = tag
    # Per user (scope) and always revalidated: the values change with every approval.
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Language"
    return response
