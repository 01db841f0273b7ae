"""Two assessments side by side: per criterion and indicator, the status, value, target applied and
evidence in each, and which indicators changed status between them.

Any two assessments the user may see: two dates of one commune, or two communes (their latest
approved assessments on one set, or any chosen ones). When the two are on different criteria sets,
indicators are matched by code only where the codes match, and the comparison says the sets differ
(a real crosswalk between sets is another feature's; nothing here guesses one).

Reads only, in a fixed number of queries: the pair (one), the previous approved one when asked for
(one), the results of both with their indicators and criteria (one) and evidence files (one). The
target applied is the one stored with each result; a numeric result with none gets the reason from
the set's TargetBook (criteria.targets.resolve), read once per set, and kept once the set is frozen.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models import Assessment, EvidenceFile, IndicatorResult
from assessments.selectors import assessments_for
from assessments.services.book import TargetBook
from criteria.models import IndicatorKind

# A side's status for one indicator (đạt / chưa đạt / chưa xác định), or "absent": its set has no
# indicator with this code.
MET, UNMET, UNKNOWN, ABSENT = "met", "unmet", "unknown", "absent"


def status_of(met: bool | None) -> str:
    return MET if met is True else UNMET if met is False else UNKNOWN


def pair_for(user, first_pk: int, second_pk: int | None = None) -> tuple[Assessment, Assessment | None]:
    """The two assessments `user` may see (the assessment page's scope: assessments.selectors.assessments_for),
    with their communes' parents and sets; a 404 when either is missing or outside the scope.

    With no `second_pk`, the second is the commune's previous approved assessment on the same set (the
    latest approved dated before the first), or None when there is none.
    """
    wanted = {first_pk} if second_pk is None else {first_pk, second_pk}
    found = {
        a.pk: a
        for a in assessments_for(user).select_related("commune__parent__parent", "criteria_set").filter(pk__in=wanted)
    }
    if set(found) != wanted:
        raise Http404(_("Không tìm thấy đánh giá."))
    first = found[first_pk]
    if second_pk is not None:
        return first, found[second_pk]
    previous = (
        Assessment.objects.approved()
        .filter(commune_id=first.commune_id, criteria_set_id=first.criteria_set_id, as_of__lt=first.as_of)
        .exclude(pk=first.pk)
        .select_related("commune__parent__parent", "criteria_set")
        .order_by("-as_of", "-id")
        .first()
    )
    return first, previous


def in_order(first: Assessment, second: Assessment) -> tuple[Assessment, Assessment]:
    """Two dates of one commune read left to right, older first; two communes stay as chosen."""
    if first.commune_id == second.commune_id and (second.as_of, second.pk) < (first.as_of, first.pk):
        return second, first
    return first, second


@dataclass
class Side:
    """One assessment's result for one indicator."""

    result: IndicatorResult | None
    status: str = ABSENT
    target: str = ""  # the target applied, as stored with the result
    target_reason: str = ""  # why no target applies (a numeric result without one)

    @property
    def present(self) -> bool:
        return self.result is not None

    @property
    def value(self):
        return self.result.value if self.result is not None else None

    @property
    def files(self) -> list:
        return self.result.evidence_list if self.result is not None else []


@dataclass
class IndicatorRow:
    code: str
    name: str
    kind: str
    unit: str
    left: Side
    right: Side

    @property
    def matched(self) -> bool:
        return self.left.present and self.right.present

    @property
    def changed(self) -> bool:
        """The status differs (đạt, chưa đạt, chưa xác định), the indicator being in both sets."""
        return self.matched and self.left.status != self.right.status

    @property
    def direction(self) -> str:
        """ "up" when only the right one is met, "down" when only the left one is, else ""."""
        if not self.changed:
            return ""
        if self.right.status == MET:
            return "up"
        return "down" if self.left.status == MET else ""

    @property
    def value_changed(self) -> bool:
        return self.matched and self.left.value != self.right.value

    @property
    def target_differs(self) -> bool:
        return self.matched and self.left.target != self.right.target


@dataclass
class CriterionBlock:
    number: int
    name: str
    rows: list[IndicatorRow] = field(default_factory=list)
    # Whose criterion this is: "both" (one set), else the left set's or the right set's (sets differ).
    owner: str = "both"

    def _met(self, side: str) -> bool | None:
        """The roll-up's rule on the side's results of this block: met iff every indicator is met; None
        when none failed but some have no result, and for a side whose set this criterion is not (the
        indicators matched by code are not the other set's whole criterion)."""
        if self.owner not in ("both", side):
            return None
        sides = [getattr(row, side) for row in self.rows]
        if not sides or not all(s.present for s in sides):
            return None
        if all(s.status == MET for s in sides):
            return True
        return False if any(s.status == UNMET for s in sides) else None

    @property
    def left_met(self) -> bool | None:
        return self._met("left")

    @property
    def right_met(self) -> bool | None:
        return self._met("right")

    @property
    def changed(self) -> bool:
        return any(row.changed for row in self.rows)


