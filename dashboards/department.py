"""The department view (rà soát các tiêu chí mình phụ trách): across the communes under a department
officer's memberships, only the criteria of their department, with each commune's latest approved
result for them and the failing indicators.

Everything comes from the stored summary of the latest approved assessments (Assessment.unmet: one
entry per criterion not met, with its indicators not met); indicator results are never read, and the
page costs the same number of queries for five communes or three thousand.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from accounts.models import Membership, Role
from assessments import permissions
from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet, Criterion, Department
from ntm.lib.collation import vietnamese_key


def department_memberships(user) -> list[Membership]:
    """The user's department-officer memberships that name a department (cached memberships: no query)."""
    return [
        m for m in permissions.memberships_of(user) if m.role == Role.DEPARTMENT_OFFICER and m.department_id is not None
    ]


def communes_q(memberships: list[Membership]) -> Q:
    q = Q(pk__in=[])
    for m in memberships:
        q |= Q(era=m.unit.era, path__startswith=m.unit.path)
    return q & Q(level=3)


def sets_with_approved(commune_q: Q) -> list[CriteriaSet]:
    """The sets of the approved assessments of those communes, the current period first (the newest
    period start; then the most used), so the page opens on today's set, not on the one with the
    longest history (one query)."""
    communes = AdministrativeUnit.objects.filter(commune_q).values("pk")
    return list(
        CriteriaSet.objects.filter(assessments__status=Status.APPROVED, assessments__commune__in=communes)
        .annotate(approved_count=Count("assessments"))
        .order_by(F("period_start").desc(nulls_last=True), "-approved_count", "code")
    )


@dataclass
class DepartmentCell:
    criterion: Criterion
    met: bool | None  # None: no approved assessment
    failing: list[str] = field(default_factory=list)


@dataclass
class DepartmentRow:
    commune: AdministrativeUnit
    assessment: Assessment | None
    cells: list[DepartmentCell]


@dataclass
class CriterionCount:
    criterion: Criterion
    met: int = 0
    failing: int = 0
    not_assessed: int = 0


@dataclass
class DepartmentView:
    department: Department
    criteria_set: CriteriaSet | None
    criteria: list[Criterion]
    rows: list[DepartmentRow]
    counts: list[CriterionCount]


def department_view(
    department: Department,
    memberships: list[Membership],
    criteria_set: CriteriaSet | None,
) -> DepartmentView:
    """Rows and per-criterion counts for `department` under `memberships` (three queries)."""
    if criteria_set is None:
        return DepartmentView(department, None, [], [], [])
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set, department=department).order_by("number"))
    communes = sorted(
        AdministrativeUnit.objects.filter(communes_q(memberships)).only("id", "era", "code", "name", "path", "level"),
        key=lambda c: vietnamese_key(c.name),
    )
    latest = _latest_approved(criteria_set, [c.pk for c in communes])
    counts = {c.pk: CriterionCount(c) for c in criteria}
    rows = []
    for commune in communes:
        assessment = latest.get(commune.pk)
        # A criterion with undetermined indicators (a value, no applicable target) is not met either.
        unmet = {item["number"]: item.get("codes", []) for item in (assessment.undetermined if assessment else [])}
        unmet |= {item["number"]: item.get("codes", []) for item in assessment.unmet} if assessment else {}
        cells = []
        for criterion in criteria:
            if assessment is None:
                cell = DepartmentCell(criterion, None)
                counts[criterion.pk].not_assessed += 1
            elif criterion.number in unmet:
                cell = DepartmentCell(criterion, False, list(unmet[criterion.number]))
                counts[criterion.pk].failing += 1
            else:
                cell = DepartmentCell(criterion, True)
                counts[criterion.pk].met += 1
            cells.append(cell)
        rows.append(DepartmentRow(commune, assessment, cells))
    return DepartmentView(department, criteria_set, criteria, rows, list(counts.values()))


def _latest_approved(criteria_set: CriteriaSet, commune_ids: list[int]) -> dict[int, Assessment]:
    # The stored latest-approved flag: no ranking of each commune's history.
    rows = (
        Assessment.objects.latest_approved_per_commune()
        .filter(criteria_set=criteria_set, commune_id__in=commune_ids)
        .order_by()
        .only("commune_id", "as_of", "unmet", "undetermined", "criteria_met", "criteria_total", "meets_standard")
    )
    return {a.commune_id: a for a in rows}
