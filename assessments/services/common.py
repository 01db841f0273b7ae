"""What every write on an assessment shares: the row lock, the revision check and the saved step.

The revision is the optimistic lock of the entry and review pages: every write that changes what
a user sees bumps it, and a write made from an older revision is refused as "stale", naming the
indicators that changed since (read from the results' history).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from assessments.models import Assessment, IndicatorResult
from ntm.lib import notes


def lock(assessment: Assessment) -> Assessment:
    """The assessment's row, re-read under SELECT … FOR UPDATE with its commune and set."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("commune", "criteria_set")
        .get(pk=assessment.pk)
    )
    return locked


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_status(assessment: Assessment, statuses, message: str) -> None:
    if assessment.status not in statuses:
        raise ValidationError(message, code="invalid_status", params={"status": assessment.status})


def require_reason(reason: str, message: str) -> str:
    """The reason, stripped; refused when empty (`message`) or longer than NTM_NOTE_MAX_CHARS."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message, code="reason_required")
    return notes.clean_note(reason)


def changed_since(assessment: Assessment, revision: int) -> list[str]:
    """Codes of the indicators whose results changed after the assessment reached `revision`.

    Every write bumps the revision when it saves the assessment, last in its transaction, so the
    first history row carrying `revision` marks the moment that revision was complete; any result
    change recorded after it belongs to a later revision. Two queries.
    """
    since = (
        Assessment.history.filter(id=assessment.pk, revision=revision)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    if since is None:
        return []
    rows = (
        IndicatorResult.history.filter(assessment_id=assessment.pk, history_type="~", history_date__gt=since)
        .values_list("indicator__code", "indicator__criterion__number", "indicator__position")
        .distinct()
    )
    return [code for code, *_order in sorted(set(rows), key=lambda row: (row[1], row[2], row[0]))]


def stale_error(assessment: Assessment, codes: list[str]) -> ValidationError:
    params = {"indicators": codes, "codes": ", ".join(codes), "revision": assessment.revision}
    if codes:
        message = _("Đánh giá vừa được người khác sửa ở các chỉ tiêu %(codes)s; hãy tải lại trang để xem thay đổi.")
    else:
        message = _("Đánh giá vừa được người khác sửa; hãy tải lại trang để xem thay đổi.")
    return ValidationError(message, code="stale", params=params)


def check_revision(assessment: Assessment, expected_revision: int | None) -> None:
    """Refuse a write made from another revision than the stored one (None skips the check)."""
    if expected_revision is None or assessment.revision == expected_revision:
        return
    codes = changed_since(assessment, expected_revision) if expected_revision < assessment.revision else []
    raise stale_error(assessment, codes)


def save_step(
    assessment: Assessment, *, by, fields: list[str], stored_status: str, reason: str = "", reopening: bool = False
) -> None:
    """Save a workflow step: bump the revision and record who and why in the history.

    `stored_status`: the status read under the row lock (`lock`), before the step changed it; the
    model's approved lock checks it instead of reading the row again. `reopening`: the step that takes
    an approved assessment out of "approved" (services.assessment_reopen)."""
    assessment.revision += 1
    if by is not None:  # otherwise simple-history falls back to the request's user, if any
        assessment._history_user = by
    assessment._change_reason = reason
    assessment.save(update_fields=["revision", *fields], stored_status=stored_status, reopening=reopening)
