"""Creating an assessment and entering its results. Every path that changes results recomputes
the stored summary in the same transaction, through the same roll-up functions.

These two services record who acted (`by`) but leave the role check to their callers: the API
and the pages check assessments.permissions first; the admin and the loaders are trusted.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessments.models import Assessment, IndicatorResult, Status, VerificationState
from assessments.services import common, values
from assessments.services.book import TargetBook
from assessments.services.rows import rows_update
from communes.models import AdministrativeUnit, Level
from criteria import applicability
from criteria.crosswalks import crosswalk_links
from criteria.models import CriteriaSet, IndicatorKind, SetStatus

# A change to one of these makes a department's earlier check of the result void.
ENTERED_FIELDS = ("value", "met", "note")
VERIFICATION_FIELDS = ["verification_state", "verification_comment", "verified_by", "verified_at"]


def _check_can_assess(commune: AdministrativeUnit, criteria_set: CriteriaSet, as_of: datetime.date, book: TargetBook):
    if commune.level != Level.COMMUNE:
        raise ValidationError(_("Chỉ đánh giá được đơn vị cấp xã."))
    if criteria_set.status != SetStatus.PUBLISHED:
        raise ValidationError(_("Bộ tiêu chí chưa được công bố nên chưa dùng để đánh giá được."))
    empty = [str(c.number) for c in book.shape if not c.codes]
    if empty:
        raise ValidationError(
            _("Bộ tiêu chí chưa có chỉ tiêu cho tiêu chí %(list)s; hãy bổ sung trước khi đánh giá.")
            % {"list": ", ".join(empty)}
        )
    # Which set applies to which commune and date (criteria.applicability): the same rule for the
    # pages, the API, the workbook import and the admin.
    applicability.check_applies(criteria_set=criteria_set, commune=commune, as_of=as_of)
    if (commune.valid_from and as_of < commune.valid_from) or (commune.valid_to and as_of > commune.valid_to):
        raise ValidationError(
            _("Ngày đánh giá %(date)s nằm ngoài thời gian tồn tại của %(unit)s.")
            % {"date": formats.date_format(as_of, "SHORT_DATE_FORMAT"), "unit": commune.name},
            code="unit_not_valid",
        )


def _answers_of(source: Assessment | None) -> dict[int, IndicatorResult]:
    return {r.indicator_id: r for r in source.results.all()} if source else {}


def _carried(book: TargetBook, crosswalk, source, *, commune, criteria_set, as_of) -> dict[int, IndicatorResult]:
    """Per new indicator id, the old result whose value or answer carries through the crosswalk.

    A value the new indicator would refuse (a percentage above 100 where the old one was a count, say)
    does not carry: it is left to be entered."""
    if crosswalk.to_set_id != criteria_set.pk:
        raise ValidationError(_("Bảng chuyển đổi không dẫn tới bộ tiêu chí này."), code="crosswalk_other_set")
    if source is None or source.criteria_set_id != crosswalk.from_set_id:
        raise ValidationError(
            _("Cần một đánh giá theo bộ tiêu chí cũ của bảng chuyển đổi."), code="crosswalk_no_source"
        )
    if source.commune_id != commune.pk:
        raise ValidationError(
            _("Chỉ chuyển được kết quả của chính xã này, không phải của xã khác."), code="crosswalk_other_commune"
        )
    old = _answers_of(source)
    carried = {}
    for new_id, link in crosswalk_links(crosswalk).items():
        result = old.get(link.from_indicator_id)
        indicator = book.by_id.get(new_id)
        if result is None or indicator is None:
            continue
        if indicator.kind == IndicatorKind.NUMERIC and result.value is not None:
            try:
                values.clean_value(result.value, indicator=indicator, target=book.target_for(indicator, commune, as_of))
            except ValidationError:
                continue
        carried[new_id] = IndicatorResult(
            indicator_id=new_id,
            value=result.value if indicator.kind == IndicatorKind.NUMERIC else None,
            met=result.met,
            note=result.note,
        )
    return carried


@transaction.atomic
def assessment_create(
    *,
    commune: AdministrativeUnit,
    criteria_set: CriteriaSet,
    as_of: datetime.date,
    by=None,
    is_demo: bool = False,
    copy_from_latest: bool = False,
    from_crosswalk=None,
    source: Assessment | None = None,
) -> Assessment:
    """Create a draft with one result per indicator of the set.

    With `copy_from_latest`, values, yes/no answers and notes are copied from the commune's latest
    assessment for the set (whatever its status); numeric results are judged again against the
    targets of the new date. Evidence files and department checks are not copied.

    With `from_crosswalk` (a criteria.models.Crosswalk to this set) and `source` (an assessment of the
    same commune under the crosswalk's old set), what carries is pre-filled (assessments.rescore's rule):
    the old value or answer and note of each linked indicator, judged against the new targets; the
    rest is left to be entered ("cần đánh giá lại").
    """
    book = TargetBook.of(criteria_set)
    _check_can_assess(commune, criteria_set, as_of, book)
    if Assessment.objects.filter(commune=commune, criteria_set=criteria_set, as_of=as_of).exists():
        raise ValidationError(_("Xã đã có đánh giá theo bộ tiêu chí này vào ngày đó."), code="duplicate")
    if from_crosswalk is not None:
        previous = _carried(book, from_crosswalk, source, commune=commune, criteria_set=criteria_set, as_of=as_of)
    else:
        source = (
            Assessment.objects.latest_for(commune=commune, criteria_set=criteria_set, statuses=None)
            if copy_from_latest
            else None
        )
        previous = _answers_of(source)
    assessment = Assessment(commune=commune, criteria_set=criteria_set, as_of=as_of, created_by=by, is_demo=is_demo)
    results = []
    for indicator in book.indicators:
        old = previous.get(indicator.id)
        value, answer, note = (old.value, old.met, old.note) if old else (None, None, "")
        if indicator.kind == IndicatorKind.NUMERIC:
            answer = None
        met, text = book.evaluate(indicator, commune, as_of, value=value, answer=answer)
        results.append(
            IndicatorResult(
                indicator=indicator,
                value=value,
                met=met,
                note=note,
                target_applied=text,
                updated_by=by,
            )
        )
    assessment.apply_summary(book.summarize(results))
    assessment.summary_updated_at = timezone.now()
    reason = (
        _("Sao chép kết quả từ đánh giá ngày %(date)s.")
        % {"date": formats.date_format(source.as_of, "SHORT_DATE_FORMAT")}
        if source
        else ""
    )
    if from_crosswalk is not None:
        reason = _("Chuyển kết quả từ đánh giá ngày %(date)s theo bộ “%(set)s” (bảng chuyển đổi chỉ tiêu).") % {
            "date": formats.date_format(source.as_of, "SHORT_DATE_FORMAT"),
            "set": source.criteria_set.code,
        }
    if by is not None:
        assessment._history_user = by
    assessment._change_reason = reason
    assessment.save()
    for result in results:
        result.assessment = assessment
    bulk_create_with_history(results, IndicatorResult, default_user=by, default_change_reason=reason or None)
    if not criteria_set.in_use:
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(in_use=True)
        criteria_set.in_use = True
    return assessment


def _not_editable_message(assessment: Assessment) -> str:
    if assessment.status == Status.APPROVED:
        return _("Đánh giá đã được duyệt nên không thể sửa.")
    return _("Đánh giá đã gửi đi thẩm định nên không sửa được; chỉ sửa được khi còn là nháp hoặc bị trả lại.")


def check_editable(assessment: Assessment) -> None:
    if not assessment.is_editable:
        raise ValidationError(
            _not_editable_message(assessment), code="not_editable", params={"status": assessment.status}
        )


@transaction.atomic
def indicator_results_update(*, assessment: Assessment, entries: dict, by=None, expected_revision: int | None = None):
    """Save values / answers / notes keyed by indicator code, then recompute the summary.

    `entries` maps a code to a dict with any of "value", "met" (yes/no indicators), "note" and
    "reason" (kept as the history's change reason). Only draft and returned assessments change;
    a write from an older revision is refused with code "stale", naming what changed since.
    Every entry is checked by assessments.services.values first (numbers, answers, note length):
    any problem and nothing is saved; the ValidationError is keyed by code.
    A changed result loses its department check, which then has to be made again.
    Returns the codes that changed.
    """
    locked = common.lock(assessment)
    stored_status = locked.status  # before this step changes it
    check_editable(locked)
    common.check_revision(locked, expected_revision)
    book = TargetBook.of(locked.criteria_set)
    unknown = sorted(set(entries) - set(book.by_code))
    if unknown:
        raise ValidationError(
            _("Không có chỉ tiêu %(codes)s trong bộ tiêu chí.") % {"codes": ", ".join(unknown)}, code="unknown"
        )
    entries = values.clean_entries(entries, book=book, commune=locked.commune, as_of=locked.as_of)
    results = {r.indicator_id: r for r in locked.results.all()}
    changed, rows = [], []
    for code, entry in entries.items():
        result = results[book.by_code[code].id]
        if _apply_entry(book, locked, result, entry, by):
            changed.append(code)
            rows.append(result)
    if rows:
        _write_results(rows, by)
    if changed:
        locked.apply_summary(book.summarize(results.values()))
        locked.summary_updated_at = timezone.now()
        common.save_step(locked, by=by, stored_status=stored_status, fields=Assessment.SUMMARY_FIELDS)
    # The caller's instance as saved, without reading it again (what refresh_from_db would give).
    for field in Assessment._meta.concrete_fields:
        setattr(assessment, field.attname, getattr(locked, field.attname))
    assessment._prefetched_objects_cache = {}
    return changed


def _write_results(rows: list[IndicatorResult], by) -> None:
    """Write the changed results in two queries whatever their number, with their history rows.

    A full form is ~75 results; saved one by one that was 3 queries each (guard, UPDATE, history).
    The per-row approved guard (pre_save) is not needed: the caller locked the assessment and
    checked that it is editable. The verification fields go along only when a check was voided.
    """
    now = timezone.now()
    for result in rows:
        result.updated_at, result.updated_by = now, by
    fields = [*ENTERED_FIELDS, "target_applied", "updated_at", "updated_by"]
    if any(getattr(r, "_check_voided", False) for r in rows):
        fields += VERIFICATION_FIELDS
    rows_update(IndicatorResult, rows, fields)
    IndicatorResult.history.bulk_history_create(rows, update=True, default_user=by)


def _apply_entry(book: TargetBook, assessment: Assessment, result: IndicatorResult, entry: dict, by) -> bool:
    indicator = book.by_id[result.indicator_id]
    value = entry.get("value", result.value)
    answer = entry.get("met", result.met)
    met, text = book.evaluate(indicator, assessment.commune, assessment.as_of, value=value, answer=answer)
    new = {
        "value": None if value is None else Decimal(value),
        "met": met,
        "target_applied": text,
        "note": entry.get("note", result.note),
    }
    if all(getattr(result, k) == v for k, v in new.items()):
        return False
    entered_changed = any(getattr(result, k) != new[k] for k in ENTERED_FIELDS)
    for k, v in new.items():
        setattr(result, k, v)
    if entered_changed and result.verification_state != VerificationState.UNCHECKED:
        result.verification_state, result.verification_comment = VerificationState.UNCHECKED, ""
        result.verified_by = result.verified_at = None
        result._check_voided = True
    result.updated_by = by
    if by is not None:
        result._history_user = by
    result._change_reason = entry.get("reason", "")
    return True


def assessment_recompute_summary(*, assessment: Assessment, book: TargetBook | None = None) -> bool:
    """Re-evaluate every result against the current targets and store the summary; True if it changed.

    An approved assessment keeps the targets it was approved under: it is left alone.
    """
    if assessment.status == Status.APPROVED:
        return False
    book = book or TargetBook(assessment.criteria_set)
    with transaction.atomic():
        results = list(assessment.results.all())
        for result in results:
            indicator = book.by_id[result.indicator_id]
            met, text = book.evaluate(
                indicator, assessment.commune, assessment.as_of, value=result.value, answer=result.met
            )
            if (met, text) != (result.met, result.target_applied):
                result.met, result.target_applied = met, text
                result.save(update_fields=["met", "target_applied"])
        before = assessment.summary
        assessment.apply_summary(book.summarize(results))
        if assessment.summary == before:
            return False
        assessment.summary_updated_at = timezone.now()
        assessment.save(update_fields=Assessment.SUMMARY_FIELDS)
        return True
