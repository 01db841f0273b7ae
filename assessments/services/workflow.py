"""The review workflow: draft → submitted → approved, or returned with a reason; approved → returned
only by a reopen. Each step checks the actor's role on the commune (`by`), the current status and
the revision the actor saw, then bumps the revision and records who and why in the history.

Reopen goes back to "returned", not "draft": the reopen reason reaches the commune as the return
reason, and the assessment must be submitted and approved again like any returned one.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from assessments import permissions
from assessments.models import EDITABLE_STATUSES, Assessment, IndicatorResult, Status, VerificationState
from assessments.services import common
from assessments.services.book import TargetBook
from ntm.lib import notes


def _finish(assessment: Assessment, locked: Assessment) -> Assessment:
    assessment.refresh_from_db()
    return locked


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by, expected_revision: int | None = None) -> Assessment:
    """Send a draft or returned assessment for review; every indicator must be answered (code "incomplete")."""
    locked = common.lock(assessment)
    stored_status = locked.status  # before this step changes it
    common.require(
        permissions.has_role(by, locked.commune, Role.COMMUNE_STAFF),
        _("Chỉ cán bộ xã mới gửi được đánh giá của xã mình."),
    )
    common.require_status(locked, EDITABLE_STATUSES, _("Chỉ gửi được đánh giá đang là nháp hoặc bị trả lại."))
    common.check_revision(locked, expected_revision)
    missing = TargetBook.of(locked.criteria_set).unanswered(locked.results.all())
    if missing:
        raise ValidationError(
            _("Chưa nhập kết quả cho các chỉ tiêu %(codes)s; hãy nhập đủ trước khi gửi."),
            code="incomplete",
            params={"indicators": missing, "codes": ", ".join(missing)},
        )
    locked.status, locked.submitted_by, locked.submitted_at = Status.SUBMITTED, by, timezone.now()
    common.save_step(locked, by=by, stored_status=stored_status, fields=["status", "submitted_by", "submitted_at"])
    return _finish(assessment, locked)


def submit_warnings(assessment: Assessment) -> list[str]:
    """What a submit should warn about without refusing it: indicators whose value was entered but
    that no target applies to (they are neither met nor failed; the reviewer will see them apart)."""
    codes = [code for item in assessment.undetermined for code in item["codes"]]
    if not codes:
        return []
    return [
        ngettext(
            "%(n)s chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): %(codes)s. Đánh giá vẫn được gửi; "
            "người thẩm định sẽ thấy các chỉ tiêu này riêng.",
            "%(n)s chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): %(codes)s. Đánh giá vẫn được gửi; "
            "người thẩm định sẽ thấy các chỉ tiêu này riêng.",
            len(codes),
        )
        % {"n": len(codes), "codes": ", ".join(codes)}
    ]


def _check_reviewer(by, locked: Assessment, status_message: str) -> None:
    common.require(
        permissions.can_review(by, locked),
        _("Chỉ người thẩm định của đơn vị cấp trên mới trả lại hoặc duyệt được đánh giá này."),
    )
    common.require_status(locked, (Status.SUBMITTED,), status_message)


@transaction.atomic
def assessment_return(*, assessment: Assessment, reason: str, by, expected_revision: int | None = None) -> Assessment:
    """Send a submitted assessment back to the commune with a reason (required)."""
    locked = common.lock(assessment)
    stored_status = locked.status  # before this step changes it
    _check_reviewer(by, locked, _("Chỉ trả lại được đánh giá đang chờ thẩm định."))
    reason = common.require_reason(reason, _("Hãy nêu lý do trả lại."))
    common.check_revision(locked, expected_revision)
    locked.status, locked.return_reason = Status.RETURNED, reason
    locked.returned_by, locked.returned_at = by, timezone.now()
    common.save_step(
        locked,
        by=by,
        stored_status=stored_status,
        reason=reason,
        fields=["status", "return_reason", "returned_by", "returned_at"],
    )
    return _finish(assessment, locked)


def _unconfirmed(locked: Assessment) -> tuple[list[str], list[str]]:
    """Codes, in set order, of the results a department has not verified: (unchecked, flagged).
    Indicators of criteria without a department have nobody to check them and are not counted."""
    rows = (
        locked.results.filter(indicator__criterion__department__isnull=False)
        .exclude(verification_state=VerificationState.VERIFIED)
        .order_by("indicator__criterion__number", "indicator__position", "indicator_id")
        .values_list("indicator__code", "verification_state")
    )
    unchecked = [code for code, state in rows if state != VerificationState.FLAGGED]
    flagged = [code for code, state in rows if state == VerificationState.FLAGGED]
    return unchecked, flagged


def _check_confirmed(locked: Assessment, confirm_unverified: bool) -> None:
    unchecked, flagged = _unconfirmed(locked)
    if confirm_unverified or not (unchecked or flagged):
        return
    parts = []
    if unchecked:
        parts.append(_("chưa rà soát: %(codes)s") % {"codes": ", ".join(unchecked)})
    if flagged:
        parts.append(_("cần xem lại: %(codes)s") % {"codes": ", ".join(flagged)})
    raise ValidationError(
        _("Còn chỉ tiêu %(list)s. Hãy xác nhận đã xem các chỉ tiêu này để vẫn duyệt.") % {"list": "; ".join(parts)},
        code="needs_confirmation",
        params={"unchecked": unchecked, "flagged": flagged},
    )


@transaction.atomic
def assessment_approve(
    *, assessment: Assessment, by, expected_revision: int | None = None, confirm_unverified: bool = False
) -> Assessment:
    """Approve a submitted assessment. From then on it, its results and its evidence are locked.

    While a department has not verified some of its indicators (unchecked or flagged), the reviewer
    must say they approve anyway (`confirm_unverified`): otherwise code "needs_confirmation", with the
    codes in params "unchecked" and "flagged". The pages, the API and any other caller share this rule.
    """
    locked = common.lock(assessment)
    stored_status = locked.status  # before this step changes it
    _check_reviewer(by, locked, _("Chỉ duyệt được đánh giá đang chờ thẩm định."))
    common.check_revision(locked, expected_revision)
    _check_confirmed(locked, confirm_unverified)
    locked.status, locked.approved_by, locked.approved_at = Status.APPROVED, by, timezone.now()
    common.save_step(  # the save flags it as the latest approved (models)
        locked, by=by, stored_status=stored_status, fields=["status", "approved_by", "approved_at"]
    )
    return _finish(assessment, locked)


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, reason: str, by, expected_revision: int | None = None) -> Assessment:
    """Unlock an approved assessment (criteria admin of the area, or superuser): it goes back to
    "returned" with the reason as its return reason; the approval stays in the history."""
    locked = common.lock(assessment)
    stored_status = locked.status  # before this step changes it
    common.require(permissions.can_reopen(by, locked), _("Chỉ quản trị bộ tiêu chí mới mở lại được đánh giá đã duyệt."))
    common.require_status(locked, (Status.APPROVED,), _("Chỉ mở lại được đánh giá đã duyệt."))
    reason = common.require_reason(reason, _("Hãy nêu lý do mở lại đánh giá."))
    common.check_revision(locked, expected_revision)
    locked.status, locked.return_reason = Status.RETURNED, reason
    locked.returned_by, locked.returned_at = by, timezone.now()
    locked.approved_by, locked.approved_at = None, None
    locked.is_latest_approved = False  # no longer approved; the save flags the approval before it (models)
    common.save_step(
        locked,
        by=by,
        reason=reason,
        stored_status=stored_status,
        reopening=True,
        fields=[
            "status",
            "return_reason",
            "returned_by",
            "returned_at",
            "approved_by",
            "approved_at",
            "is_latest_approved",
        ],
    )
    return _finish(assessment, locked)


@transaction.atomic
def indicator_verify(
    *, result: IndicatorResult, state: str, comment: str = "", by, expected_revision: int | None = None
) -> IndicatorResult:
    """A department officer's check of one result of a submitted assessment: verified, or flagged
    with a comment (required). Only indicators of criteria whose department is the officer's.

    Officers check different criteria side by side, so a stale revision is refused only when this
    very result changed since the officer's revision.
    """
    locked = common.lock(result.assessment)
    stored_status = locked.status  # before this step changes it
    result = IndicatorResult.objects.select_related("indicator__criterion").get(pk=result.pk)
    common.require(
        permissions.can_verify(by, locked, result.indicator.criterion),
        _("Chỉ tiêu này không thuộc phòng, ban của bạn."),
    )
    common.require_status(locked, (Status.SUBMITTED,), _("Chỉ rà soát được đánh giá đang chờ thẩm định."))
    if state not in (VerificationState.VERIFIED, VerificationState.FLAGGED):
        raise ValidationError(_("Kết quả rà soát chỉ là “đã xác nhận” hoặc “cần xem lại”."), code="invalid")
    comment = notes.clean_note((comment or "").strip())
    if state == VerificationState.FLAGGED:
        comment = common.require_reason(comment, _("Hãy ghi ý kiến khi đánh dấu chỉ tiêu cần xem lại."))
    if expected_revision is not None and expected_revision != locked.revision:
        changed = common.changed_since(locked, expected_revision) if expected_revision < locked.revision else None
        if changed is None or result.indicator.code in changed:
            raise common.stale_error(locked, changed or [])
    result.verification_state, result.verification_comment = state, comment
    result.verified_by, result.verified_at = by, timezone.now()
    result._history_user, result._change_reason = by, comment
    result.save(update_fields=["verification_state", "verification_comment", "verified_by", "verified_at"])
    common.save_step(locked, by=by, stored_status=stored_status, fields=[])
    return result


@transaction.atomic
def assessment_withdraw(*, assessment: Assessment, by, expected_revision: int | None = None) -> Assessment:
    """Take a submitted assessment back to draft (its commune staff), until review starts: a reviewer's
    decision moves it out of "submitted", and a department's check of any of its results since the
    submission counts as review started (code "review_started"). Recorded in the history."""
    locked = common.lock(assessment)
    stored_status = locked.status  # before this step changes it
    common.require(
        permissions.has_role(by, locked.commune, Role.COMMUNE_STAFF),
        _("Chỉ cán bộ xã mới rút lại được đánh giá của xã mình."),
    )
    common.require_status(locked, (Status.SUBMITTED,), _("Chỉ rút lại được đánh giá đang chờ thẩm định."))
    common.check_revision(locked, expected_revision)
    if locked.results.filter(verified_at__gte=locked.submitted_at).exists():
        raise ValidationError(
            _(
                "Phòng, ban chuyên môn đã bắt đầu rà soát đánh giá này nên không rút lại được; "
                "hãy liên hệ người thẩm định."
            ),
            code="review_started",
        )
    locked.status = Status.DRAFT
    common.save_step(locked, by=by, stored_status=stored_status, fields=["status"], reason=_("Xã rút lại để sửa."))
    return _finish(assessment, locked)
