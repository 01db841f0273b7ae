"""The departments' side of the review: their queue and the page where an officer checks the
indicators of the criteria their department is responsible for (rà soát các tiêu chí mình phụ trách).

The queue lists submitted assessments only: the service verifies nothing else, since a draft or a
returned assessment is still being changed by the commune and a check of it would not hold.

A verification posts one row; with htmx the row (and the counters, out of band) is redrawn in place,
without it the page redirects back to itself.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import permissions, selectors, services
from assessments.forms import review as review_forms
from assessments.models import Status
from assessments.selectors import review as review_selectors
from assessments.views.review import with_waiting_days

TEMPLATE = "web/review/verify.html"


@login_required
@require_GET
def verification_queue(request):
    is_officer = review_selectors.is_department_officer(request.user)
    assessments = with_waiting_days(review_selectors.verification_queue_for(request.user)) if is_officer else []
    for assessment in assessments:
        assessment.mine_unchecked = assessment.mine_total - assessment.mine_verified - assessment.mine_flagged
    ctx = {"is_officer": is_officer, "assessments": assessments}
    return render(request, "web/review/verification_queue.html", ctx)


def _department_ids(request, assessment) -> set[int]:
    department_ids = permissions.department_ids_for(request.user, assessment.commune)
    if not department_ids:
        raise PermissionDenied(_("Chỉ cán bộ phòng, ban chuyên môn phụ trách mới rà soát được đánh giá này."))
    return department_ids


@login_required
@require_GET
def assessment_verify(request, pk):
    assessment = review_selectors.assessment_with_place(request.user, pk)
    department_ids = _department_ids(request, assessment)
    results = review_selectors.results_to_verify(assessment, department_ids)
    ctx = {
        "assessment": assessment,
        "rows": review_selectors.criteria_rows(results),
        "counts": review_selectors.verification_counts(results),
        "open": assessment.status == Status.SUBMITTED,
    }
    return render(request, TEMPLATE, ctx)


def _row_response(request, assessment, department_ids, result_pk, error: str = "", comment: str = ""):
    """The row again, and the counters out of band, for htmx to swap in place. A refusal answers 200
    too, its message inside the row: htmx swaps only successful responses."""
    assessment.refresh_from_db(fields=["revision", "status"])
    result = review_selectors.result_to_verify(assessment, department_ids, result_pk)
    result.error, result.draft_comment = error, comment
    ctx = {"assessment": assessment, "result": result, "open": assessment.status == Status.SUBMITTED}
    counts = review_selectors.verification_counts(review_selectors.results_to_verify(assessment, department_ids))
    html = render_to_string(f"{TEMPLATE}#row", ctx, request=request)
    html += render_to_string(f"{TEMPLATE}#counts", {"counts": counts, "oob": True}, request=request)
    return HttpResponse(html)


@login_required
@require_POST
def result_verify(request, pk, result_pk):
    assessment = selectors.assessment_for(request.user, pk)
    department_ids = _department_ids(request, assessment)
    result = assessment.results.select_related("indicator__criterion").filter(pk=result_pk).first()
    if result is None:
        raise Http404(_("Không tìm thấy chỉ tiêu."))
    if result.indicator.criterion.department_id not in department_ids:
        raise PermissionDenied(_("Chỉ tiêu này không thuộc phòng, ban của bạn."))
    form = review_forms.VerifyForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.indicator_verify(
                result=result,
                state=form.cleaned_data["state"],
                comment=form.cleaned_data["comment"],
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    if request.headers.get("HX-Request") == "true":
        # After a refusal the row keeps the comment being written; after a success it shows the saved one.
        draft = request.POST.get("comment", "") if error else ""
        return _row_response(request, assessment, department_ids, result.pk, error, draft)
    if error:
        messages.error(request, _("Chỉ tiêu %(code)s: %(error)s") % {"code": result.indicator.code, "error": error})
    else:
        messages.success(request, _("Đã lưu kết quả rà soát chỉ tiêu %(code)s.") % {"code": result.indicator.code})
    return redirect(reverse("web:assessment_verify", args=[pk]) + f"#chi-tieu-{result.pk}")
