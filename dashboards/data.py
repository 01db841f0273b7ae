"""One dashboard's data, assembled from the selectors (a fixed number of queries) and the figures."""

from dataclasses import dataclass, field

from criteria.models import CriteriaSet
from dashboards import figures, selectors
from dashboards.area import Area


@dataclass
class Dashboard:
    area: Area
    query: dict
    sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    all_rows: list[figures.CommuneRow] = field(default_factory=list)
    rows: list[figures.CommuneRow] = field(default_factory=list)  # filtered and sorted
    headline: figures.Headline | None = None
    since: figures.Headline | None = None
    change: dict | None = None
    # Recognition records (roadmap app): installed or not, the template reads this key.
    recognitions: selectors.RecognitionHook = field(default_factory=selectors.RecognitionHook)


def chosen_set(sets: list[CriteriaSet], code: str | None) -> CriteriaSet | None:
    # The one with most approved assessments unless the user chose another one offered here.
    chosen = next((cs for cs in sets if cs.code == code), None) if code else None
    return chosen or (sets[0] if sets else None)


def dashboard_for(area: Area, query: dict, *, with_since: bool = True, with_pending: bool = True,
                  with_unmet: bool = True) -> Dashboard:
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
    communes = selectors.communes_of(area)
    with_unmet = with_unmet or bool(query.get("fails") or query.get("fails_indicator"))
    summaries = selectors.latest_approved(area, criteria_set, query["as_of"], with_unmet=with_unmet)
    pending = selectors.pending_by_commune(area, criteria_set) if with_pending else {}
    board.recognitions = selectors.recognitions(area, criteria_set, query["as_of"])
    board.all_rows = figures.build_rows(
        communes, summaries, pending, board.recognitions, shows_parent=area.shows_parent, with_province=area.unit is None
    )
    board.rows = figures.sort_rows(figures.filter_rows(board.all_rows, query), query["sort"])
    board.headline = figures.headline(board.all_rows)
    if with_since and query.get("since"):
        earlier = selectors.latest_approved(area, criteria_set, query["since"], with_unmet=False)
        board.since = figures.headline(figures.build_rows(communes, earlier, {}, None, shows_parent=False))
        board.change = figures.headline_change(board.headline, board.since)
    return board
