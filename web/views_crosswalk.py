"""Re-scoring under a newer criteria set (criteria.crosswalks, assessments.rescore): one assessment's page
"Chấm lại theo bộ mới", the start of a new assessment pre-filled from it, and a unit's table of which
communes would meet what. Nothing is written but the new assessment, through the service.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import permissions, selectors, services
from assessments import rescore as rescoring
from criteria.applicability import applicability_error
from criteria.models import Crosswalk
from dashboards.area import area_for, commune_redirect
from ntm.lib.forms import DayField


class StartForm(forms.Form):
    as_of = DayField(label=gettext_lazy("Ngày đánh giá mới"))


def _crosswalk(pk: int, **filters) -> Crosswalk:
    crosswalk = Crosswalk.objects.select_related("from_set", "to_set").filter(pk=pk, **filters).first()
    if crosswalk is None:
        raise Http404(_("Không tìm thấy bảng chuyển đổi chỉ tiêu."))
    return crosswalk


def _page(request, assessment, crosswalk, *, form=None, status=200):
    result = rescoring.rescore(assessment, crosswalk)
    not_applicable = applicability_error(crosswalk.to_set, assessment.commune)
    may_start = permissions.can_create_assessment(request.user, assessment.commune) and not_applicable is None
    if form is None and may_start:
        form = StartForm(initial={"as_of": max(timezone.localdate(), result.on)})
    ctx = {
        "assessment": assessment,
        "crosswalk": crosswalk,
        "result": result,
        "form": form,
        "may_start": may_start,
        "not_applicable": not_applicable.messages[0] if not_applicable else "",
    }
    return render(request, "web/crosswalk/assessment.html", ctx, status=status)


@login_required
def assessment_rescore(request, pk, crosswalk_pk):
    assessment = selectors.assessment_for(request.user, pk)  # a 404 outside the scope
    crosswalk = _crosswalk(crosswalk_pk, from_set=assessment.criteria_set_id)
    return _page(request, assessment, crosswalk)


@login_required
@require_POST
def assessment_rescore_start(request, pk, crosswalk_pk):
    assessment = selectors.assessment_for(request.user, pk)
    crosswalk = _crosswalk(crosswalk_pk, from_set=assessment.criteria_set_id)
    if not permissions.can_create_assessment(request.user, assessment.commune):
        raise PermissionDenied(_("Bạn không có quyền tạo đánh giá cho xã này."))
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            created = services.assessment_create(
                commune=assessment.commune,
                criteria_set=crosswalk.to_set,
                as_of=form.cleaned_data["as_of"],
                by=request.user,
                from_crosswalk=crosswalk,
                source=assessment,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Đã tạo đánh giá nháp theo bộ mới, điền sẵn các giá trị chuyển sang. "
                    "Hãy nhập các chỉ tiêu cần đánh giá lại."
                ),
            )
            return redirect("web:assessment_edit", pk=created.pk)
    return _page(request, assessment, crosswalk, form=form, status=400)


@login_required
def unit_rescore(request, era, code, crosswalk_pk):
    area = area_for(request.user, era=era, code=code)  # a 404 outside the scope
    if response := commune_redirect(area):
        return response
    crosswalk = _crosswalk(crosswalk_pk)
    rows = rescoring.rescore_area(area, crosswalk)
    totals = {
        "communes": len(rows),
        "old_meets": sum(1 for r in rows if r.old_total and r.old_met == r.old_total),
        "new_meets": sum(1 for r in rows if r.summary.meets_held),
        "may_meet": sum(
            1
            for r in rows
            if not r.summary.meets_held and r.summary.criteria_met + r.criteria_to_reassess == r.summary.criteria_total
        ),
    }
    ctx = {
        "area": area,
        "crosswalk": crosswalk,
        "rows": rows,
        "totals": totals,
        "dashboard_url": area.url("unit", {"set": crosswalk.from_set.code}),
    }
    return render(request, "web/crosswalk/unit.html", ctx)
