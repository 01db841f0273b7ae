"""The review side: one assessment's page, the steps taken from it (return, approve, reopen), and the
reviewers' queue. The departments' verification pages are in assessments.views.verify.

Every view loads the assessment within the user's scope first (a 404 outside it, exactly as for a
missing one), then checks the role (a 403), then lets the service decide. A refusal renders the page
again, the reason above it and the sent form keeping what the user typed (409 when the page was
stale, 400 otherwise); a success redirects back to the page with a message.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from assessments import permissions, selectors, services
from assessments.forms import review as review_forms
from assessments.models import IndicatorResult, Status
from assessments.selectors import review as review_selectors
from assessments.selectors import timeline as review_timeline


@dataclass
class Actions:
    """What the user may do from the page, each shown only to who may do it."""

    edit: bool = False
    review: bool = False
    reopen: bool = False
    verify: bool = False
    withdraw: bool = False


def _actions(user, assessment) -> Actions:
    return Actions(
        edit=permissions.can_edit_assessment(user, assessment),
        review=assessment.status == Status.SUBMITTED and permissions.can_review(user, assessment),
        reopen=assessment.status == Status.APPROVED and permissions.can_reopen(user, assessment),
        verify=assessment.status == Status.SUBMITTED and bool(permissions.department_ids_for(user, assessment.commune)),
        withdraw=assessment.status == Status.SUBMITTED
        and permissions.has_role(user, assessment.commune, Role.COMMUNE_STAFF),
    )


def _step_forms(assessment, counts, sent: dict) -> dict:
    initial = {"revision": assessment.revision}
    forms = {
        "return": review_forms.ReturnForm(initial=initial, auto_id="return_%s"),
        "approve": review_forms.ApproveForm(
            initial=initial, auto_id="approve_%s", needs_confirmation=counts.needs_confirmation
        ),
        "reopen": review_forms.ReopenForm(initial=initial, auto_id="reopen_%s"),
        "withdraw": review_forms.StepForm(initial=initial, auto_id="withdraw_%s"),
    }
    # The form that was refused keeps what the user typed, with the current revision.
    for name, form in sent.items():
        form.data = form.data.copy()
        form.data["revision"] = assessment.revision
        forms[name] = form
    return forms


def _unseen_errors(sent: dict, actions: Actions) -> list[str]:
    """The refused form's errors that no visible field shows: the hidden revision's, and all of them
    when the form is no longer offered (the assessment moved on since the page was drawn)."""
    offered = {
        "return": actions.review,
        "approve": actions.review,
        "reopen": actions.reopen,
        "withdraw": actions.withdraw,
    }
    errors = []
    for name, form in sent.items():
        if offered[name]:
            errors += form.errors.get("revision", [])
        else:
            errors += [message for field_errors in form.errors.values() for message in field_errors]
    return errors


def _render_page(request, pk: int, *, sent: dict | None = None, refusal: list | None = None, status: int = 200):
    assessment = review_selectors.assessment_for_page(request.user, pk)
    results = list(assessment.results.all())
    rows = review_selectors.criteria_rows(results)
    counts = review_selectors.verification_counts(results)
    comparison = selectors.changes_since_previous_approved(assessment)
    actions = _actions(request.user, assessment)
    sent = sent or {}
    ctx = {
        "assessment": assessment,
        "rows": rows,
        "counts": counts,
        "comparison": comparison,
        "criteria_changes": review_selectors.criteria_changes(assessment, comparison, rows),
        "timeline": review_timeline.readable(selectors.assessment_timeline(assessment)),
        "actions": actions,
        "forms": _step_forms(assessment, counts, sent),
        "refusal": (refusal or []) + _unseen_errors(sent, actions),
    }
    return render(request, "web/review/assessment.html", ctx, status=status)


@login_required
@require_GET
def assessment_detail(request, pk):
    return _render_page(request, pk)


def _refused(request, pk: int, name: str, form, exc: ValidationError | None = None):
    refusal, status = [], 400
    if exc is not None:
        refusal = exc.messages
        status = 409 if any(e.code == "stale" for e in exc.error_list) else 400
    return _render_page(request, pk, sent={name: form}, refusal=refusal, status=status)


def _take_step(request, pk, *, name, form, perform, done: str):
    """Validate the form, call the service, and answer: redirect on success, the page again if refused."""
    if not form.is_valid():
        return _refused(request, pk, name, form)
    try:
        perform(form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, pk, name, form, exc)
    messages.success(request, done)
    return redirect("web:assessment", pk=pk)


def _reviewable(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    if not permissions.can_review(request.user, assessment):
        raise PermissionDenied(_("Chỉ người thẩm định của đơn vị cấp trên mới trả lại hoặc duyệt được đánh giá này."))
    return assessment


@login_required
@require_POST
def assessment_return(request, pk):
    assessment = _reviewable(request, pk)
    return _take_step(
        request,
        pk,
        name="return",
        form=review_forms.ReturnForm(request.POST, auto_id="return_%s"),
        perform=lambda data: services.assessment_return(
            assessment=assessment, reason=data["reason"], by=request.user, expected_revision=data["revision"]
        ),
        done=_("Đã trả lại đánh giá cho xã kèm lý do."),
    )


@login_required
@require_POST
def assessment_approve(request, pk):
    assessment = _reviewable(request, pk)
    # Counted now, not when the page was drawn: a department may have flagged an indicator since.
    results = IndicatorResult.objects.filter(assessment=assessment).select_related("indicator__criterion")
    counts = review_selectors.verification_counts(results)
    form = review_forms.ApproveForm(request.POST, auto_id="approve_%s", needs_confirmation=counts.needs_confirmation)
    return _take_step(
        request,
        pk,
        name="approve",
        form=form,
        perform=lambda data: services.assessment_approve(
            assessment=assessment,
            by=request.user,
            expected_revision=data["revision"],
            confirm_unverified=data.get("confirm", False),
        ),
        done=_("Đã duyệt đánh giá."),
    )


@login_required
@require_POST
def assessment_reopen(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    if not permissions.can_reopen(request.user, assessment):
        raise PermissionDenied(_("Chỉ quản trị bộ tiêu chí mới mở lại được đánh giá đã duyệt."))
    return _take_step(
        request,
        pk,
        name="reopen",
        form=review_forms.ReopenForm(request.POST, auto_id="reopen_%s"),
        perform=lambda data: services.assessment_reopen(
            assessment=assessment, reason=data["reason"], by=request.user, expected_revision=data["revision"]
        ),
        done=_("Đã mở lại đánh giá; xã cần sửa và gửi lại để thẩm định."),
    )


@login_required
@require_POST
def assessment_withdraw(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    if not permissions.has_role(request.user, assessment.commune, Role.COMMUNE_STAFF):
        raise PermissionDenied(_("Chỉ cán bộ xã mới rút lại được đánh giá của xã mình."))
    return _take_step(
        request,
        pk,
        name="withdraw",
        form=review_forms.StepForm(request.POST, auto_id="withdraw_%s"),
        perform=lambda data: services.assessment_withdraw(
            assessment=assessment, by=request.user, expected_revision=data["revision"]
        ),
        done=_("Đã rút lại đánh giá về nháp; sửa xong hãy gửi lại."),
    )


# The reviewers' queue


def with_waiting_days(assessments) -> list:
    """The queue's submitted assessments, each with the days since it was sent (web/review/_queue_cells.html)."""
    today = timezone.localdate()
    assessments = list(assessments)
    for assessment in assessments:
        assessment.waiting_days = (today - timezone.localdate(assessment.submitted_at)).days
    return assessments


@login_required
@require_GET
def review_queue(request):
    is_reviewer = any(m.role == Role.REVIEWER for m in permissions.memberships_of(request.user))
    assessments = with_waiting_days(review_selectors.review_queue_for(request.user)) if is_reviewer else []
    ctx = {"is_reviewer": is_reviewer, "assessments": assessments}
    return render(request, "web/review/queue.html", ctx)
