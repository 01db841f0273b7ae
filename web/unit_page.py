"""Reads behind the unit page (web.views.unit_detail), each in a fixed number of queries whatever the size of
the data: the unit's relations (parent, children, lineage across the 2025 merge) and, for a commune, its
figures that count (approved), the work in progress (pending) for those who may see it, the criteria
table, the timeline and its chart."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from accounts.models import Role
from accounts.selectors import sees_everything
from assessments import permissions, rollup
from assessments.models import Assessment, EvidenceFile, IndicatorResult, Status
from communes.models import AdministrativeUnit, Level, UnitSuccession
from criteria.crosswalks import newest_crosswalk_id
from criteria.models import CriteriaSet, Criterion
from ntm.lib.collation import vietnamese_key
from ntm.lib.dates import short_date


@dataclass
class UnitLink:
    unit: AdministrativeUnit
    # Units outside the user's scope are named (administrative geography is public) but not linked.
    visible: bool
    partial: bool = False
    # On a commune page: the unit's latest approved assessment per set (commune_page fills it).
    summaries: list = field(default_factory=list)


def unit_relations(unit: AdministrativeUnit, user) -> dict:
    """Children, predecessors and successors of `unit`, each marked visible to `user` or not (one query for
    the lineage in both directions, one for the children; a commune has none, so it asks for none). The
    parent comes with the unit (communes.selectors.unit_for); visibility is read from the user's
    memberships, already in memory."""
    children = [] if unit.level == Level.COMMUNE else sorted(unit.children.all(), key=lambda u: vietnamese_key(u.name))
    links = UnitSuccession.objects.filter(Q(successor=unit) | Q(predecessor=unit)).select_related(
        "predecessor", "successor"
    )
    predecessors, successors = [], []
    for link in links:
        if link.successor_id == unit.pk:
            predecessors.append((link.predecessor, link.partial))
        else:
            successors.append((link.successor, link.partial))
    by_name = lambda pair: vietnamese_key(pair[0].name)  # noqa: E731
    visible = lambda u: permissions.can_view_unit(user, u)  # noqa: E731
    return {
        "parent": UnitLink(unit.parent, visible(unit.parent)) if unit.parent_id else None,
        # The subtree of a unit the user may see is theirs too.
        "children": [UnitLink(child, True) for child in children],
        "predecessors": [UnitLink(u, visible(u), partial) for u, partial in sorted(predecessors, key=by_name)],
        "successors": [UnitLink(u, visible(u), partial) for u, partial in sorted(successors, key=by_name)],
    }


# The commune page: figures that count (approved), work in progress (pending) for those who may see it


PENDING_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)


def sees_drafts(user, commune: AdministrativeUnit) -> bool:
    """A draft is the commune's unfinished work: its staff and the reviewers covering it see it; viewers and
    departments see only what the commune sent (submitted, returned) and what was approved."""
    return sees_everything(user) or bool(
        permissions.memberships_covering(user, commune, Role.COMMUNE_STAFF, Role.REVIEWER)
    )


@dataclass
class CommuneCriterionRow:
    criterion: Criterion
    results: list[IndicatorResult]
    met_count: int = 0
    # The roll-up's rule (assessments.rollup): met iff it has indicators and every one of them is met.
    met: bool = False


@dataclass
class SetSummary:
    """One criteria set on the commune page: its latest approved assessment and what is pending after it."""

    criteria_set: CriteriaSet
    approved: Assessment | None
    # Pending assessments dated after the approved one that the user may see, newest first.
    pending: list[Assessment] = field(default_factory=list)
    criteria: list[CommuneCriterionRow] = field(default_factory=list)

    @property
    def criteria_percent(self) -> int:
        return _percent(self.approved.criteria_met, self.approved.criteria_total) if self.approved else 0

    @property
    def sentence(self) -> str:
        """The shorter of the report sentence's two forms (what is not met, or what is met)."""
        if not self.approved:
            return ""
        names = {row.criterion.number: row.criterion.name for row in self.criteria}
        return rollup.shorter_sentence(self.approved.summary, names)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass
class CommunePage:
    sets: list[SetSummary]
    # Every approved assessment and the pending ones the user may see, newest first.
    timeline: list[Assessment]
    chart: dict


