"""One dashboard's data, assembled from the selectors (a fixed number of queries) and the figures."""

from dataclasses import dataclass, field

from assessments import rollup
from assessments.models import Assessment
from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet
from dashboards import by_child, figures, selectors
from dashboards.area import Area
from ntm.lib import data_version
from ntm.lib.collation import vietnamese_key


@dataclass
class ChildRow:
    """One child unit of a summary page: the figures of its xã, and its phường/thị trấn/đặc khu apart."""

    unit: AdministrativeUnit
    figures: figures.Headline
    others: int = 0


@dataclass
class Dashboard:
    area: Area
    query: dict
    sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    all_rows: list[figures.DashboardRow] = field(default_factory=list)  # the xã, which the figures count
    rows: list[figures.DashboardRow] = field(
        default_factory=list
    )  # filtered and sorted (the xã, or with kind=other the others)
    # Phường, thị trấn and đặc khu: listed apart, never in the figures' denominators (PROGRAMME_KINDS).
    other_rows: list[figures.DashboardRow] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)  # summary pages above a district
    ranked: bool = False  # the children's figures ranked the approved history (a past date): by_child
    headline: figures.Headline | None = None
    since: figures.Headline | None = None
    change: dict | None = None
    # Recognition records (roadmap app): installed or not, the template reads this key.
    recognitions: selectors.RecognitionHook = field(default_factory=selectors.RecognitionHook)

    summary_note: str = ""  # summary pages (no commune rows): the note read from one stored summary

    @property
    def set_note(self) -> str:
        """The incomplete set's note ("bộ tiêu chí chưa đầy đủ: 56/57 chỉ tiêu"), from the stored summaries."""
        return self.summary_note or next((row.set_note for row in self.all_rows if row.summary), "")


def chosen_set(sets: list[CriteriaSet], code: str | None) -> CriteriaSet | None:
    # The one with most approved assessments unless the user chose another one offered here.
    chosen = next((cs for cs in sets if cs.code == code), None) if code else None
    return chosen or (sets[0] if sets else None)


def area_key(area: Area) -> tuple:
    return (area.era, area.unit.pk if area.unit else None)


def query_key(query: dict) -> tuple:
    return tuple(sorted((key, repr(value)) for key, value in query.items()))


def dashboard_for(
    area: Area, query: dict, *, with_since: bool = True, with_pending: bool = True, with_unmet: bool = True
) -> Dashboard:
    """build_dashboard's result, from the data-version cache (ntm.lib.data_version) when it has it."""
    return data_version.cached(
        "dashboard",
        (area_key(area), query_key(query), with_since, with_pending, with_unmet),
        lambda: build_dashboard(area, query, with_since=with_since, with_pending=with_pending, with_unmet=with_unmet),
    )


def build_dashboard(
    area: Area, query: dict, *, with_since: bool = True, with_pending: bool = True, with_unmet: bool = True
) -> Dashboard:
    """The commune rows of the area for the chosen set as of query["as_of"], with the headline figures.

    Queries: the set choices, the communes, the latest approved, the pending work, the recognitions
    (when the roadmap app is installed) and, with ?since=, the latest approved at that date.
    `with_unmet`: the rows carry the unmet criteria (heatmap, holdbacks, reports); the "fails"
    filters need them whatever the page asks.
    """
    sets = selectors.set_choices(area)
    criteria_set = chosen_set(sets, query.get("set"))
    board = Dashboard(area, query, sets, criteria_set)
    if criteria_set is None:
        return board
    units = selectors.communes_of(area)
    communes = [unit for unit in units if unit.in_programme]
    with_unmet = with_unmet or bool(query.get("fails") or query.get("fails_indicator"))
    summaries = selectors.latest_approved(area, criteria_set, query["as_of"], with_unmet=with_unmet)
    pending = selectors.pending_by_commune(area, criteria_set) if with_pending else {}
    board.recognitions = selectors.recognitions(area, criteria_set, query["as_of"])
    options = {"shows_parent": area.shows_parent, "with_province": area.unit is None}
    board.all_rows = figures.build_rows(communes, summaries, pending, board.recognitions, **options)
    others = [unit for unit in units if not unit.in_programme]
    board.other_rows = figures.build_rows(others, summaries, pending, board.recognitions, **options)
    listed = board.other_rows if query.get("kind") == "other" else board.all_rows
    board.rows = figures.sort_rows(figures.filter_rows(listed, query), query["sort"])
    board.headline = figures.headline(board.all_rows)
    if with_since and query.get("since"):
        earlier = selectors.latest_approved(area, criteria_set, query["since"], with_unmet=False)
        board.since = figures.headline(figures.build_rows(communes, earlier, {}, None, shows_parent=False))
        board.change = figures.headline_change(board.headline, board.since)
    return board


def _stored_set_note(criteria_set: CriteriaSet) -> str:
    """The completeness note of the set as its stored summaries carry it (one query): a summary page
    has no commune rows to read it from, and must not call an incomplete set's communes "đạt chuẩn"."""
    stored = (
        Assessment.objects.filter(criteria_set=criteria_set, is_latest_approved=True)
        .values("set_complete", "indicators_stated", "indicators_total")
        .first()
    )
    if stored is None:
        return ""
    return rollup.set_note(rollup.Summary(**stored))


def summary_for(area: Area, query: dict, *, with_since: bool = True) -> Dashboard:
    """build_summary's result, from the data-version cache (ntm.lib.data_version) when it has it."""
    return data_version.cached(
        "summary",
        (area_key(area), query_key(query), with_since),
        lambda: build_summary(area, query, with_since=with_since),
    )


def build_summary(area: Area, query: dict, *, with_since: bool = True) -> Dashboard:
    """The summary page above a district: one row per child unit with the figures of its xã, and the
    area's headline as their sum.

    Queries: the set choices, the children, the units by kind, the figures (one GROUP BY; one more when
    the approved history is ranked) and, with ?since=, the figures at that date.
    """
    sets = selectors.set_choices(area)
    criteria_set = chosen_set(sets, query.get("set"))
    board = Dashboard(area, query, sets, criteria_set)
    if criteria_set is None:
        return board
    board.summary_note = _stored_set_note(criteria_set)
    children = sorted(by_child.children_of(area), key=lambda unit: (vietnamese_key(unit.name), unit.code))
    counts = by_child.unit_counts(area, children)
    found, board.ranked = by_child.figures_by_child(area, children, criteria_set, query["as_of"])
    board.children = [
        ChildRow(
            child,
            figures.Headline(communes=counts.get(child.path, (0, 0))[0], **found.get(child.path, {})),
            counts.get(child.path, (0, 0))[1],
        )
        for child in children
    ]
    board.headline = figures.headline_sum(row.figures for row in board.children)
    if with_since and query.get("since"):
        earlier, _ranked = by_child.figures_by_child(area, children, criteria_set, query["since"])
        board.since = figures.headline_sum(
            figures.Headline(communes=counts.get(child.path, (0, 0))[0], **earlier.get(child.path, {}))
            for child in children
        )
        board.change = figures.headline_change(board.headline, board.since)
    return board


def others_count(board: Dashboard) -> int:
    """The phường, thị trấn and đặc khu of the area (not counted in the figures)."""
    return sum(row.others for row in board.children) if board.children else len(board.other_rows)
