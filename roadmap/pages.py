"""What the roadmap pages and the commune section show, built from the selectors in a fixed number
of queries: the page for 3,000 communes reads as many rows per commune as the one for five, and no
query runs per commune."""

import datetime
from dataclasses import dataclass, field

from accounts.models import Role
from accounts.selectors import sees_everything
from assessments import permissions
from communes.models import AdministrativeUnit
from ntm.lib.collation import vietnamese_key
from roadmap import selectors
from roadmap.models import LEVEL_CHOICES, Plan, Recognition


def can_edit(user, commune: AdministrativeUnit) -> bool:
    """Reviewers covering the commune (and superusers) edit its plans and record its recognitions."""
    return sees_everything(user) or permissions.has_role(user, commune, Role.REVIEWER)


@dataclass
class PlanCell:
    level: str
    label: str
    plan: Plan | None
    status: str | None  # selectors.ACHIEVED / ON_TRACK / BEHIND, None without a plan
    recognition: Recognition | None


@dataclass
class PlanRow:
    commune: AdministrativeUnit
    cells: list[PlanCell]
    top_recognition: Recognition | None
    at_risk: list = field(default_factory=list)  # approved assessments below a recognised level's standard
    editable: bool = False

    @property
    def behind(self) -> bool:
        return any(c.status == selectors.BEHIND for c in self.cells)


def commune_rows(communes: list[AdministrativeUnit], user, today: datetime.date) -> list[PlanRow]:
    """One row per commune with its plans, status against each, recognitions and the at-risk flag
    (three queries: plans, recognitions, latest approved assessments; the memberships are cached)."""
    ids = [c.pk for c in communes]
    plans = selectors.plans_by_commune(ids)
    recognitions = selectors.recognitions_by_commune_level(ids)
    latest = selectors.latest_approved_by_level(ids)
    return [
        build_row(
            c, plans.get(c.pk, []), recognitions.get(c.pk, {}), latest.get(c.pk, {}), today, editable=can_edit(user, c)
        )
        for c in communes
    ]


def build_row(
    commune, plans: list[Plan], recognitions: dict[str, Recognition], latest: dict, today, *, editable: bool
) -> PlanRow:
    by_level = {p.level: p for p in plans}
    top = max(recognitions.values(), key=lambda r: (selectors.rank(r.level), r.decision_date), default=None)
    cells = []
    for level, label in LEVEL_CHOICES:
        plan = by_level.get(level)
        status = selectors.plan_status(plan, latest.get(level), top, today) if plan else None
        cells.append(PlanCell(level, label, plan, status, recognitions.get(level)))
    return PlanRow(commune, cells, top, selectors.at_risk(top, latest), editable)


@dataclass
class YearLevel:
    level: str
    label: str
    rows: list = field(default_factory=list)  # (commune, status)

    @property
    def achieved(self) -> int:
        return sum(1 for _c, status in self.rows if status == selectors.ACHIEVED)

    @property
    def behind(self) -> int:
        return sum(1 for _c, status in self.rows if status == selectors.BEHIND)


def by_year(rows: list[PlanRow]) -> list[tuple[int, list[YearLevel]]]:
    """For each planned year (earliest first), per level: the communes planned for it and their status."""
    years: dict[int, dict[str, YearLevel]] = {}
    for row in rows:
        for cell in row.cells:
            if cell.plan is None:
                continue
            levels = years.setdefault(cell.plan.target_year, {})
            entry = levels.setdefault(cell.level, YearLevel(cell.level, cell.label))
            entry.rows.append((row.commune, cell.status))
    order = [level for level, _label in LEVEL_CHOICES]
    return [
        (year, sorted(levels.values(), key=lambda e: order.index(e.level))) for year, levels in sorted(years.items())
    ]


def unit_communes(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The communes under `unit` (or the unit itself), in Vietnamese alphabetical order (one query)."""
    communes = selectors.scoped_communes(unit).only("id", "era", "code", "name", "path", "kind", "level")
    return sorted(communes, key=lambda c: vietnamese_key(c.name))


@dataclass
class PlanChange:
    """One line of a plan's history: who changed which level's year, when, from what to what."""

    when: datetime.datetime
    who: object
    level_label: str
    old_year: int | None
    new_year: int | None
    note: str


@dataclass
class CommuneSection:
    row: PlanRow
    recognitions: list[Recognition]
    changes: list[PlanChange]


def commune_section(commune: AdministrativeUnit, user, today: datetime.date, commune_page=None) -> CommuneSection:
    """The roadmap part of a commune page in two queries (three without `commune_page`).

    The current plans are read from their history, which also gives the changes: every write goes
    through Plan.save/delete (service or admin), and simple-history records each one. The latest
    approved assessment per level comes from the commune page's own summaries when given.
    """
    history = list(
        Plan.history.filter(commune_id=commune.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    plans, changes = _replay(history)
    recognitions = list(selectors.recognitions_for_commune(commune.pk))
    by_level: dict[str, Recognition] = {}
    for recognition in sorted(recognitions, key=lambda r: (r.decision_date, r.pk), reverse=True):
        by_level.setdefault(recognition.level, recognition)
    latest = (
        _latest_from_page(commune_page)
        if commune_page is not None
        else selectors.latest_approved_by_level([commune.pk]).get(commune.pk, {})
    )
    row = build_row(commune, plans, by_level, latest, today, editable=can_edit(user, commune))
    changes.sort(key=lambda c: c.when, reverse=True)
    return CommuneSection(row, recognitions, changes)


def _replay(history: list) -> tuple[list[Plan], list[PlanChange]]:
    labels = dict(LEVEL_CHOICES)
    current: dict[int, object] = {}
    changes = []
    for record in history:
        before = current.get(record.id)
        deleted = record.history_type == "-"
        changes.append(
            PlanChange(
                record.history_date,
                record.history_user,
                labels.get(record.level, record.level),
                before.target_year if before is not None else None,
                None if deleted else record.target_year,
                "" if deleted else record.note,
            )
        )
        if deleted:
            current.pop(record.id, None)
        else:
            current[record.id] = record
    plans = [record.instance for record in current.values()]
    return plans, changes


def _latest_from_page(commune_page) -> dict:
    """Per level, the latest approved assessment among the commune page's per-set summaries."""
    latest: dict = {}
    for summary in commune_page.sets:
        a = summary.approved
        if a is None:
            continue
        level = a.criteria_set.level
        if level not in latest or (a.as_of, a.pk) > (latest[level].as_of, latest[level].pk):
            latest[level] = a
    return latest
