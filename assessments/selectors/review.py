"""Reads behind the review pages (the assessment page, the reviewers' queue, the departments'
verification), each in a fixed number of queries whatever the number of indicators or rows.

They complement assessments.selectors: the same scope rules, plus the departments and the
counts that the review pages show and the API does not need.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments import permissions
from assessments.models import Assessment, EvidenceFile, IndicatorResult, Status, VerificationState
from assessments.selectors import Comparison, assessments_for
from criteria.crosswalks import newest_crosswalk_id


def _results_for_page() -> QuerySet[IndicatorResult]:
    evidence = EvidenceFile.objects.order_by("uploaded_at", "id")
    return (
        IndicatorResult.objects.select_related("indicator__criterion__department", "verified_by")
        .prefetch_related(Prefetch("evidence_files", queryset=evidence))
        .order_by("indicator__criterion__number", "indicator__position", "indicator__code")
    )


def assessment_for_page(user, pk: int) -> Assessment:
    """The assessment `user` may see, with its people, the commune's parents, and its results with
    indicator, criterion, department, verifier and evidence files (three queries); a 404 otherwise."""
    queryset = (
        assessments_for(user)
        .select_related(
            "commune__parent__parent",
            "criteria_set",
            "created_by",
            "submitted_by",
            "returned_by",
            "approved_by",
        )
        .prefetch_related(Prefetch("results", queryset=_results_for_page()))
        .annotate(rescore_crosswalk_id=newest_crosswalk_id())  # "Chấm lại theo bộ mới" (criteria.crosswalks)
    )
    assessment = queryset.filter(pk=pk).first()
    if assessment is None:
        raise Http404(_("Không tìm thấy đánh giá."))
    return assessment


def assessment_with_place(user, pk: int) -> Assessment:
    """The assessment `user` may see with its set and the commune's parents (one query); a 404 otherwise."""
    assessment = assessments_for(user).select_related("commune__parent__parent", "criteria_set").filter(pk=pk).first()
    if assessment is None:
        raise Http404(_("Không tìm thấy đánh giá."))
    return assessment


# One assessment, criterion by criterion


@dataclass
class ReviewCriterionRow:
    criterion: object
    results: list = field(default_factory=list)

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.results if r.met is True)

    @property
    def met(self) -> bool | None:
        """True when every indicator is met (the roll-up's rule), False when one is not, None when
        none failed but some have no result yet."""
        if self.results and all(r.met is True for r in self.results):
            return True
        return False if any(r.met is False for r in self.results) else None


def criteria_rows(results) -> list[ReviewCriterionRow]:
    """Group results (ordered by criterion, then indicator) into one row per criterion."""
    rows: dict[int, ReviewCriterionRow] = {}
    for result in results:
        criterion = result.indicator.criterion
        rows.setdefault(criterion.pk, ReviewCriterionRow(criterion)).results.append(result)
    return list(rows.values())


@dataclass
class VerificationCounts:
    verified: int = 0
    flagged: int = 0
    unchecked: int = 0
    # Indicators of criteria with no responsible department: nobody can verify them.
    without_department: int = 0

    @property
    def total(self) -> int:
        return self.verified + self.flagged + self.unchecked

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.flagged or self.unchecked)


def verification_counts(results) -> VerificationCounts:
    counts = VerificationCounts()
    for result in results:
        if result.indicator.criterion.department_id is None:
            counts.without_department += 1
        elif result.verification_state == VerificationState.VERIFIED:
            counts.verified += 1
        elif result.verification_state == VerificationState.FLAGGED:
            counts.flagged += 1
        else:
            counts.unchecked += 1
    return counts


@dataclass
class CriterionChange:
    number: int
    name: str
    old_met: bool
    new_met: bool


