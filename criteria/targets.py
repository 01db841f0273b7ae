"""Which target applies to a commune on a date: by year, then by region or commune group.

The rule (the reason for each step is the way the decisions' tables are written):
1. Year first. Among the years of the indicator's ladder (`targets_by_year`), the latest year not
   after the as-of year applies; years after it never do (an income ladder 2022…2025 still applies
   its 2025 value to a 2026 assessment). Targets without a year (the general target,
   `targets_by_region`, `targets_by_group`) apply when no year of the ladder does.
2. Then the column, within that year: the commune's region (or group) variant wins over the general
   target ("chỉ tiêu chung"). A single target written for a year applies to every column that year,
   so an older year's regional target never beats a newer year's general one.
3. A year that has nothing for the commune's column (neither its region / group nor a general
   target) does not speak to it: the next older year applies.
4. Never guess ("rule one" of criteria/data/FORMAT.md): when the chosen year has a variant for the
   commune's region or group that was not retrieved (`null`, listed in the indicator's
   `provenance.targets_not_retrieved`), or a general target that was not retrieved, no target
   applies ("unknown"), with the reason; nor when that year has targets by region (group) and the
   commune has no region (group) recorded. A row added later (admin, workbook) fills the gap.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from communes.models import CommuneGroup, Region
from criteria.models import Indicator, IndicatorTarget, Target

GENERAL = "chung"
NOT_RETRIEVED = "targets_not_retrieved"


@dataclass(frozen=True)
class Resolution:
    """The target that applies, or None with why (`gap`: the column left null; `lacks`: what the commune
    has not recorded)."""

    target: Target | None
    year: int = 0
    gap: str = ""  # a region code, a group code or GENERAL
    lacks: str = ""  # "region" or "group"

    @property
    def reason(self) -> str:
        """Why no target applies, in the user's language ("" when a target applies or none was ever written)."""
        if self.target is not None:
            return ""
        if self.lacks == "region":
            return _("xã chưa được ghi vùng nên chưa chọn được ngưỡng theo vùng")
        if self.lacks == "group":
            return _("xã chưa được xếp nhóm nên chưa chọn được ngưỡng theo nhóm xã")
        if not self.gap:
            return ""
        if self.gap == GENERAL:
            return _("ngưỡng chung năm %(year)s chưa có (chưa thu thập được từ văn bản)") % {"year": self.year}
        params = {"year": self.year}
        if self.gap in Region.values:
            params["name"] = Region(self.gap).label
            if self.year:
                return _("ngưỡng của vùng %(name)s năm %(year)s chưa có (chưa thu thập được từ văn bản)") % params
            return _("ngưỡng của vùng %(name)s chưa có (chưa thu thập được từ văn bản)") % params
        params["name"] = CommuneGroup(self.gap).label
        if self.year:
            return _("ngưỡng của %(name)s năm %(year)s chưa có (chưa thu thập được từ văn bản)") % params
        return _("ngưỡng của %(name)s chưa có (chưa thu thập được từ văn bản)") % params


@dataclass(frozen=True)
class _Cell:
    year: int
    region: str
    group: str
    target: Target | None  # None: written in the file as null (not retrieved)


def _gap_cells(labels: Iterable[str]) -> list[_Cell]:
    """The loader's labels of null variants: "dbsh", "nhom3", "2024/dbsh", "2022/chung", "2025"."""
    cells = []
    for label in labels:
        year, _sep, column = str(label).rpartition("/")
        if not year and column.isdigit():  # a whole year left null: every column of it
            year, column = column, GENERAL
        known = column == GENERAL or column in Region.values or column in CommuneGroup.values
        if not known or not (year == "" or year.isdigit()):  # provenance edited by hand: not a label
            continue
        cells.append(
            _Cell(
                int(year or 0),
                column if column in Region.values else "",
                column if column in CommuneGroup.values else "",
                None,
            )
        )
    return cells


