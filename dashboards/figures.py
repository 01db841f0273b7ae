"""The dashboard's figures, as plain Python over the stored summaries (no ORM here).

A commune "đạt chuẩn" when its latest approved assessment meets every criterion of the set; it is
"chưa đánh giá" when it has no approved assessment on or before the chosen date.
"""

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from assessments import rollup
from ntm.lib import numbers
from ntm.lib.collation import vietnamese_key

MET, UNMET, NONE = "met", "unmet", "none"


@dataclass
class DashboardRow:
    commune: object
    parent_name: str = ""
    summary: dict | None = None  # selectors.SUMMARY_FIELDS of the latest approved assessment
    pending: object = None  # selectors.Pending or None
    recognition: object = None  # roadmap.models.Recognition, the commune's highest
    recognised_at_level: bool = False  # recognised at the level of the chosen set
    name_key: tuple = ()
    report_sentence: str = ""  # set by the print report (rollup.shorter_sentence)

    @property
    def status(self) -> str:
        if not self.summary:
            return NONE
        s = self.summary
        return MET if s["criteria_total"] and s["criteria_met"] == s["criteria_total"] else UNMET

    @property
    def short_by(self) -> int | None:
        """How many criteria the commune lacks (None when not assessed)."""
        return self.summary["criteria_total"] - self.summary["criteria_met"] if self.summary else None

    @property
    def percent(self) -> int:
        s = self.summary
        return round(100 * s["criteria_met"] / s["criteria_total"]) if s and s["criteria_total"] else 0

    @property
    def unmet_numbers(self) -> set[int]:
        """The criteria not met: unmet ones and those with undetermined indicators (not met either)."""
        if not self.summary:
            return set()
        return {item["number"] for item in (*self.summary["unmet"], *self.summary.get("undetermined", []))}

    @property
    def at_risk(self) -> bool:
        # Recognised at a level, yet the latest approved assessment is below the standard (issue item 8).
        return self.recognised_at_level and self.status == UNMET

    @property
    def rollup_summary(self) -> rollup.Summary | None:
        s = self.summary
        if not s:
            return None
        return rollup.Summary(
            criteria_met=s["criteria_met"],
            criteria_total=s["criteria_total"],
            indicators_met=s["indicators_met"],
            indicators_total=s["indicators_total"],
            indicators_unknown=s["indicators_unknown"],
            unmet=s.get("unmet", []),
            undetermined=s.get("undetermined", []),
            set_complete=s.get("set_complete", True),
            indicators_stated=s.get("indicators_stated"),
        )

    @property
    def set_note(self) -> str:
        """ "bộ tiêu chí chưa đầy đủ: 56/57 chỉ tiêu" next to the row's x/N, on an incomplete set."""
        return rollup.set_note(self.rollup_summary) if self.summary else ""

    def sentence(self, level: str = "") -> str:
        summary = self.rollup_summary
        summary.level = level
        return rollup.sentence(summary)


def report_sentence(row: DashboardRow, level: str, names: dict[int, str]) -> str:
    """The print report's sentence for one commune: the shorter of the unmet-form and the met-form."""
    summary = row.rollup_summary
    summary.level = level
    return rollup.shorter_sentence(summary, names)


def build_rows(
    communes, summaries: dict, pending: dict, recognitions, *, shows_parent: bool, with_province: bool = False
) -> list[DashboardRow]:
    """One row per commune, alphabetical; `recognitions` is a selectors.RecognitionHook or None."""
    top, at_level = (recognitions.top, recognitions.at_level) if recognitions else ({}, set())
    rows = []
    for commune in communes:
        parent = commune.parent
        parent_name = ""
        if shows_parent and parent:
            grand = parent.parent
            # Pre-2025 communes in the national view: "Huyện Can Lộc, Hà Tĩnh".
            named = with_province and grand and parent.level == 2
            parent_name = f"{parent.name}, {grand.name}" if named else parent.name
        rows.append(
            DashboardRow(
                commune,
                parent_name,
                summaries.get(commune.pk),
                pending.get(commune.pk),
                top.get(commune.pk),
                commune.pk in at_level,
                vietnamese_key(commune.name),
            )
        )
    parent_keys = {name: vietnamese_key(name) for name in {r.parent_name for r in rows}}
    rows.sort(key=lambda r: (r.name_key, parent_keys[r.parent_name], r.commune.pk))
    return rows


