"""The report form and downloads: a commune's report from one assessment, a unit's from its communes.

Load within the user's scope (a 404 outside it), show the form prefilled with what the unit kept,
keep what was sent, then answer with the file, or for a large unit with the job's page.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from assessments.selectors import review as review_selectors
from dashboards import forms as dashboard_forms
from dashboards import selectors as dashboard_selectors
from dashboards.area import area_for
from dashboards.data import chosen_set
from reports import build, content, forms, services
from reports.models import ReportSettings


def _form(request, unit) -> forms.ReportForm:
    kept = ReportSettings.objects.filter(unit=unit).first()
    initial = {} if kept else content.default_frame(unit)
    data = request.POST if request.method == "POST" else None
    return forms.ReportForm(data, instance=kept or ReportSettings(unit=unit), initial=initial)


def _download(document: content.Document, unit, cleaned: dict) -> HttpResponse:
    file_format = cleaned["file_format"]
    response = HttpResponse(build.file_bytes(document, file_format), content_type=build.CONTENT_TYPES[file_format])
    name = build.file_name(unit, cleaned["report_date"], file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def commune_report(request, pk):
    assessment = review_selectors.assessment_for_page(request.user, pk)
    commune = assessment.commune
    form = _form(request, commune)
    if request.method == "POST" and form.is_valid():
        services.report_settings_save(unit=commune, values=form.cleaned_data, by=request.user)
        rows = review_selectors.criteria_rows(assessment.results.all())
        document = content.commune_document(
            assessment, rows, content.frame_from(form.cleaned_data), form.cleaned_data["report_date"]
        )
        return _download(document, commune, form.cleaned_data)
    return render(
        request,
        "reports/form.html",
        {
            "form": form,
            "unit": commune,
            "assessment": assessment,
            "criteria_set": assessment.criteria_set,
            "as_of": assessment.as_of,
            "back_url": reverse("web:assessment", args=[assessment.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def unit_report(request, era, code):
    area = area_for(request.user, era=era, code=code)
    if area.unit.is_commune:
        raise Http404  # a commune's report is made from one of its assessments
    query = dashboard_forms.parse(request.GET)
    criteria_set = chosen_set(dashboard_selectors.set_choices(area), query.get("set"))
    communes = build.communes_count(area)
    background = communes > settings.NTM_REPORT_JOB_MIN_COMMUNES
    form = _form(request, area.unit)
    if request.method == "POST" and criteria_set and form.is_valid():
        cleaned = form.cleaned_data
        services.report_settings_save(unit=area.unit, values=cleaned, by=request.user)
        query["set"] = criteria_set.code
        if background:
            job = build.report_start(
                area=area,
                query=query,
                values=cleaned,
                day=cleaned["report_date"],
                file_format=cleaned["file_format"],
                by=request.user,
            )
            return redirect("jobs:detail", job.pk)
        document = build.unit_document(area, query, content.frame_from(cleaned), cleaned["report_date"])
        return _download(document, area.unit, cleaned)
    return render(
        request,
        "reports/form.html",
        {
            "form": form,
            "unit": area.unit,
            "area": area,
            "criteria_set": criteria_set,
            "as_of": query["as_of"],
            "communes": communes,
            "background": background,
            "back_url": area.url("unit", dashboard_forms.as_params(query, p=None, view=None, kind=None)),
        },
        status=400 if request.method == "POST" else 200,
    )
