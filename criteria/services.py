"""Writes on criteria sets: clone (a new draft version or a provincial variant), publish, archive.

A published set that was used for an assessment is frozen (see CriteriaSet.is_frozen); changing it
means cloning it, editing the draft and publishing the clone.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from communes.models import AdministrativeUnit, CommuneGroup, Level
from criteria.completeness import SetGaps, set_gaps
from criteria.models import CriteriaSet, Criterion, Indicator, IndicatorKind, IndicatorTarget, SetStatus

# Fields a clone does not take from its source: identity, lifecycle and import bookkeeping.
_NOT_COPIED = {
    "id",
    "code",
    "name",
    "province",
    "derived_from",
    "version",
    "status",
    "in_use",
    "published_by_demo",
    "source_file",
    "source_hash",
    "created_at",
    "updated_at",
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
            "code": f"{root.code}-v{version}",
            "version": version,
            "province": source.province,
            "name": _("%(name)s (phiên bản %(version)s)") % {"name": root.name, "version": version},
        }
    if province.level != Level.PROVINCE:
        raise ValidationError(_("%(unit)s không phải đơn vị cấp tỉnh.") % {"unit": province})
    return {
        "code": f"{source.code}-{province.code}",
        "version": 1,
        "province": province,
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
    criterion_map = {old.pk: new.pk for old, new in zip(criteria, new_criteria, strict=True)}

    indicators = list(Indicator.objects.filter(criteria_set=source).order_by("pk"))
    new_indicators = [
        _copy(i, {"id", "criteria_set", "criterion"}, criteria_set=clone, criterion_id=criterion_map[i.criterion_id])
        for i in indicators
    ]
    bulk_create_with_history(new_indicators, Indicator, default_user=by, default_change_reason=reason)
    indicator_map = {old.pk: new.pk for old, new in zip(indicators, new_indicators, strict=True)}

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
    # A count that differs from the decision's is not a refusal but a gap the publisher must confirm
    # (criteria.completeness, issue 12): the admin's panel lists it (criteria_set_count_problems).
    return []


def incomplete_message(criteria_set: CriteriaSet, gaps: SetGaps) -> str:
    return _(
        "Bộ tiêu chí %(code)s chưa đầy đủ so với quyết định: %(gaps)s. Đánh giá theo bộ này sẽ không ghi "
        "“Đạt chuẩn” mà ghi “Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)”. Hãy xác nhận nếu vẫn muốn công bố."
    ) % {"code": criteria_set.code, "gaps": "; ".join(gaps.describe())}


@transaction.atomic
def criteria_set_publish(*, criteria_set: CriteriaSet, by, confirm_incomplete: bool = False) -> CriteriaSet:
    """Publish a set for real use. A set holding less than its decision states (criteria.completeness)
    is published only with `confirm_incomplete`; otherwise the error (code "needs_confirmation")
    names what is missing. (`load_demo` publishes its sets for the demo only, without this step.)"""
    problems = criteria_set_publish_problems(criteria_set)
    if problems:
        raise ValidationError(
            _("Chưa công bố được bộ tiêu chí %(code)s: %(problems)s.")
            % {"code": criteria_set.code, "problems": "; ".join(problems)}
        )
    gaps = set_gaps(criteria_set)
    if not gaps.complete and not confirm_incomplete:
        raise ValidationError(incomplete_message(criteria_set, gaps), code="needs_confirmation")
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


GROUPS = [group for group, _label in CommuneGroup.choices]


@transaction.atomic
def indicator_group_targets_set(*, indicator: Indicator, targets: dict[str, tuple], by=None) -> bool:
    """Make `indicator`'s all-year, all-region targets by commune group equal `targets`
    ({"nhom1": (operator, value, text)}; an empty tuple or a missing group removes that group's target).

    Returns True when something changed. Year and region variants are left alone.
    """
    indicator.criteria_set.check_editable()
    existing = {t.commune_group: t for t in indicator.targets.filter(region="", year=0).exclude(commune_group="")}
    changed = False
    for group in GROUPS:
        operator, value, text = targets.get(group) or ("", None, "")
        current = existing.get(group)
        if not operator and value is None and not text:
            if current is not None:
                current._history_user = by
                current.delete()
                changed = True
            continue
        if current is None:
            current = IndicatorTarget(indicator=indicator, commune_group=group, unit=indicator.unit)
        elif (current.operator, current.value, current.text) == (operator, value, text):
            continue
        current.operator, current.value, current.text = operator, value, text
        current._history_user = by
        current.save()
        changed = True
    return changed


def criteria_set_count_problems(cs: CriteriaSet) -> list[str]:
    """Where the set's content differs from the counts its decision states (10 criteria / 47 indicators)."""
    problems = []
    criteria, indicators = cs.criteria.count(), Indicator.objects.filter(criteria_set=cs).count()
    if cs.stated_criteria_count is not None and criteria != cs.stated_criteria_count:
        problems.append(
            _("bộ có %(n)s tiêu chí, quyết định nêu %(stated)s") % {"n": criteria, "stated": cs.stated_criteria_count}
        )
    if cs.stated_indicator_count is not None and indicators != cs.stated_indicator_count:
        problems.append(
            _("bộ có %(n)s chỉ tiêu, quyết định nêu %(stated)s")
            % {"n": indicators, "stated": cs.stated_indicator_count}
        )
    return problems


def indicators_missing_group_targets(cs: CriteriaSet) -> list[tuple[Indicator, list[str]]]:
    """For a set whose targets go by commune group: each indicator with neither a general target nor a
    target for every group, and the groups it lacks (a commune of that group could not be judged)."""
    rows = []
    for indicator in (
        Indicator.objects.filter(criteria_set=cs)
        .prefetch_related("targets")
        .order_by("criterion__number", "position", "id")
    ):
        groups = {t.commune_group for t in indicator.targets.all() if t.commune_group}
        if not groups and (not indicator.target_missing or indicator.kind != IndicatorKind.NUMERIC):
            continue  # one general target, or a yes/no indicator judged by its answer
        lacking = [g for g in GROUPS if g not in groups]
        if lacking:
            rows.append((indicator, lacking))
    return rows