# Headline figures


@dataclass
class Headline:
    communes: int = 0
    assessed: int = 0
    reaching: int = 0
    criteria_met_sum: int = 0
    short_one: int = 0
    short_two: int = 0

    @property
    def not_assessed(self) -> int:
        return self.communes - self.assessed

    @property
    def average(self) -> Decimal | None:
        """Bình quân tiêu chí/xã, over the communes with an approved assessment (ntm.lib.numbers.average)."""
        return numbers.average(self.criteria_met_sum, self.assessed)

    @property
    def reaching_percent(self) -> int:
        return round(100 * self.reaching / self.communes) if self.communes else 0


def headline(rows: list[DashboardRow]) -> Headline:
    h = Headline(communes=len(rows))
    for row in rows:
        if not row.summary:
            continue
        h.assessed += 1
        h.criteria_met_sum += row.summary["criteria_met"]
        short = row.short_by
        h.reaching += row.status == MET
        h.short_one += short == 1
        h.short_two += short == 2
    return h


def headline_sum(parts) -> Headline:
    """The headline of an area from its children's."""
    total = Headline()
    for part in parts:
        for name in ("communes", "assessed", "reaching", "criteria_met_sum", "short_one", "short_two"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total


def headline_change(now: Headline, then: Headline) -> dict:
    """Now minus then, per figure (the averages' difference as shown: ntm.lib.numbers.change)."""
    average = numbers.change(now.average, then.average)
    return {
        "reaching": now.reaching - then.reaching,
        "average": average,
        "short_one": now.short_one - then.short_one,
        "short_two": now.short_two - then.short_two,
        "not_assessed": now.not_assessed - then.not_assessed,
    }


# Filters and sorting


def _folded(text: str) -> str:
    # "kim song" finds "Kim Sông Trường", "duc" finds "Đức": typing without diacritics is common.
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def filter_rows(rows: list[DashboardRow], query: dict) -> list[DashboardRow]:
    status, low, high = query.get("status"), query.get("min"), query.get("max")
    text = _folded(query.get("q") or "")
    fails, fails_indicator = query.get("fails"), query.get("fails_indicator")
    out = []
    for row in rows:
        if status and row.status != status:
            continue
        if (low is not None or high is not None) and not row.summary:
            continue
        met = row.summary["criteria_met"] if row.summary else None
        if (low is not None and met < low) or (high is not None and met > high):
            continue
        if (
            text
            and text not in _folded(row.commune.name)
            and not (text.isdigit() and row.commune.code.startswith(text))
        ):
            continue
        if fails and fails not in row.unmet_numbers:
            continue
        if fails_indicator and not _fails_indicator(row, fails_indicator):
            continue
        out.append(row)
    return out


def _fails_indicator(row: DashboardRow, code: str) -> bool:
    return bool(row.summary) and any(code in item["codes"] for item in row.summary["unmet"])


STATUS_ORDER = {MET: 2, UNMET: 1, NONE: 0}
MISSING_DATE = datetime.date.min

SORT_KEYS = {
    "name": lambda r: r.name_key,
    "parent": lambda r: vietnamese_key(r.parent_name),
    "criteria": lambda r: (r.summary["criteria_met"], r.summary["criteria_total"]) if r.summary else (-1, 0),
    "indicators": lambda r: r.summary["indicators_met"] if r.summary else -1,
    "status": lambda r: STATUS_ORDER[r.status],
    "as_of": lambda r: r.summary["as_of"] if r.summary else MISSING_DATE,
    "pending": lambda r: (r.pending.submitted + r.pending.returned) if r.pending else 0,
}


def sort_rows(rows: list[DashboardRow], sort: str) -> list[DashboardRow]:
    """Sorted by one column; ties keep the alphabetical order (rows come in sorted by name, the sort is stable)."""
    descending = sort.startswith("-")
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["name"])
    if not descending:
        return sorted(rows, key=key)
    # sorted(reverse=True) keeps equal keys in their original (alphabetical) order, unlike reversing the list.
    return sorted(rows, key=key, reverse=True)


