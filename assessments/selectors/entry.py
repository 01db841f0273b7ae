"""Reads behind the commune staff's pages: their communes, the sets that apply to a commune, and the
entry form's criteria blocks. Each in a fixed number of queries, whatever the number of communes
or indicators."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from assessments import permissions
from assessments.forms.entry import format_number
from assessments.models import Assessment, Status
from assessments.services import TargetBook
from communes.models import AdministrativeUnit, Level
from criteria import applicability
from criteria.models import CriteriaSet, IndicatorKind
from ntm.lib.collation import vietnamese_key

# Criterion (and indicator) states shown as badges on the entry form.
MET, NOT_MET, INCOMPLETE = "met", "not_met", "incomplete"


def criterion_state(mets) -> str:
    """đạt when every indicator is met; chưa đạt as soon as one is not; chưa đủ while some are unknown."""
    mets = list(mets)
    if mets and all(m is True for m in mets):
        return MET
    if any(m is False for m in mets):
        return NOT_MET
    return INCOMPLETE


# Which sets apply to a commune


set_applies = applicability.set_applies
published_sets = applicability.published_sets
applicable_sets = applicability.applicable_sets


def free_as_of(commune: AdministrativeUnit, criteria_set: CriteriaSet | None, today: datetime.date) -> datetime.date:
    """The date the create form proposes: today (or the commune's last day if it no longer exists), else
    the end of the reporting year, else the first later day, whichever has no assessment of the set yet
    (one query)."""
    first = min(today, commune.valid_to) if commune.valid_to else today
    if criteria_set is None:
        return first
    taken = set(
        Assessment.objects.filter(commune=commune, criteria_set=criteria_set, as_of__gte=first).values_list(
            "as_of", flat=True
        )
    )
    year_end = datetime.date(first.year, 12, 31)
    candidates = [first]
    if not commune.valid_to or year_end <= commune.valid_to:
        candidates.append(year_end)
    for day in candidates:
        if day not in taken:
            return day
    day = first
    while day in taken:
        day += datetime.timedelta(days=1)
    return day


# "Xã của tôi"


def staff_communes(user) -> list[AdministrativeUnit]:
    """The communes `user` is commune staff of: a commune membership, or every commune under a
    larger unit's membership; Vietnamese-alphabetical (one query after the memberships)."""
    units = [m.unit for m in permissions.memberships_of(user) if m.role == Role.COMMUNE_STAFF]
    if not units:
        return []
    scope = Q(pk__in=[])
    for unit in units:
        scope |= Q(era=unit.era, path__startswith=unit.path)
    communes = AdministrativeUnit.objects.filter(scope, level=Level.COMMUNE).select_related("parent")
    return sorted(communes, key=lambda u: (vietnamese_key(u.name), u.era, u.code))


@dataclass
class CommuneOverview:
    commune: AdministrativeUnit
    assessments: list = field(default_factory=list)  # newest first
    latest: list = field(default_factory=list)  # the newest assessment of each set
    returned: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    sets_due: list = field(default_factory=list)  # applicable sets with no assessment this year

    @property
    def todo_count(self) -> int:
        return len(self.returned) + len(self.drafts) + len(self.sets_due)


def last_change(assessment: Assessment) -> datetime.datetime:
    stamps = [
        assessment.created_at,
        assessment.summary_updated_at,
        assessment.submitted_at,
        assessment.returned_at,
        assessment.approved_at,
    ]
    return max(s for s in stamps if s is not None)


def _sets_due(commune, sets, assessments, today: datetime.date) -> list[CriteriaSet]:
    # A commune that no longer exists (merged in 2025) is not asked for new assessments.
    if (commune.valid_to and commune.valid_to < today) or (commune.valid_from and commune.valid_from > today):
        return []
    done = {a.criteria_set_id for a in assessments if a.as_of.year == today.year}
    return [cs for cs in sets if (cs.period_start or 0) <= today.year <= (cs.period_end or 9999) and cs.pk not in done]


def my_communes(user) -> list[CommuneOverview]:
    """Everything the "Xã của tôi" page shows, in four queries after the memberships."""
    communes = staff_communes(user)
    if not communes:
        return []
    assessments = (
        Assessment.objects.filter(commune__in=communes)
        .select_related("criteria_set")
        .order_by("commune_id", "-as_of", "-id")
    )
    by_commune = {pk: list(rows) for pk, rows in groupby(assessments, key=lambda a: a.commune_id)}
    sets, today = published_sets(), timezone.localdate()
    overviews = []
    for commune in communes:
        rows = by_commune.get(commune.pk, [])
        for a in rows:
            a.last_change = last_change(a)
            a.editable = a.is_editable  # the user is commune staff of every commune listed
        latest = {}
        for a in rows:
            latest.setdefault(a.criteria_set_id, a)
        overviews.append(
            CommuneOverview(
                commune=commune,
                assessments=rows,
                latest=list(latest.values()),
                returned=[a for a in rows if a.status == Status.RETURNED],
                drafts=[a for a in rows if a.status == Status.DRAFT],
                sets_due=_sets_due(commune, applicable_sets(commune, sets), rows, today),
            )
        )
    return overviews


# The entry form


@dataclass
class EntryRow:
    """One indicator of the entry form: its stored result and, when re-rendering a post, what was typed."""

    result: object
    indicator: object
    anchor: str
    shown: object = None  # the value (text) or the answer (True / False / None) the form shows
    note: str = ""
    errors: list = field(default_factory=list)
    note_errors: list = field(default_factory=list)
    met: bool | None = None
    changed_by_other: bool = False
    missing: bool = False
    target_reason: str = ""  # why no target applies to the commune, when the rule knows

    @property
    def is_numeric(self) -> bool:
        return self.indicator.kind == IndicatorKind.NUMERIC

    @property
    def state(self) -> str:
        return {True: MET, False: NOT_MET}.get(self.met, INCOMPLETE)


@dataclass
class Block:
    criterion: object
    rows: list = field(default_factory=list)
    expanded: bool = False

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.rows if r.met is True)

    @property
    def state(self) -> str:
        return criterion_state(r.met for r in self.rows)


def anchor_for(code: str) -> str:
    """The HTML id of an indicator's row: "ind-2-1" for 2.1."""
    return "ind-" + "".join(c if c.isalnum() else "-" for c in code)


def entry_blocks(assessment: Assessment) -> list[Block]:
    """The assessment's results grouped by criterion, in the set's order, showing the stored values.

    Reads the results prefetched by assessments.selectors.assessment_with_results: no query, except
    the set's target book (cached once its set is frozen) when a numeric result has no target.
    """
    book = None
    blocks = []
    for _number, results in groupby(assessment.results.all(), key=lambda r: r.indicator.criterion.number):
        results = list(results)
        block = Block(criterion=results[0].indicator.criterion)
        for result in results:
            indicator = result.indicator
            shown = format_number(result.value) if indicator.kind == IndicatorKind.NUMERIC else result.met
            row = EntryRow(
                result=result,
                indicator=indicator,
                anchor=anchor_for(indicator.code),
                shown=shown,
                note=result.note,
                met=result.met,
            )
            if indicator.kind == IndicatorKind.NUMERIC and not result.target_applied:
                book = book or TargetBook.of(assessment.criteria_set)
                row.target_reason = book.resolve(book.by_id[indicator.id], assessment.commune, assessment.as_of).reason
            block.rows.append(row)
        blocks.append(block)
    return blocks
