"""Reads for the roadmap, the recognitions and the dashboards that show them.

Each selector takes commune ids (a list or a queryset of ids, which becomes a subquery) and runs
one query whatever their number, so a page for 3,000 communes costs the same as one for five.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit
from roadmap.models import LEVELS, Plan, Recognition, rank

ACHIEVED, ON_TRACK, BEHIND = "achieved", "on_track", "behind"

# From this month of the target year on, a commune whose latest approved assessment of the planned
# level does not meet the standard is behind plan: the recognition file (hồ sơ đề nghị xét công nhận)
# goes to the province in the last quarter, so a commune still short in the second half of the
# year will not make it. Override with settings.ROADMAP_BEHIND_FROM_MONTH.
DEFAULT_BEHIND_FROM_MONTH = 7


def _level_rank():
    return Case(
        *(When(level=level, then=Value(i)) for i, level in enumerate(LEVELS)),
        default=Value(-1),
        output_field=IntegerField(),
    )


def recognitions_by_commune(commune_ids: Iterable[int] | QuerySet) -> dict[int, Recognition]:
    """Each commune's top recognition: the highest level, then the latest decision (one query).

    Communes recognise upward (NTM, then nâng cao, then kiểu mẫu), and a commune has a handful of
    decisions at most, so reading them all and keeping the first per commune is cheaper than a
    window function and works alike on SQLite and PostgreSQL.
    """
    top: dict[int, Recognition] = {}
    for recognition in _recognitions(commune_ids):
        top.setdefault(recognition.commune_id, recognition)
    return top


def recognitions_by_commune_level(commune_ids: Iterable[int] | QuerySet) -> dict[int, dict[str, Recognition]]:
    """Per commune and level, the latest recognition (one query)."""
    by_level: dict[int, dict[str, Recognition]] = {}
    for recognition in _recognitions(commune_ids):
        by_level.setdefault(recognition.commune_id, {}).setdefault(recognition.level, recognition)
    return by_level


def _recognitions(commune_ids) -> QuerySet[Recognition]:
    return (
        Recognition.objects.filter(commune_id__in=commune_ids)
        .annotate(level_rank=_level_rank())
        .order_by("commune_id", "-level_rank", "-decision_date", "-id")
    )


def plans_by_commune(commune_ids: Iterable[int] | QuerySet) -> dict[int, list[Plan]]:
    """Each commune's plans, lowest level first (one query); communes with no plan are absent."""
    rows = (
        Plan.objects.filter(commune_id__in=commune_ids)
        .select_related("updated_by")
        .annotate(level_rank=_level_rank())
        .order_by("commune_id", "level_rank")
    )
    plans: dict[int, list[Plan]] = {}
    for plan in rows:
        plans.setdefault(plan.commune_id, []).append(plan)
    return plans


def latest_approved_by_level(commune_ids: Iterable[int] | QuerySet) -> dict[int, dict[str, Assessment]]:
    """Per commune and criteria-set level, the latest approved assessment (one query).

    Only the stored summary is read (meets_standard, criteria_met/total, unmet): never the results.
    """
    latest = (
        Assessment.objects.filter(
            commune_id=OuterRef("commune_id"),
            criteria_set__level=OuterRef("criteria_set__level"),
            status=Status.APPROVED,
        )
        .order_by("-as_of", "-id")
        .values("pk")[:1]
    )
    rows = (
        Assessment.objects.filter(commune_id__in=commune_ids, status=Status.APPROVED, pk=Subquery(latest))
        .select_related("criteria_set")
        .only(
            "commune_id",
            "as_of",
            "status",
            "criteria_met",
            "criteria_total",
            "indicators_met",
            "indicators_total",
            "meets_standard",
            "unmet",
            "criteria_set__code",
            "criteria_set__name",
            "criteria_set__level",
        )
    )
    by_commune: dict[int, dict[str, Assessment]] = {}
    for assessment in rows:
        by_commune.setdefault(assessment.commune_id, {})[assessment.criteria_set.level] = assessment
    return by_commune


def plan_status(
    plan: Plan, latest_approved_assessment: Assessment | None, recognition: Recognition | None, today: datetime.date
) -> str:
    """Where a commune stands against one plan: "achieved", "on_track" or "behind".

    - achieved: recognised at the planned level or a higher one (recognition is the commune's top
      recognition, as recognitions_by_commune gives it). An assessment that meets the standard is
      not enough: only the decision counts.
    - behind: the target year has passed without that recognition; or it is the target year, from
      ROADMAP_BEHIND_FROM_MONTH on, and the latest approved assessment of a set of the planned level
      (`latest_approved_assessment`) is missing or below the standard.
    - on_track: everything else (a later target year, or the target year with the standard met
      or still early in the year).
    """
    if recognition is not None and rank(recognition.level) >= rank(plan.level):
        return ACHIEVED
    if today.year > plan.target_year:
        return BEHIND
    month = getattr(settings, "ROADMAP_BEHIND_FROM_MONTH", DEFAULT_BEHIND_FROM_MONTH)
    # meets_held: on a set holding less than its decision (criteria.completeness) every criterion held met
    # is all the assessment can tell; it does not put the plan behind.
    meets = latest_approved_assessment is not None and latest_approved_assessment.meets_held
    if today.year == plan.target_year and today.month >= month and not meets:
        return BEHIND
    return ON_TRACK


def at_risk(recognition: Recognition | None, latest_by_level: dict[str, Assessment]) -> list[Assessment]:
    """ "Có nguy cơ rớt chuẩn": the approved assessments below the standard of a level the commune
    is recognised at (its top recognition's level or a lower one). Empty when not at risk.

    A commune recognised nâng cao must keep the NTM standard too, hence the lower levels.
    """
    if recognition is None:
        return []
    top = rank(recognition.level)
    return [
        a
        for level, a in latest_by_level.items()
        if 0 <= rank(level) <= top and not a.meets_held  # an incomplete set is no sign of losing the standard
    ]


def recognitions_for_commune(commune_id: int) -> QuerySet[Recognition]:
    """Every recognition of one commune, newest decision first, with who recorded it."""
    return (
        Recognition.objects.filter(commune_id=commune_id)
        .select_related("recorded_by")
        .order_by("-decision_date", "-id")
    )


def scoped_communes(unit, extra: Q | None = None) -> QuerySet:
    """The communes in `unit`'s subtree (the unit itself if it is a commune), by name."""
    qs = AdministrativeUnit.objects.under(unit).communes()
    return qs.filter(extra) if extra is not None else qs
