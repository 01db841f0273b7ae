"""Writes on criteria sets: clone (a new draft version or a provincial variant), publish, archive.

A published set that was used for an assessment is frozen (see CriteriaSet.is_frozen); changing it
means cloning it, editing the draft and publishing the clone.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from communes.models import AdministrativeUnit, Level
from criteria.models import Criterion, CriteriaSet, Indicator, IndicatorTarget, SetStatus

# Fields a clone does not take from its source: identity, lifecycle and import bookkeeping.
_NOT_COPIED = {
    "id", "code", "name", "province", "derived_from", "version", "status", "in_use", "published_by_demo",
    "source_file", "source_hash", "created_at", "updated_at",
}


def _copy(obj, skip: set[str], **values):
    fields = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.name not in skip and f.attname not in skip
    }
    return type(obj)(**fields | values)


def _version_root(cs: CriteriaSet) -> CriteriaSet:
    """The first set of `cs`'s version line; a provincial variant starts a line of its own."""
    while cs.derived_from_id and cs.derived_from.province_id == cs.province_id:
        cs = cs.derived_from
    return cs


def _highest_version(root: CriteriaSet) -> int:
    highest, frontier = root.version, [root.pk]
    while frontier:
        children = list(
            CriteriaSet.objects.filter(derived_from__in=frontier, province_id=root.province_id).values_list(
                "pk", "version"
            )
        )
        highest = max([highest, *(v for _pk, v in children)])
        frontier = [pk for pk, _v in children]
    return highest


def _identity(source: CriteriaSet, province: AdministrativeUnit | None) -> dict:
    if province is None:
        root = _version_root(source)
        version = _highest_version(root) + 1
        return {
            "code": f"{root.code}-v{version}", "version": version, "province": source.province,
            "name": _("%(name)s (phiên bản %(version)s)") % {"name": root.name, "version": version},
        }
    if province.level != Level.PROVINCE:
        raise ValidationError(_("%(unit)s không phải đơn vị cấp tỉnh.") % {"unit": province})
    return {
        "code": f"{source.code}-{province.code}", "version": 1, "province": province,
        "name": _("%(name)s (áp dụng tại %(province)s)") % {"name": source.name, "province": province.name},
    }


def _check_code_free(code: str) -> None:
    if len(code) > CriteriaSet._meta.get_field("code").max_length:
        raise ValidationError(_("Mã bộ tiêu chí mới “%(code)s” quá dài.") % {"code": code})
    if CriteriaSet.objects.filter(code=code).exists():
        raise ValidationError(_("Đã có bộ tiêu chí mã “%(code)s”.") % {"code": code}, code="code_exists")


@transaction.atomic
def criteria_set_clone(*, source: CriteriaSet, by, province: AdministrativeUnit | None = None) -> CriteriaSet:
    """Copy `source` with its criteria, indicators and target variants into a new draft.

    Without `province`: the next version of the source's line ("<root>-v<N>"). With a province:
    that province's variant ("<source code>-<province code>", version 1). The copy takes a fixed
    number of queries whatever the size of the set.
    """
    identity = _identity(source, province)
    _check_code_free(identity["code"])
    reason = _("Nhân bản từ %(code)s") % {"code": source.code}
    clone = _copy(source, _NOT_COPIED, derived_from=source, status=SetStatus.DRAFT, **identity)
    clone._history_user, clone._change_reason = by, reason
    clone.save()

    criteria = list(Criterion.objects.filter(criteria_set=source).order_by("number"))
    new_criteria = [_copy(c, {"id", "criteria_set"}, criteria_set=clone) for c in criteria]
    bulk_create_with_history(new_criteria, Criterion, default_user=by, default_change_reason=reason)
    criterion_map = {old.pk: new.pk for old, new in zip(criteria, new_criteria)}

    indicators = list(Indicator.objects.filter(criteria_set=source).order_by("pk"))
    new_indicators = [
        _copy(i, {"id", "criteria_set", "criterion"}, criteria_set=clone, criterion_id=criterion_map[i.criterion_id])
        for i in indicators
    ]
    bulk_create_with_history(new_indicators, Indicator, default_user=by, default_change_reason=reason)
    indicator_map = {old.pk: new.pk for old, new in zip(indicators, new_indicators)}

    variants = IndicatorTarget.objects.filter(indicator__criteria_set=source).order_by("pk")
    new_variants = [_copy(v, {"id", "indicator"}, indicator_id=indicator_map[v.indicator_id]) for v in variants]
    bulk_create_with_history(new_variants, IndicatorTarget, default_user=by, default_change_reason=reason)
    return clone


def criteria_set_publish_problems(cs: CriteriaSet) -> list[str]:
    """Why `cs` cannot be published yet (empty when it can): assessments need every criterion filled."""
    criteria = list(Criterion.objects.filter(criteria_set=cs).order_by("number").values_list("number", "indicators"))
    if not criteria:
        return [_("bộ tiêu chí chưa có tiêu chí nào")]
    empty = sorted({number for number, indicator in criteria if indicator is None})
    if empty:
        numbers = ", ".join(str(n) for n in empty)
        return [_("tiêu chí %(numbers)s chưa có chỉ tiêu") % {"numbers": numbers}]
    return []


@transaction.atomic
def criteria_set_publish(*, criteria_set: CriteriaSet, by) -> CriteriaSet:
    problems = criteria_set_publish_problems(criteria_set)
    if problems:
        raise ValidationError(
            _("Chưa công bố được bộ tiêu chí %(code)s: %(problems)s.")
            % {"code": criteria_set.code, "problems": "; ".join(problems)}
        )
    return _set_status(criteria_set, SetStatus.PUBLISHED, by)


@transaction.atomic
def criteria_set_archive(*, criteria_set: CriteriaSet, by) -> CriteriaSet:
    """Archiving hides a set from new assessments; a frozen set may be archived, its content stays."""
    return _set_status(criteria_set, SetStatus.ARCHIVED, by)


def _set_status(cs: CriteriaSet, status: str, by) -> CriteriaSet:
    cs.status = status
    cs._history_user = by
    cs.save(update_fields=["status", "updated_at"])
    return cs
