"""Re-scoring an assessment under a newer criteria set through a crosswalk (criteria.crosswalks). Reads only.

For every indicator of the new set:
- linked "cùng nội dung" or "giá trị chuyển sang, ngưỡng khác" to an old indicator: the old value (or
  đạt / chưa đạt answer) carries, and a value is judged again against the new set's target for the
  commune's region / group and the year (criteria.targets.resolve through TargetBook, as everywhere);
- without a link, or linked "không có tương đương": "cần đánh giá lại" (needs re-assessment).

The roll-up is the product's (assessments.rollup): a criterion is met iff all its indicators are;
"cần đánh giá lại" and a carried value without an applicable target count as undetermined, never as met.
The year judged is the assessment's, or the new set's first year when the assessment is older.

A commune of the pre-2025 tree has no commune group (groups are set for the xã of the 2025 tree): it is
judged with the group (and, when it has none, the region) of the one xã it became part of on 1 July 2025,
and the page says so. A commune split between several new xã has no single group: its values carry, but
targets by group do not apply ("chưa xác định").
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.utils.translation import gettext as _

from assessments import rollup
from assessments.models import Assessment, IndicatorResult
from assessments.services.book import TargetBook
from communes.models import CommuneGroup, UnitSuccession
from criteria.applicability import set_window
from criteria.crosswalks import crosswalk_links
from criteria.models import Crosswalk, CrosswalkLink, Indicator, IndicatorKind, LinkKind

CARRIED, REASSESS, NO_TARGET, NO_RESULT = "carried", "reassess", "no_target", "no_result"
MET, UNMET, PENDING = "met", "unmet", "pending"  # a criterion: all met, one failed, else to be judged


def criterion_state(rows) -> str:
    if rows and all(r.met is True for r in rows):
        return MET
    if any(r.met is False for r in rows):
        return UNMET
    return PENDING


@dataclass
class RescoredIndicator:
    indicator: Indicator
    link: CrosswalkLink | None
    state: str
    value: Decimal | None = None
    answer: bool | None = None
    met: bool | None = None
    target_text: str = ""
    reason: str = ""

    @property
    def source(self) -> Indicator | None:
        return self.link.from_indicator if self.link is not None and self.link.kind != LinkKind.NONE else None


@dataclass
class Rescore:
    crosswalk: Crosswalk
    on: datetime.date
    indicators: list[RescoredIndicator]
    summary: rollup.Summary
    criteria: list[dict] = field(default_factory=list)
    via: str = ""  # the new xã whose group was used, for a commune of the pre-2025 tree

    @property
    def reassess_codes(self) -> list[str]:
        return [r.indicator.code for r in self.indicators if r.state == REASSESS]

    @property
    def carried_count(self) -> int:
        return sum(1 for r in self.indicators if r.state != REASSESS)

    @property
    def unverified_count(self) -> int:
        return sum(1 for r in self.indicators if r.link is not None and r.state != REASSESS and not r.link.verified)

    @property
    def criteria_to_reassess(self) -> int:
        """Criteria with no failed indicator but some not judged: they may still be met."""
        return sum(1 for item in self.criteria if item["state"] == PENDING)

    @property
    def criteria_unmet(self) -> int:
        return sum(1 for item in self.criteria if item["state"] == UNMET)


def rescore_date(as_of: datetime.date, crosswalk: Crosswalk) -> datetime.date:
    """The date whose year the new targets are taken for: the assessment's, or the new set's start."""
    start, _end = set_window(crosswalk.to_set)
    return max(as_of, start)


def place_of(region: str, group: str, successors: list[tuple]) -> tuple[str, str, str]:
    """(region, group, name of the xã whose group is used or "") for a commune with `successors`
    ((name, region, group) of the xã it became part of)."""
    if group or len(successors) != 1:
        return region, group, ""
    name, new_region, new_group = successors[0]
    return region or new_region, new_group, name if new_group else ""


def _successors(commune_ids) -> dict[int, list[tuple]]:
    rows = UnitSuccession.objects.filter(predecessor_id__in=commune_ids).values_list(
        "predecessor_id", "successor__name", "successor__region", "successor__commune_group"
    )
    found = defaultdict(list)
    for predecessor_id, name, region, group in rows:
        found[predecessor_id].append((name, region, group))
    return found


def _lacks_reason(lacks: str) -> str:
    if lacks == "group":
        return _("xã chưa được phân nhóm nên chưa xác định được ngưỡng")
    if lacks == "region":
        return _("xã chưa có vùng nên chưa xác định được ngưỡng")
    return _("bộ mới chưa có ngưỡng áp dụng cho xã")


def rescore_values(
    book: TargetBook,
    links: dict[int, CrosswalkLink],
    old: dict[int, tuple],
    *,
    region: str,
    group: str,
    on: datetime.date,
) -> tuple[list[RescoredIndicator], rollup.Summary]:
    """The new set's indicators judged from `old` (old indicator id → (value, met)), and their roll-up.

    Pure computation on what was read: the single page and the unit view (thousands of communes) share it.
    """
    commune = SimpleNamespace(region=region, commune_group=group)
    rows, met_by_code, undetermined = [], {}, set()
    for indicator in book.indicators:
        link = links.get(indicator.id)
        if link is None:
            row = RescoredIndicator(indicator, None, REASSESS, reason=_("không có chỉ tiêu tương đương ở bộ cũ"))
        else:
            value, answer = old.get(link.from_indicator_id, (None, None))
            resolution = book.resolve(indicator, commune, on)
            target = resolution.target
            row = RescoredIndicator(indicator, link, CARRIED, target_text=target.display() if target else "")
            if indicator.kind == IndicatorKind.NUMERIC:
                row.value = value
                if value is None:
                    row.state = NO_RESULT
                elif target is None or not target.is_numeric:
                    row.state, row.reason = NO_TARGET, _lacks_reason(resolution.lacks)
                else:
                    row.met = target.evaluate(Decimal(value))
            else:
                row.answer = row.met = answer
                if answer is None:
                    row.state = NO_RESULT
        met_by_code[indicator.code] = row.met
        if row.state in (REASSESS, NO_TARGET):
            undetermined.add(indicator.code)
        rows.append(row)
    return rows, book.summarize_codes(met_by_code, undetermined)


def rescore(assessment: Assessment, crosswalk: Crosswalk) -> Rescore:
    """`assessment` (of the crosswalk's old set) re-scored under its new set, with a row per criterion."""
    if assessment.criteria_set_id != crosswalk.from_set_id:
        raise ValueError("the assessment is not of the crosswalk's old set")
    book = TargetBook.of(crosswalk.to_set)
    links = crosswalk_links(crosswalk)
    old = {
        r.indicator_id: (r.value, r.met)
        for r in IndicatorResult.objects.filter(assessment=assessment).only("indicator_id", "value", "met")
    }
    on = rescore_date(assessment.as_of, crosswalk)
    commune = assessment.commune
    successors = _successors([commune.pk])[commune.pk] if not commune.commune_group else []
    region, group, via = place_of(commune.region, commune.commune_group, successors)
    rows, summary = rescore_values(book, links, old, region=region, group=group, on=on)
    result = Rescore(crosswalk, on, rows, summary, via=via)
    by_criterion = defaultdict(list)
    for row in rows:
        by_criterion[row.indicator.criterion_id].append(row)
    for criterion in crosswalk.to_set.criteria.order_by("number"):
        own = by_criterion[criterion.id]
        result.criteria.append({"criterion": criterion, "state": criterion_state(own), "rows": own})
    return result


@dataclass
class AreaRow:
    assessment_id: int
    commune: SimpleNamespace
    as_of: datetime.date
    old_met: int
    old_total: int
    summary: rollup.Summary
    reassess: int
    criteria_to_reassess: int


def rescore_area(area, crosswalk: Crosswalk) -> list[AreaRow]:
    """Every commune of `area` (dashboards.area.Area: the user's scope was checked there) with a latest
    approved assessment of the old set, re-scored under the new set. Constant queries: the assessments,
    their linked results, the links, and the new set's book (read once for a frozen set)."""
    latest = Assessment.objects.latest_approved_per_commune().filter(
        area.communes_q("commune__"), criteria_set=crosswalk.from_set_id
    )
    assessments = list(
        latest.order_by("commune__name", "commune__code").values(
            "id",
            "as_of",
            "criteria_met",
            "criteria_total",
            "commune_id",
            "commune__era",
            "commune__code",
            "commune__name",
            "commune__region",
            "commune__commune_group",
        )
    )
    links = crosswalk_links(crosswalk)
    old_ids = {link.from_indicator_id for link in links.values()}
    values: dict[int, dict[int, tuple]] = defaultdict(dict)
    if assessments and old_ids:
        results = IndicatorResult.objects.filter(
            assessment__in=latest.values("pk"),
            indicator_id__in=old_ids,
        ).values_list("assessment_id", "indicator_id", "value", "met")
        for assessment_id, indicator_id, value, met in results:
            values[assessment_id][indicator_id] = (value, met)
    book = TargetBook.of(crosswalk.to_set)
    ungrouped = any(not a["commune__commune_group"] for a in assessments)
    successors = _successors(latest.values("commune_id")) if ungrouped else {}
    rows = []
    for a in assessments:
        region, group, via = place_of(
            a["commune__region"], a["commune__commune_group"], successors.get(a["commune_id"], [])
        )
        _indicators, summary = rescore_values(
            book, links, values[a["id"]], region=region, group=group, on=rescore_date(a["as_of"], crosswalk)
        )
        reassess = sum(1 for r in _indicators if r.state == REASSESS)
        by_criterion = defaultdict(list)
        for r in _indicators:
            by_criterion[r.indicator.criterion_id].append(r)
        to_reassess = sum(1 for own in by_criterion.values() if criterion_state(own) == PENDING)
        label = str(CommuneGroup(group).label).split(" (")[0] if group in CommuneGroup.values else ""  # "Nhóm 2"
        commune = SimpleNamespace(
            era=a["commune__era"], code=a["commune__code"], name=a["commune__name"], group_label=label, via=via
        )
        rows.append(
            AreaRow(
                a["id"], commune, a["as_of"], a["criteria_met"], a["criteria_total"], summary, reassess, to_reassess
            )
        )
    return rows