# Heatmap and what holds communes back


def heatmap_cells(row: DashboardRow, criteria) -> list[str]:
    """met / unmet / none per criterion, in the criteria's order (met = not in the stored unmet list)."""
    if not row.summary:
        return [NONE] * len(criteria)
    unmet = row.unmet_numbers
    return [UNMET if c.number in unmet else MET for c in criteria]


@dataclass
class Holdback:
    key: str  # criterion number or indicator code
    name: str
    failing: int
    share: float  # of the assessed communes, 0..1
    criterion_number: int | None = None
    url: str = ""


def holdbacks(rows: list[DashboardRow], criteria, indicators) -> tuple[list[Holdback], list[Holdback]]:
    """Per criterion and per indicator, the communes failing it, most failed first (ties in the set's order)."""
    assessed = [r for r in rows if r.summary]
    by_criterion: dict[int, int] = {}
    by_code: dict[str, int] = {}
    for row in assessed:
        for number in row.unmet_numbers:
            by_criterion[number] = by_criterion.get(number, 0) + 1
        for item in row.summary["unmet"]:  # undetermined indicators did not fail
            for code in item["codes"]:
                by_code[code] = by_code.get(code, 0) + 1
    total = len(assessed) or 1
    crit = [
        Holdback(str(c.number), c.name, by_criterion.get(c.number, 0), by_criterion.get(c.number, 0) / total, c.number)
        for c in criteria
    ]
    ind = [
        Holdback(i.code, i.name, by_code.get(i.code, 0), by_code.get(i.code, 0) / total, i.criterion.number)
        for i in indicators
    ]
    crit.sort(key=lambda h: -h.failing)
    ind.sort(key=lambda h: -h.failing)
    return crit, ind


# Trend


@dataclass
class Period:
    label: str
    end: datetime.date
    assessed: int = 0
    average: Decimal | None = None
    reaching: int = 0


def period_ends(first: datetime.date, last: datetime.date, by: str) -> list[datetime.date]:
    """The ends of the quarters (or years) from the one holding `first` to the one holding `last`."""
    ends = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while True:
        end = _quarter_end(year, quarter) if by == "quarter" else datetime.date(year, 12, 31)
        ends.append(end)
        if end >= last:
            return ends
        if by == "quarter":
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        else:
            year += 1


def _quarter_end(year: int, quarter: int) -> datetime.date:
    month = quarter * 3
    next_first = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return next_first - datetime.timedelta(days=1)


def trend(history: list[tuple], *, until: datetime.date, by: str, label) -> list[Period]:
    """Per period, over the latest approved assessment of each commune on or before the period's end.

    `history` is selectors.approved_history (oldest first); `label(end)` names a period.
    """
    if not history:
        return []
    latest: dict[int, tuple[int, int]] = {}
    periods = []
    index = 0
    for end in period_ends(history[0][1], until, by):
        while index < len(history) and history[index][1] <= end:
            commune_id, _as_of, met, total = history[index]
            latest[commune_id] = (met, total)
            index += 1
        values = list(latest.values())
        period = Period(label(end), end, len(values))
        if values:
            period.average = numbers.average(sum(m for m, _t in values), len(values))
            period.reaching = sum(1 for m, t in values if t and m == t)
        periods.append(period)
    return periods


# The heatmap above a district: one row per child unit


@dataclass
class ShareCell:
    number: int  # the criterion
    meeting: int = 0  # assessed xã meeting it
    assessed: int = 0

    @property
    def share(self) -> float | None:
        return self.meeting / self.assessed if self.assessed else None

    @property
    def band(self) -> str:
        """The colour class: none (nothing assessed), then 0-4 by fifths of the share."""
        share = self.share
        return "none" if share is None else str(min(4, int(share * 5)))


def share_cells(assessed: int, failing: dict[int, int], criteria) -> list[ShareCell]:
    """Per criterion, the assessed xã of a child unit meeting it (those not failing it)."""
    return [ShareCell(c.number, assessed - failing.get(c.number, 0), assessed) for c in criteria]