def commune_page(commune: AdministrativeUnit, user, related: list[UnitLink] = ()) -> CommunePage:
    """Everything the commune part of the unit page shows, in four queries: the commune's assessments
    together with the latest approved ones of its visible predecessors and successors (`related`, from
    unit_relations: each link gets its summaries), then the approved ones' criteria, results and files
    (the files only when a result has some). The user's memberships are already in memory."""
    shows_drafts = sees_drafts(user, commune)
    statuses = [Status.APPROVED, *(s for s in PENDING_STATUSES if shows_drafts or s != Status.DRAFT)]
    # An old commune's history stays readable from the new commune, and the other way round; a unit
    # outside the user's scope gets nothing, as its page would be a 404.
    related_ids = [link.unit.pk for link in related if link.visible]
    rows = (
        Assessment.objects.filter(
            Q(commune=commune, status__in=statuses) | Q(commune_id__in=related_ids, is_latest_approved=True)
        )
        .select_related("criteria_set")
        .annotate(rescore_crosswalk_id=newest_crosswalk_id())  # "Chấm lại theo bộ mới" (criteria.crosswalks)
        .order_by("-as_of", "-id")
    )
    timeline, by_unit = [], {}
    for assessment in rows:
        if assessment.commune_id == commune.pk:
            timeline.append(assessment)
        else:
            by_unit.setdefault(assessment.commune_id, []).append(assessment)
    for link in related:
        link.summaries = by_unit.get(link.unit.pk, [])
    by_set: dict[int, list[Assessment]] = {}
    for assessment in timeline:  # newest first, so the sets come in the order of their newest assessment
        by_set.setdefault(assessment.criteria_set_id, []).append(assessment)
    sets = []
    for items in by_set.values():
        approved = next((a for a in items if a.status == Status.APPROVED), None)
        pending = [a for a in items if a.status != Status.APPROVED and (approved is None or a.as_of > approved.as_of)]
        sets.append(SetSummary(items[0].criteria_set, approved, pending))
    _attach_criteria(sets)
    return CommunePage(sets, timeline, chart_data(timeline))


def _attach_criteria(sets: list[SetSummary]) -> None:
    """Fill each summary's criteria table from its approved assessment's results (two queries, and one for
    the evidence files when a result has some)."""
    approved = [s.approved for s in sets if s.approved]
    if not approved:
        return
    criteria = Criterion.objects.filter(criteria_set__in=[a.criteria_set_id for a in approved]).order_by("number")
    # Only the columns the criteria table shows (130-150 results and their indicators per page).
    results = list(
        IndicatorResult.objects.filter(assessment__in=approved)
        .select_related("indicator")
        .only(
            "assessment_id",
            "indicator_id",
            "value",
            "met",
            "note",
            "target_applied",
            "indicator__code",
            "indicator__name",
            "indicator__kind",
            "indicator__unit",
            "indicator__criterion_id",
            "indicator__position",
        )
        .annotate(has_files=Exists(EvidenceFile.objects.filter(result=OuterRef("pk"))))
        .order_by("indicator__position", "indicator__code")
    )
    _attach_files(results)
    by_criterion: dict[tuple[int, int], list[IndicatorResult]] = {}
    for result in results:
        by_criterion.setdefault((result.assessment_id, result.indicator.criterion_id), []).append(result)
    criteria_by_set: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        criteria_by_set.setdefault(criterion.criteria_set_id, []).append(criterion)
    for summary in sets:
        if summary.approved:
            for criterion in criteria_by_set.get(summary.criteria_set.pk, []):
                rows = by_criterion.get((summary.approved.pk, criterion.pk), [])
                met_count = sum(1 for r in rows if r.met is True)
                summary.criteria.append(
                    CommuneCriterionRow(criterion, rows, met_count, bool(rows) and met_count == len(rows))
                )


def _attach_files(results: list[IndicatorResult]) -> None:
    """Each result's evidence files as a plain list (`evidence_list`), in one query, none without files."""
    with_files = [r.pk for r in results if r.has_files]
    files: dict[int, list[EvidenceFile]] = {}
    if with_files:
        for file in EvidenceFile.objects.filter(result_id__in=with_files).order_by("uploaded_at", "id"):
            files.setdefault(file.result_id, []).append(file)
    for result in results:
        result.evidence_list = files.get(result.pk, [])


def chart_data(timeline: list[Assessment]) -> dict:
    """Criteria met over time, one line per set, approved assessments only (the official figures).

    The x axis is the union of the dates (categories, no date adapter needed); a set has null on the
    dates of other sets, and the chart bridges its own gaps.
    """
    approved = sorted((a for a in timeline if a.status == Status.APPROVED), key=lambda a: (a.as_of, a.pk))
    dates = sorted({a.as_of for a in approved})
    column = {d: i for i, d in enumerate(dates)}
    datasets: dict[int, dict] = {}
    for a in approved:
        dataset = datasets.setdefault(
            a.criteria_set_id,
            {
                "label": a.criteria_set.name,
                "code": a.criteria_set.code,
                "data": [None] * len(dates),
                "totals": [None] * len(dates),
            },
        )
        dataset["data"][column[a.as_of]] = a.criteria_met
        dataset["totals"][column[a.as_of]] = a.criteria_total
    return {
        "labels": [short_date(d) for d in dates],
        "datasets": list(datasets.values()),
        "yTitle": gettext("Số tiêu chí đạt"),
    }
