"""Writes on assessments. Every path that changes results recomputes the stored summary in the
same transaction, through the same roll-up functions."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessments import rollup
from assessments.models import Assessment, IndicatorResult, Status
from communes.models import AdministrativeUnit, Level
from criteria.models import Criterion, CriteriaSet, Indicator, IndicatorTarget, Kind, SetStatus
from criteria.targets import resolve_target


class TargetBook:
    """One set's criteria, indicators and target variants, read once (three queries)."""

    def __init__(self, criteria_set: CriteriaSet):
        self.criteria_set = criteria_set
        criteria = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("number"))
        self.indicators = list(
            Indicator.objects.filter(criteria_set=criteria_set).order_by("criterion__number", "position", "id")
        )
        self.variants = defaultdict(list)
        for variant in IndicatorTarget.objects.filter(indicator__criteria_set=criteria_set):
            self.variants[variant.indicator_id].append(variant)
        codes = defaultdict(list)
        for indicator in self.indicators:
            codes[indicator.criterion_id].append(indicator.code)
        self.shape = [rollup.CriterionShape(c.number, c.name, tuple(codes[c.id])) for c in criteria]
        self.by_code = {i.code: i for i in self.indicators}

    def target_for(self, indicator: Indicator, commune: AdministrativeUnit, as_of: datetime.date):
        return resolve_target(
            indicator, self.variants[indicator.id],
            region=commune.region, group=commune.commune_group, year=as_of.year,
        )

    def evaluate(self, indicator, commune, as_of, *, value, answer) -> tuple[bool | None, str]:
        """(met, target text) for one result: numeric ones are computed, yes/no ones answered."""
        target = self.target_for(indicator, commune, as_of)
        text = target.display() if target else ""
        if indicator.kind == Kind.NUMERIC:
            if value is None or target is None or not target.is_numeric:
                return None, text
            return target.evaluate(Decimal(value)), text
        return answer, text

    def summarize(self, results) -> rollup.Summary:
        by_id = {i.id: i.code for i in self.indicators}
        return rollup.summarize(self.shape, {by_id[r.indicator_id]: r.met for r in results})


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
    if (commune.valid_from and as_of < commune.valid_from) or (commune.valid_to and as_of > commune.valid_to):
        raise ValidationError(
            _("Ngày đánh giá %(date)s nằm ngoài thời gian tồn tại của %(unit)s.")
            % {"date": as_of.strftime("%d/%m/%Y"), "unit": commune.name}
        )


@transaction.atomic
def assessment_create(
    *, commune: AdministrativeUnit, criteria_set: CriteriaSet, as_of: datetime.date, by=None, is_demo: bool = False
) -> Assessment:
    """Create a draft with one empty result per indicator of the set."""
    book = TargetBook(criteria_set)
    _check_can_assess(commune, criteria_set, as_of, book)
    if Assessment.objects.filter(commune=commune, criteria_set=criteria_set, as_of=as_of).exists():
        raise ValidationError(_("Xã đã có đánh giá theo bộ tiêu chí này vào ngày đó."))
    assessment = Assessment(commune=commune, criteria_set=criteria_set, as_of=as_of, created_by=by, is_demo=is_demo)
    results = []
    for indicator in book.indicators:
        _met, text = book.evaluate(indicator, commune, as_of, value=None, answer=None)
        results.append(IndicatorResult(indicator=indicator, target_applied=text, updated_by=by))
    assessment.apply_summary(book.summarize(results))
    assessment.summary_updated_at = timezone.now()
    assessment.save()
    for result in results:
        result.assessment = assessment
    bulk_create_with_history(results, IndicatorResult, default_user=by)
    if not criteria_set.in_use:
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(in_use=True)
        criteria_set.in_use = True
    return assessment


@transaction.atomic
def indicator_results_update(*, assessment: Assessment, entries: dict, by=None, expected_revision: int | None = None):
    """Save values / answers / notes keyed by indicator code, then recompute the summary.

    `entries` maps a code to a dict with any of "value", "met" (yes/no indicators) and "note".
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status == Status.APPROVED:
        raise ValidationError(_("Đánh giá đã được duyệt nên không thể sửa."))
    if expected_revision is not None and locked.revision != expected_revision:
        raise ValidationError(_("Đánh giá vừa được người khác sửa; hãy tải lại trang để xem thay đổi."), code="stale")
    book = TargetBook(locked.criteria_set)
    unknown = sorted(set(entries) - set(book.by_code))
    if unknown:
        raise ValidationError(_("Không có chỉ tiêu %(codes)s trong bộ tiêu chí.") % {"codes": ", ".join(unknown)})
    results = {r.indicator_id: r for r in locked.results.all()}
    changed = []
    for code, entry in entries.items():
        indicator = book.by_code[code]
        result = results[indicator.id]
        value = entry.get("value", result.value)
        answer = entry.get("met", result.met)
        met, text = book.evaluate(indicator, locked.commune, locked.as_of, value=value, answer=answer)
        new = {"value": None if value is None else Decimal(value), "met": met, "target_applied": text,
               "note": entry.get("note", result.note)}
        if any(getattr(result, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(result, k, v)
            result.updated_by = by
            result._change_reason = entry.get("reason", "")
            result.save()
            changed.append(code)
    if changed:
        locked.revision += 1
        locked.apply_summary(book.summarize(results.values()))
        locked.summary_updated_at = timezone.now()
        locked.save(update_fields=["revision", *Assessment.SUMMARY_FIELDS])
    assessment.refresh_from_db()
    return changed


def assessment_recompute_summary(*, assessment: Assessment, book: TargetBook | None = None) -> bool:
    """Re-evaluate every result against the current targets and store the summary; True if it changed."""
    book = book or TargetBook(assessment.criteria_set)
    with transaction.atomic():
        results = list(assessment.results.all())
        for result in results:
            indicator = next(i for i in book.indicators if i.id == result.indicator_id)
            met, text = book.evaluate(indicator, assessment.commune, assessment.as_of, value=result.value, answer=result.met)
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