def _cells(indicator: Indicator, variants: Iterable[IndicatorTarget]) -> list[_Cell]:
    rows = [_Cell(v.year, v.region, v.commune_group, v.as_target()) for v in variants]
    base = indicator.base_target
    if base.is_numeric or base.text:
        rows.append(_Cell(0, "", "", base))
    taken = {(c.year, c.region, c.group) for c in rows}
    gaps = _gap_cells((indicator.provenance or {}).get(NOT_RETRIEVED, []))
    return rows + [c for c in gaps if (c.year, c.region, c.group) not in taken]  # a row fills its gap


def _in_year(cells: list[_Cell], year: int, region: str, group: str) -> Resolution | None:
    """The commune's cell of one year: its region's, else its group's, else the general one; None if
    the year has none of them."""
    by_region = [c for c in cells if c.region]
    if by_region:
        if not region:
            return Resolution(None, year, lacks="region")
        mine = [c for c in by_region if c.region == region and c.group in ("", group)]
        if mine:
            return Resolution(mine[0].target, year, gap="" if mine[0].target else region)
    by_group = [c for c in cells if c.group and not c.region]
    if by_group:
        if not group:
            return Resolution(None, year, lacks="group")
        mine = [c for c in by_group if c.group == group]
        if mine:
            return Resolution(mine[0].target, year, gap="" if mine[0].target else group)
    general = [c for c in cells if not c.region and not c.group]
    if general:
        return Resolution(general[0].target, year, gap="" if general[0].target else GENERAL)
    return None


def resolve(
    indicator: Indicator, variants: Iterable[IndicatorTarget], *, region: str, group: str, year: int
) -> Resolution:
    """The target for a commune of `region` / `group` assessed in `year`, with the reason when none applies."""
    cells = _cells(indicator, variants)
    years = sorted({c.year for c in cells if 0 < c.year <= year}, reverse=True) + [0]
    for ladder_year in years:
        found = _in_year([c for c in cells if c.year == ladder_year], ladder_year, region, group)
        if found is not None:
            return found
    return Resolution(None)


def resolve_target(
    indicator: Indicator, variants: Iterable[IndicatorTarget], *, region: str, group: str, year: int
) -> Target | None:
    return resolve(indicator, variants, region=region, group=group, year=year).target


# A target as a criteria admin types it in one cell ("≥ 80%", ">=80", "Đạt", "80"): the workbook's
# group columns and the admin's inline group columns read it the same way.

_OPERATOR_PREFIXES = [("≥", ">="), ("≤", "<="), (">=", ">="), ("<=", "<="), (">", ">"), ("<", "<"), ("=", "=")]
_NUMBER = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(.*)$")


def parse_target_cell(raw, *, default_operator: str = "") -> tuple[str, Decimal | None, str]:
    """(operator, value, text) for one typed target; ("", None, "") for an empty cell.

    An operator and a number make a numeric target (any unit typed after the number is the indicator's);
    a bare number takes `default_operator` (the indicator's general one) and needs it; any other text is
    a target in words ("Đạt") judged by the answer. Raises ValueError with a message for the cell.
    """
    if raw is None:
        return "", None, ""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = repr(raw) if isinstance(raw, float) and not raw.is_integer() else str(int(raw))
    text = str(raw).strip()
    if not text:
        return "", None, ""
    operator, rest = "", text
    for prefix, op in _OPERATOR_PREFIXES:
        if text.startswith(prefix):
            operator, rest = op, text[len(prefix) :]
            break
    match = _NUMBER.match(rest)
    if match is None:
        if operator:
            raise ValueError(_("“%(value)s”: sau phép so sánh cần một số.") % {"value": text})
        return "", None, text
    if not operator:
        if not default_operator:
            raise ValueError(
                _("“%(value)s”: cần phép so sánh (ví dụ ≥%(value)s) vì chỉ tiêu chưa có phép so sánh chung.")
                % {"value": text}
            )
        operator = default_operator
    value = Decimal(match.group(1).replace(",", ".")).quantize(Decimal("0.001"))
    return operator, value, ""


def format_target_cell(operator: str, value: Decimal | None, text: str) -> str:
    """The cell a target is exported to: its wording, else operator symbol and number (≥80)."""
    if text:
        return text
    if operator and value is not None:
        symbol = {">=": "≥", "<=": "≤"}.get(operator, operator)
        return f"{symbol}{value.normalize():f}"
    return ""
