"""Province completion for 2026-2030 (QĐ 51/2025/QĐ-TTg, Phụ lục III): what can be known of it.

The conditions of Phụ lục III could not be read (see the reference notes on QĐ 51), so the page never
says whether a province has completed the task: it shows, by commune group, how many xã meet the
standard according to the stored summaries of their latest approved 2026-2030 assessment, and the
conditions themselves as "not determined".
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit, CommuneGroup, Level, UnitKind
from criteria.models import GROUP_PERIOD_START, SetLevel
from roadmap.models import Recognition

PERIOD_START = datetime.date(GROUP_PERIOD_START, 1, 1)


@dataclass
class GroupLine:
    group: str
    label: str
    communes: int = 0
    assessed: int = 0
    meeting: int = 0
    recognised: int = 0

    @property
    def share(self) -> float | None:
        """Share of the group's xã meeting the standard; None for a group with no xã."""
        return self.meeting / self.communes * 100 if self.communes else None


@dataclass
class Completion:
    province: AdministrativeUnit
    lines: list[GroupLine]
    total: GroupLine
    others: int  # phường, thị trấn, đặc khu: outside the commune programme, not counted
    sets: list = field(default_factory=list)  # the criteria sets the figures come from

    @property
    def simulated(self) -> bool:
        return any(cs.is_synthetic or cs.published_by_demo for cs in self.sets)


def _latest_current(commune_ids) -> dict[int, Assessment]:
    """Each commune's latest approved assessment under a 2026-2030 NTM set (one query, summaries only)."""
    latest = (
        Assessment.objects.filter(
            commune_id=OuterRef("commune_id"),
            status=Status.APPROVED,
            criteria_set__level=SetLevel.NTM,
            criteria_set__period_start__gte=GROUP_PERIOD_START,
        )
        .order_by("-as_of", "-id")
        .values("pk")[:1]
    )
    rows = (
        Assessment.objects.filter(commune_id__in=commune_ids, pk=Subquery(latest))
        .select_related("criteria_set")
        .only(
            "commune_id",
            "meets_standard",
            "criteria_set__code",
            "criteria_set__name",
            "criteria_set__is_synthetic",
            "criteria_set__published_by_demo",
        )
    )
    return {a.commune_id: a for a in rows}


def province_completion(province: AdministrativeUnit) -> Completion:
    """The figures of the completion page, from stored summaries and recognitions (three queries)."""
    units = list(
        AdministrativeUnit.objects.under(province).filter(level=Level.COMMUNE).only("id", "kind", "commune_group")
    )
    xa = [u for u in units if u.kind == UnitKind.XA]
    ids = [u.pk for u in xa]
    latest = _latest_current(ids)
    recognised = set(
        Recognition.objects.filter(commune_id__in=ids, level=SetLevel.NTM, decision_date__gte=PERIOD_START).values_list(
            "commune_id", flat=True
        )
    )
    lines = {value: GroupLine(value, label) for value, label in CommuneGroup.choices}
    lines[""] = GroupLine("", "")
    total = GroupLine("total", "")
    for unit in xa:
        assessment = latest.get(unit.pk)
        for line in (lines[unit.commune_group], total):
            line.communes += 1
            line.assessed += assessment is not None
            line.meeting += bool(assessment and assessment.meets_standard)
            line.recognised += unit.pk in recognised
    sets = {a.criteria_set.code: a.criteria_set for a in latest.values()}
    return Completion(
        province, list(lines.values()), total, len(units) - len(xa), sorted(sets.values(), key=lambda cs: cs.code)
    )