def criteria_changes(
    assessment: Assessment, comparison: Comparison, rows: list[ReviewCriterionRow]
) -> list[CriterionChange]:
    """Criteria met in one of the two assessments and not in the other, read from their stored
    summaries (`unmet` lists every criterion not met), so no query."""
    if comparison.previous is None:
        return []
    unmet_before = {item["number"] for item in comparison.previous.unmet}
    unmet_now = {item["number"] for item in assessment.unmet}
    changes = []
    for row in rows:
        number = row.criterion.number
        old_met, new_met = number not in unmet_before, number not in unmet_now
        if old_met != new_met:
            changes.append(CriterionChange(number, row.criterion.name, old_met, new_met))
    return changes


# Queues


def _subtree_q(memberships, prefix: str = "commune__") -> Q:
    """Units under any of `memberships`, each in its own era; nothing for no membership."""
    return reduce(
        or_,
        (Q(**{f"{prefix}era": m.unit.era, f"{prefix}path__startswith": m.unit.path}) for m in memberships),
        Q(pk__in=[]),
    )


def _with_parents(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return queryset.select_related("commune__parent__parent", "criteria_set")


def review_queue_for(user) -> QuerySet[Assessment]:
    """Submitted assessments of the communes under the user's reviewer memberships, oldest submission
    first, with the departments' progress: `dept_total`, `dept_verified`, `dept_flagged` (one query)."""
    reviewer = [m for m in permissions.memberships_of(user) if m.role == Role.REVIEWER]
    has_department = Q(results__indicator__criterion__department__isnull=False)
    return (
        _with_parents(Assessment.objects.filter(_subtree_q(reviewer), status=Status.SUBMITTED))
        .annotate(
            dept_total=Count("results", filter=has_department),
            dept_verified=Count(
                "results", filter=has_department & Q(results__verification_state=VerificationState.VERIFIED)
            ),
            dept_flagged=Count(
                "results", filter=has_department & Q(results__verification_state=VerificationState.FLAGGED)
            ),
        )
        .order_by("submitted_at", "id")
    )


def _officer_memberships(user) -> list:
    return [
        m for m in permissions.memberships_of(user) if m.role == Role.DEPARTMENT_OFFICER and m.department_id is not None
    ]


def is_department_officer(user) -> bool:
    return bool(_officer_memberships(user))


def verification_queue_for(user) -> QuerySet[Assessment]:
    """Submitted assessments under the user's department officer memberships that have indicators of
    the officer's departments, oldest submission first, with `mine_total`, `mine_verified`,
    `mine_flagged` counted over those indicators only (one query).

    A department counts only in the subtree of the membership that names it, so an officer of two
    departments in two districts sees each department's indicators in its own district.
    """
    memberships = _officer_memberships(user)
    mine = reduce(
        or_,
        (
            Q(
                commune__era=m.unit.era,
                commune__path__startswith=m.unit.path,
                results__indicator__criterion__department_id=m.department_id,
            )
            for m in memberships
        ),
        Q(pk__in=[]),
    )
    state = "results__verification_state"
    return (
        _with_parents(Assessment.objects.filter(_subtree_q(memberships), status=Status.SUBMITTED))
        .annotate(
            mine_total=Count("results", filter=mine),
            mine_verified=Count("results", filter=mine & Q(**{state: VerificationState.VERIFIED})),
            mine_flagged=Count("results", filter=mine & Q(**{state: VerificationState.FLAGGED})),
        )
        .filter(mine_total__gt=0)
        .order_by("submitted_at", "id")
    )


def results_to_verify(assessment: Assessment, department_ids: set[int]) -> list[IndicatorResult]:
    """The assessment's results whose criterion is the responsibility of one of `department_ids`
    (two queries: results, evidence files)."""
    return list(
        _results_for_page().filter(assessment=assessment, indicator__criterion__department_id__in=department_ids)
    )


def result_to_verify(assessment: Assessment, department_ids: set[int], result_pk: int) -> IndicatorResult | None:
    return (
        _results_for_page()
        .filter(assessment=assessment, indicator__criterion__department_id__in=department_ids, pk=result_pk)
        .first()
    )