@dataclass
class AssessmentComparison:
    left: Assessment
    right: Assessment
    blocks: list[CriterionBlock]

    @property
    def same_set(self) -> bool:
        return self.left.criteria_set_id == self.right.criteria_set_id

    @property
    def same_commune(self) -> bool:
        return self.left.commune_id == self.right.commune_id

    @property
    def rows(self) -> list[IndicatorRow]:
        return [row for block in self.blocks for row in block.rows]

    @property
    def changed(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.changed]

    @property
    def up_count(self) -> int:
        return sum(1 for row in self.rows if row.direction == "up")

    @property
    def down_count(self) -> int:
        return sum(1 for row in self.rows if row.direction == "down")

    @property
    def matched_count(self) -> int:
        return sum(1 for row in self.rows if row.matched)

    @property
    def only_left(self) -> list[str]:
        return [row.code for row in self.rows if row.left.present and not row.right.present]

    @property
    def only_right(self) -> list[str]:
        return [row.code for row in self.rows if row.right.present and not row.left.present]

    @property
    def changed_blocks(self) -> list[CriterionBlock]:
        """The criteria with an indicator that changed status (their statuses still count all their rows)."""
        return [block for block in self.blocks if block.changed]


def _results(assessments: list[Assessment]) -> dict[int, list[IndicatorResult]]:
    """Both assessments' results in their set's order, with indicator, criterion and evidence files (two queries)."""
    files = EvidenceFile.objects.order_by("uploaded_at", "id")
    results = (
        IndicatorResult.objects.filter(assessment__in=assessments)
        .select_related("indicator__criterion")
        .prefetch_related(Prefetch("evidence_files", queryset=files, to_attr="evidence_list"))
        .order_by("indicator__criterion__number", "indicator__position", "indicator__code")
    )
    by_assessment: dict[int, list[IndicatorResult]] = {a.pk: [] for a in assessments}
    for result in results:
        by_assessment[result.assessment_id].append(result)
    return by_assessment


def _side(result: IndicatorResult | None, assessment: Assessment, books: dict) -> Side:
    if result is None:
        return Side(None)
    side = Side(result, status_of(result.met), result.target_applied)
    if result.indicator.kind == IndicatorKind.NUMERIC and not result.target_applied:
        book = books.get(assessment.criteria_set_id)
        if book is None:
            book = books[assessment.criteria_set_id] = TargetBook.of(assessment.criteria_set)
        indicator = book.by_id.get(result.indicator_id)
        if indicator is not None:
            side.target_reason = book.resolve(indicator, assessment.commune, assessment.as_of).reason
    return side


def _row(left: IndicatorResult | None, right: IndicatorResult | None, sides: tuple, books: dict) -> IndicatorRow:
    indicator = (left or right).indicator
    return IndicatorRow(
        code=indicator.code,
        name=indicator.name,
        kind=indicator.kind,
        unit=indicator.unit,
        left=_side(left, sides[0], books),
        right=_side(right, sides[1], books),
    )


def compare(first: Assessment, second: Assessment) -> AssessmentComparison:
    """`first` and `second` side by side (older on the left for one commune), criterion by criterion.

    On one set, the blocks are its criteria. On two sets, the blocks are the left set's criteria,
    each indicator matched with the right set's indicator of the same code; the right set's
    indicators whose code the left set lacks follow, under their own criteria.
    """
    left, right = in_order(first, second)
    results = _results([left, right])
    books: dict = {}
    right_by_code = {r.indicator.code: r for r in results[right.pk]}
    owner = "both" if left.criteria_set_id == right.criteria_set_id else "left"
    blocks: dict[tuple, CriterionBlock] = {}
    for result in results[left.pk]:
        criterion = result.indicator.criterion
        block = blocks.setdefault(
            ("left", criterion.number), CriterionBlock(criterion.number, criterion.name, owner=owner)
        )
        block.rows.append(_row(result, right_by_code.pop(result.indicator.code, None), (left, right), books))
    for result in results[right.pk]:
        if result.indicator.code not in right_by_code:
            continue  # matched above
        criterion = result.indicator.criterion
        block = blocks.setdefault(
            ("right", criterion.number), CriterionBlock(criterion.number, criterion.name, owner="right")
        )
        block.rows.append(_row(None, result, (left, right), books))
    return AssessmentComparison(left, right, list(blocks.values()))
