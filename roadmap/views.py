"""Roadmap pages: load (404 outside the user's scope), check the role (403), validate, call a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.selectors import unit_scope_q
from communes.models import Era, Level
from communes.selectors import unit_for
from roadmap import completion, forms, pages, selectors, services
from roadmap.models import LEVEL_CHOICES, Plan

STATUS_FILTERS = ("behind", "at_risk")


@login_required
def unit_roadmap(request, era, code):
    unit = unit_for(era=era, code=code, scope=unit_scope_q(request.user))
    rows = pages.commune_rows(pages.unit_communes(unit), request.user, timezone.localdate())
    shown = request.GET.get("status")
    ctx = {
        "unit": unit,
        "levels": LEVEL_CHOICES,
        "by_year": request.GET.get("by") == "year",
        "status_filter": shown if shown in STATUS_FILTERS else "",
        "total": len(rows),
        "behind_count": sum(r.behind for r in rows),
        "at_risk_count": sum(bool(r.at_risk) for r in rows),
    }
    if ctx["by_year"]:
        ctx["years"] = pages.by_year(rows)
    else:
        if shown == "behind":
            rows = [r for r in rows if r.behind]
        elif shown == "at_risk":
            rows = [r for r in rows if r.at_risk]
        ctx["rows"] = rows
    return render(request, "roadmap/unit.html", ctx)


def _commune_for_edit(request, era, code):
    commune = unit_for(era=era, code=code, scope=unit_scope_q(request.user))
    if not commune.is_commune:
        raise Http404
    if not pages.can_edit(request.user, commune):
        raise PermissionDenied(
            _("Chỉ người thẩm định của đơn vị cấp trên mới sửa được lộ trình và ghi nhận công nhận.")
        )
    return commune


def _back(request, commune) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("roadmap:unit", kwargs={"era": commune.era, "code": commune.code})


@login_required
def plan_edit(request, era, code, level):
    commune = _commune_for_edit(request, era, code)
    labels = dict(LEVEL_CHOICES)
    if level not in labels:
        raise Http404
    plan = Plan.objects.filter(commune=commune, level=level).first()
    initial = {"target_year": plan.target_year, "note": plan.note} if plan else {}
    form = forms.PlanForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.plan_set(commune=commune, level=level, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã lưu lộ trình %(level)s của %(commune)s.") % {"level": labels[level], "commune": commune.name},
            )
            return redirect(_back(request, commune))
    return render(
        request,
        "roadmap/plan_edit.html",
        {
            "commune": commune,
            "level_label": labels[level],
            "form": form,
            "plan": plan,
            "next": _back(request, commune),
        },
    )


@login_required
def recognition_add(request, era, code):
    commune = _commune_for_edit(request, era, code)
    form = forms.RecognitionForm(request.POST or None)
    if form.is_valid():
        try:
            services.recognition_record(commune=commune, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Đã ghi nhận quyết định công nhận của %(commune)s.") % {"commune": commune.name}
            )
            return redirect(_back(request, commune))
    return render(
        request,
        "roadmap/recognition_add.html",
        {
            "commune": commune,
            "form": form,
            "next": _back(request, commune),
            "recognitions": list(selectors.recognitions_for_commune(commune.pk)),
        },
    )


@login_required
def province_completion(request, era, code):
    """QĐ 51/2025 Phụ lục III: what is known of a current-era province's completion, by commune group."""
    province = unit_for(era=era, code=code, scope=unit_scope_q(request.user))
    if province.level != Level.PROVINCE or province.era != Era.CURRENT:
        raise Http404
    ctx = {"unit": province, "c": completion.province_completion(province)}
    return render(request, "roadmap/completion.html", ctx)
