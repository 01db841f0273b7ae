"""Database reads behind the dashboards, each one query whatever the number of communes.

The figures come from the summaries stored on Assessment (assessments.rollup), never from the
indicator results: a province has about 3,000 communes × 19 criteria × 50+ indicators.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from assessments.models import Assessment, Status
from communes.models import PROGRAMME_KINDS, AdministrativeUnit
from criteria.crosswalks import newest_crosswalk_id
from criteria.models import CriteriaSet, Criterion, Indicator
from dashboards.area import Area
from ntm.lib import data_version
from roadmap import selectors as roadmap_selectors

SUMMARY_FIELDS = (
    "id",
    "commune_id",
    "as_of",
    "criteria_met",
    "criteria_total",
    "indicators_met",
    "indicators_total",
    "indicators_unknown",
    "set_complete",
    "indicators_stated",
)
# The list of unmet criteria and indicators: only the pages that read it fetch it (heatmap, holdbacks,
# reports, the "fails" filters); decoding 10,000 of them is a third of the national table's time.
UNMET_FIELDS = ("unmet", "undetermined")


def set_choices(area: Area) -> list[CriteriaSet]:
    """build_set_choices's result, from the data-version cache: its counts read every commune's flag of
    the area (160-180 ms for the whole country), and every dashboard page asks for it."""
    return data_version.cached(
        "set_choices", (area.era, area.unit.pk if area.unit else None), lambda: build_set_choices(area)
    )


def build_set_choices(area: Area) -> list[CriteriaSet]:
    """Published sets with assessments in the area, each with `approved_count`: the communes with an approved one.

    The first is the default: the newest period that has approved assessments (a committee in 2025
    reads the 2021-2025 set, even when the 2016-2020 one had more rounds), then the most approved.
    One query; the counts read the stored latest-approved flag, not every assessment of the history.
    """
    in_area = Assessment.objects.filter(area.communes_q("commune__"), criteria_set=OuterRef("pk"))
    counted = (
        in_area.filter(is_latest_approved=True).order_by().values("criteria_set").annotate(n=Count("id")).values("n")
    )
    sets = list(
        CriteriaSet.objects.published()
        .filter(Exists(in_area))
        .annotate(
            approved_count=Coalesce(Subquery(counted), 0), rescore_crosswalk_id=newest_crosswalk_id("pk")
        )  # "Chấm lại theo bộ mới" (criteria.crosswalks)
        .order_by("-period_start", "-approved_count", "code")
    )
    return sorted(sets, key=lambda cs: cs.approved_count == 0)  # stable: keeps the order above


class UnitRef:
    """What the rows show of a commune and its parents: 10,000 model instances cost more than the query."""

    __slots__ = ("pk", "era", "code", "name", "level", "parent", "kind")

    def __init__(self, pk, era, code, name, level, parent=None, kind=""):
        self.pk, self.era, self.code, self.name, self.level, self.parent = pk, era, code, name, level, parent
        self.kind = kind

    @property
    def in_programme(self) -> bool:
        """A xã, counted in the figures; phường, thị trấn and đặc khu are listed apart (PROGRAMME_KINDS)."""
        return self.kind in PROGRAMME_KINDS

    @property
    def id(self):
        return self.pk


def communes_of(area: Area) -> list[UnitRef]:
    # The grandparent too: the national view names "huyện, tỉnh" for pre-2025 communes.
    rows = AdministrativeUnit.objects.filter(area.communes_q()).values_list(
        "id",
        "era",
        "code",
        "name",
        "level",
        "parent_id",
        "parent__name",
        "parent__level",
        "parent__parent_id",
        "parent__parent__name",
        "kind",
    )
    parents: dict[int, UnitRef] = {}
    communes = []
    for pk, era, code, name, level, parent_id, parent_name, parent_level, grand_id, grand_name, kind in rows:
        parent = None
        if parent_id is not None:
            parent = parents.get(parent_id)
            if parent is None:
                grand = UnitRef(grand_id, era, "", grand_name, parent_level - 1) if grand_id is not None else None
                parent = parents[parent_id] = UnitRef(parent_id, era, "", parent_name, parent_level, grand)
        communes.append(UnitRef(pk, era, code, name, level, parent, kind))
    return communes


def latest_approved(
    area: Area, criteria_set: CriteriaSet, on: datetime.date, *, with_unmet: bool = True
) -> dict[int, dict]:
    """Per commune, the stored summary of its latest approved assessment dated on or before `on`
    (SUMMARY_FIELDS, and "unmet" when `with_unmet`).

    From today on, the stored flag answers (one query, linear in the communes whatever their
    history); for a commune whose latest approval is dated after `on`, and for a date in the past,
    the approved history is ranked (one more query).
    """
    fields = SUMMARY_FIELDS + UNMET_FIELDS if with_unmet else SUMMARY_FIELDS
    if on < timezone.localdate():
        return _ranked(area, criteria_set, on, fields)
    found = {row["commune_id"]: row for row in flagged_rows(area, criteria_set, fields)}
    later = [commune_id for commune_id, row in found.items() if row["as_of"] > on]
    if later:
        for commune_id in later:
            del found[commune_id]
        found |= _ranked(area, criteria_set, on, fields, communes=later)
    return found


def flagged_rows(area: Area, criteria_set: CriteriaSet, fields: tuple = SUMMARY_FIELDS):
    """The stored flag's rows for the area: without the unmet lists, PostgreSQL reads them from the
    covering index assessment_latest_cover alone (an index-only scan; see the model's Meta)."""
    return (
        Assessment.objects.latest_approved_per_commune()
        .filter(area.communes_q("commune__"), criteria_set=criteria_set)
        .order_by()  # not the model's ordering: sorting 10,000 wide rows costs more than reading them
        .values(*fields)
    )


def ranked_winner_ids(area: Area, criteria_set: CriteriaSet, on: datetime.date, communes: list[int] | None = None):
    """A subquery: per commune of the area, the id of its latest approved assessment dated on or before `on`."""
    newest_first = [F("as_of").desc(), F("id").desc()]
    approved = Assessment.objects.approved().filter(
        area.communes_q("commune__"), criteria_set=criteria_set, as_of__lte=on
    )
    if communes is not None:
        approved = approved.filter(commune_id__in=communes)
    return (
        approved.annotate(rank=Window(RowNumber(), partition_by=[F("commune_id")], order_by=newest_first))
        .filter(rank=1)
        .values("id")
    )


def _ranked(
    area: Area, criteria_set: CriteriaSet, on: datetime.date, fields: tuple, communes: list[int] | None = None
) -> dict:
    # The winners' ids first (a narrow sort), then their rows: the stored unmet list makes a row wide,
    # and ranking the wide rows of a whole country spills the sort to disk. Still one query.
    winners = ranked_winner_ids(area, criteria_set, on, communes)
    rows = Assessment.objects.filter(id__in=winners).order_by().values(*fields)
    return {row["commune_id"]: row for row in rows}


@dataclass
class Pending:
    submitted: int = 0
    returned: int = 0

    @property
    def any(self) -> bool:
        return bool(self.submitted or self.returned)


def pending_by_commune(area: Area, criteria_set: CriteriaSet) -> dict[int, Pending]:
    """Work in progress now: assessments sent and waiting for review, and returned ones not yet resent.

    A returned assessment goes back to "submitted" when the commune resends it, so its status says it all.
    """
    rows = (
        Assessment.objects.filter(
            area.communes_q("commune__"), criteria_set=criteria_set, status__in=[Status.SUBMITTED, Status.RETURNED]
        )
        .values("commune_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    pending: dict[int, Pending] = {}
    for row in rows:
        item = pending.setdefault(row["commune_id"], Pending())
        setattr(item, row["status"], row["n"])
    return pending


def approved_history(area: Area, criteria_set: CriteriaSet, until: datetime.date) -> list[tuple]:
    """Every approved (commune_id, as_of, criteria_met, criteria_total) up to `until`, oldest first (the trend)."""
    return list(
        Assessment.objects.approved()
        .filter(area.communes_q("commune__"), criteria_set=criteria_set, as_of__lte=until)
        .order_by("as_of", "id")
        .values_list("commune_id", "as_of", "criteria_met", "criteria_total")
    )


def criteria_of(criteria_set: CriteriaSet) -> list[Criterion]:
    return list(Criterion.objects.filter(criteria_set=criteria_set).order_by("number").only("number", "name"))


def indicators_of(criteria_set: CriteriaSet) -> list[Indicator]:
    return list(
        Indicator.objects.filter(criteria_set=criteria_set)
        .select_related("criterion")
        .order_by("criterion__number", "position", "code")
        .only("code", "name", "criterion__number", "criterion__name")
    )


@dataclass
class RecognitionHook:
    """The recognition records of the roadmap app when it is installed (one query), else nothing.

    `top`: per commune, its highest recognition decided on or before the date (the column);
    `at_level`: the communes recognised at the chosen set's level (flagged when now below the standard).
    """

    top: dict = field(default_factory=dict)
    at_level: set = field(default_factory=set)
    installed: bool = False


def recognitions(area: Area, criteria_set: CriteriaSet, on: datetime.date) -> RecognitionHook:
    if not apps.is_installed("roadmap"):
        return RecognitionHook()
    ids = AdministrativeUnit.objects.filter(area.communes_q()).values("pk")  # a subquery, not 3,000 parameters
    hook = RecognitionHook(installed=True)
    for commune_id, by_level in roadmap_selectors.recognitions_by_commune_level(ids).items():
        # Highest level first (the selector's order); a decision after the chosen date did not exist yet.
        valid = [r for r in by_level.values() if r.decision_date <= on]
        if valid:
            hook.top[commune_id] = valid[0]
        if any(r.level == criteria_set.level for r in valid):
            hook.at_level.add(commune_id)
    return hook
