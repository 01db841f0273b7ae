"""Which criteria set applies to which commune, on which date: one rule for every path (the entry
pages, the API, the workbook template and import, the commands, the admin's create).

- A provincial set applies only to communes of its province. The province is compared in the set's
  province's era; when the commune is of the other era (a 2022-2025 Hà Tĩnh set and a commune formed
  on 1 July 2025), the commune's lineage decides: it applies when one of its predecessors (or
  successors) was a commune of that province.
- The as-of date lies within the set's period (1 January of its first year to 31 December of its
  last); a set without a period applies from its effective date (or its decision date) onward. No
  set applies before PROGRAMME_START, whatever it says: the first national NTM criteria set is of 2009.
- The set's period overlaps the years the commune existed: a 2026-2030 set never applies to a
  commune dissolved in 2025, nor a 2016-2020 set to one formed in 2025 (the era check).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit, UnitSuccession
from criteria.models import CriteriaSet

# QĐ 491/QĐ-TTg of 16/04/2009, the first national criteria set for new rural communes.
PROGRAMME_START = datetime.date(2009, 4, 16)


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def set_window(criteria_set: CriteriaSet) -> tuple[datetime.date, datetime.date | None]:
    """The first and last as-of dates the set can be used for (None: no end)."""
    if criteria_set.period_start:
        start = datetime.date(criteria_set.period_start, 1, 1)
    else:
        start = criteria_set.effective_date or criteria_set.decision_date or PROGRAMME_START
    end = datetime.date(criteria_set.period_end, 12, 31) if criteria_set.period_end else None
    return max(start, PROGRAMME_START), end


def _in_province_by_lineage(province: AdministrativeUnit, commune: AdministrativeUnit) -> bool:
    prefix = f"{province.code}/"
    before = UnitSuccession.objects.filter(
        successor=commune, predecessor__era=province.era, predecessor__path__startswith=prefix
    )
    after = UnitSuccession.objects.filter(
        predecessor=commune, successor__era=province.era, successor__path__startswith=prefix
    )
    return before.exists() or after.exists()


def province_error(criteria_set: CriteriaSet, commune: AdministrativeUnit) -> ValidationError | None:
    province = criteria_set.province
    if province is None:
        return None
    if province.era == commune.era:
        if province.code == commune.province_code:
            return None
    elif _in_province_by_lineage(province, commune):
        return None
    return ValidationError(
        _("Bộ tiêu chí “%(set)s” là bộ của %(province)s, không áp dụng cho %(unit)s.")
        % {"set": criteria_set.name, "province": province.name, "unit": commune.name},
        code="set_other_province",
    )


def era_error(criteria_set: CriteriaSet, commune: AdministrativeUnit) -> ValidationError | None:
    first = commune.valid_from.year if commune.valid_from else 0
    last = commune.valid_to.year if commune.valid_to else 9999
    if (criteria_set.period_start or 0) <= last and (criteria_set.period_end or 9999) >= first:
        return None
    return ValidationError(
        _("Bộ tiêu chí giai đoạn %(period)s không áp dụng cho %(unit)s (%(era)s).")
        % {
            "period": f"{criteria_set.period_start or '…'}-{criteria_set.period_end or '…'}",
            "unit": commune.name,
            "era": commune.get_era_display(),
        },
        code="set_other_era",
    )


def date_error(criteria_set: CriteriaSet, as_of: datetime.date) -> ValidationError | None:
    start, end = set_window(criteria_set)
    if start <= as_of and (end is None or as_of <= end):
        return None
    if end is None:
        message = _("Ngày đánh giá %(date)s không hợp lệ: bộ tiêu chí “%(set)s” chỉ áp dụng từ ngày %(start)s.")
    else:
        message = _(
            "Ngày đánh giá %(date)s nằm ngoài giai đoạn áp dụng của bộ tiêu chí “%(set)s” (%(start)s đến %(end)s)."
        )
    params = {"date": _date(as_of), "set": criteria_set.name, "start": _date(start), "end": _date(end) if end else ""}
    return ValidationError(message % params, code="set_out_of_period")


def applicability_error(
    criteria_set: CriteriaSet, commune: AdministrativeUnit, as_of: datetime.date | None = None
) -> ValidationError | None:
    """Why `criteria_set` cannot be used for `commune` (on `as_of`, if given); None when it can."""
    return (
        province_error(criteria_set, commune)
        or era_error(criteria_set, commune)
        or (date_error(criteria_set, as_of) if as_of is not None else None)
    )


def check_applies(
    *, criteria_set: CriteriaSet, commune: AdministrativeUnit, as_of: datetime.date | None = None
) -> None:
    """Raise the ValidationError of applicability_error (codes set_other_province, set_other_era,
    set_out_of_period)."""
    error = applicability_error(criteria_set, commune, as_of)
    if error is not None:
        raise error


def set_applies(criteria_set: CriteriaSet, commune: AdministrativeUnit) -> bool:
    """The set can be used for the commune on some date (the lists of sets offered)."""
    return applicability_error(criteria_set, commune) is None


def published_sets() -> list[CriteriaSet]:
    return list(CriteriaSet.objects.published().select_related("province").order_by("-period_start", "code"))


def applicable_sets(commune: AdministrativeUnit, sets: list[CriteriaSet] | None = None) -> list[CriteriaSet]:
    """The published sets (or `sets`) that apply to `commune`, newest period first."""
    return [cs for cs in (sets if sets is not None else published_sets()) if set_applies(cs, commune)]
