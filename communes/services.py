"""Writes on administrative units that the province owns: the commune groups (nhóm xã) of QĐ 51/2025.

A commune's group picks its targets under a 2026-2030 set, so a change is kept in the unit's history
(who, when, why) and the commune's open assessments are judged again in the background.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit, CommuneGroup, Level, UnitKind
from jobs import services as jobs  # jobs knows no domain app; the kind is registered by assessments

GROUP_REASON = "Phân nhóm xã"  # history_change_reason of a group change (a data value, shown as is)
RECOMPUTE_JOB = "recompute_summaries"  # registered by the assessments app


def group_applies(unit: AdministrativeUnit) -> bool:
    """A commune group is set on xã only: phường and thị trấn are outside the commune programme."""
    return unit.level == Level.COMMUNE and unit.kind == UnitKind.XA


def group_not_applicable_message(unit: AdministrativeUnit) -> str:
    return _("%(name)s (%(code)s) là %(kind)s; nhóm xã chỉ áp dụng cho xã.") % {
        "name": unit.name,
        "code": unit.code,
        "kind": unit.get_kind_display(),
    }


def groupable_communes(province: AdministrativeUnit):
    """The xã of `province` a group applies to (phường and thị trấn are outside the commune programme)."""
    return AdministrativeUnit.objects.under(province).filter(level=Level.COMMUNE, kind=UnitKind.XA)


def commune_group_problems(
    province: AdministrativeUnit, assignments: list[tuple[int, str, str]], *, allow_clear: bool = True
) -> list[str]:
    """Line errors of (line, code, group) rows: unknown code, not a xã of the province, bad group, repeats."""
    problems, seen = [], {}
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.under(province).filter(
            level=Level.COMMUNE, code__in=[code for _line, code, _group in assignments]
        )
    }
    groups = {value for value, _label in CommuneGroup.choices}
    for line, code, group in assignments:
        unit = units.get(code)
        if code in seen:
            problems.append(
                _("Dòng %(line)s: mã %(code)s đã có ở dòng %(first)s.")
                % {"line": line, "code": code, "first": seen[code]}
            )
            continue
        seen[code] = line
        if unit is None:
            problems.append(
                _("Dòng %(line)s: không có xã mã “%(code)s” thuộc %(province)s.")
                % {"line": line, "code": code, "province": province.name}
            )
        elif not group_applies(unit):
            problems.append(
                _("Dòng %(line)s: %(problem)s") % {"line": line, "problem": group_not_applicable_message(unit)}
            )
        if group == "" and not allow_clear:
            problems.append(_("Dòng %(line)s: thiếu nhóm.") % {"line": line})
        elif group not in groups and group != "":
            problems.append(
                _("Dòng %(line)s: nhóm “%(group)s” không hợp lệ (1, 2 hoặc 3).") % {"line": line, "group": group}
            )
    return problems


@transaction.atomic
def commune_groups_assign(
    *,
    province: AdministrativeUnit,
    assignments: list[tuple[int, str, str]],
    by,
    allow_clear: bool = True,
    recompute: bool = True,
) -> list[AdministrativeUnit]:
    """Set the group of each xã in `assignments` ((line, code, group); group "" clears it), all or nothing.

    Raises ValidationError listing every bad line, and then changes nothing. Returns the communes whose
    group changed; when there are any, one background job recomputes the province's open assessments.
    """
    if province.level != Level.PROVINCE:
        raise ValidationError(_("%(unit)s không phải đơn vị cấp tỉnh.") % {"unit": province})
    problems = commune_group_problems(province, assignments, allow_clear=allow_clear)
    if problems:
        raise ValidationError(problems)
    wanted = {code: group for _line, code, group in assignments}
    changed = []
    for unit in groupable_communes(province).filter(code__in=wanted).select_for_update().order_by("path"):
        if unit.commune_group == wanted[unit.code]:
            continue
        unit.commune_group = wanted[unit.code]
        unit._history_user, unit._change_reason = by, GROUP_REASON
        unit.save(update_fields=["commune_group"])
        changed.append(unit)
    if changed and recompute:
        jobs.job_start(kind=RECOMPUTE_JOB, by=by, params={"unit": f"{province.era}/{province.code}"})
    return changed


def group_changes(province: AdministrativeUnit, limit: int = 20):
    """The latest group changes of the province's communes, from the units' history (newest first)."""
    return (
        AdministrativeUnit.history.filter(
            era=province.era, path__startswith=province.path, level=Level.COMMUNE, history_change_reason=GROUP_REASON
        )
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
