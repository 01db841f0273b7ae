"""Reads behind the summary pages above a district: one row per child unit, aggregated in SQL.

The country has about 10,000 communes; its page shows one row per province, a pre-2025 province one
row per district. The figures are GROUP BYs on the stored summaries (Assessment.criteria_met etc.)
of each commune's latest approved assessment, keyed by the child's materialised path, so the number
of queries and the rows fetched follow the children, not the communes.
"""

import datetime

from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from assessments.models import Assessment
from communes.models import PROGRAMME_KINDS, AdministrativeUnit
from criteria.models import CriteriaSet
from dashboards import selectors
from dashboards.area import Area

FIGURES = ("assessed", "criteria_met_sum", "reaching", "short_one", "short_two")


def children_of(area: Area) -> list[AdministrativeUnit]:
    """The units right under the area (the provinces of the era for the country), unsorted."""
    q = Q(parent=area.unit) if area.unit else Q(parent__isnull=True)
    return list(
        AdministrativeUnit.objects.filter(q, era=area.era).only("id", "era", "code", "name", "level", "kind", "path")
    )


def _child_key(children: list[AdministrativeUnit], field: str):
    """SQL naming the child each commune belongs to: its path's prefix (codes have a fixed width per level)."""
    lengths = {len(child.path) for child in children}
    if len(lengths) == 1:
        return Substr(field, 1, lengths.pop())
    # Codes of mixed widths (not in the official lists): one prefix test per child, still in SQL.
    whens = [When(**{f"{field}__startswith": child.path}, then=Value(child.path)) for child in children]
    return Case(*whens, default=Value(""), output_field=CharField())


def unit_counts(area: Area, children: list[AdministrativeUnit]) -> dict[str, tuple[int, int]]:
    """Per child path: (its xã, its other commune-level units: phường, thị trấn, đặc khu). One query."""
    if not children:
        return {}
    in_programme = Q(kind__in=PROGRAMME_KINDS)
    rows = (
        AdministrativeUnit.objects.filter(area.communes_q())
        .annotate(key=_child_key(children, "path"))
        .values("key")
        .order_by()
        .annotate(xa=Count("id", filter=in_programme), other=Count("id", filter=~in_programme))
        .values_list("key", "xa", "other")
    )
    return {key: (xa, other) for key, xa, other in rows}


def _aggregate(queryset, key, within: Q) -> list[tuple]:
    met_all = Q(criteria_total__gt=0, criteria_met=F("criteria_total"))
    return list(
        queryset.annotate(key=key)
        .values("key")
        .order_by()
        .annotate(
            assessed=Count("id", filter=within),
            criteria_met_sum=Sum("criteria_met", filter=within, default=0),
            reaching=Count("id", filter=within & met_all),
            short_one=Count("id", filter=within & Q(criteria_met=F("criteria_total") - 1)),
            short_two=Count("id", filter=within & Q(criteria_met=F("criteria_total") - 2)),
            later=Count("id", filter=~within) if within else Value(0),
        )
        .values_list("key", *FIGURES, "later")
    )


def latest_in_programme(area: Area, criteria_set: CriteriaSet, on: datetime.date, *, ranked: bool):
    """The latest approved assessments of the area's xã (not phường, thị trấn, đặc khu) as of `on`.

    `ranked=False` reads the stored latest-approved flag: rows dated after `on` are still in it and
    the caller leaves them out (Q(as_of__lte=on)); `ranked=True` ranks the approved history instead.
    """
    base = Assessment.objects.filter(
        area.communes_q("commune__"), criteria_set=criteria_set, commune__kind__in=PROGRAMME_KINDS
    )
    if ranked:
        return base.filter(id__in=selectors.ranked_winner_ids(area, criteria_set, on))
    return base.filter(is_latest_approved=True)


def figures_by_child(
    area: Area, children: list[AdministrativeUnit], criteria_set: CriteriaSet, on: datetime.date
) -> tuple[dict[str, dict], bool]:
    """Per child path: assessed, criteria_met_sum, reaching, short_one, short_two (xã only); and whether
    the approved history had to be ranked.

    One query from today on (the stored flag); a date in the past, or a flagged approval dated after
    `on` (one more query), ranks the approved history as selectors.latest_approved does.
    """
    if not children:
        return {}, False
    key = _child_key(children, "commune__path")
    ranked = on < timezone.localdate()
    if not ranked:
        rows = _aggregate(latest_in_programme(area, criteria_set, on, ranked=False), key, Q(as_of__lte=on))
        ranked = any(row[-1] for row in rows)
    if ranked:
        rows = _aggregate(latest_in_programme(area, criteria_set, on, ranked=True), key, Q())
    return {row[0]: dict(zip(FIGURES, row[1:-1], strict=True)) for row in rows}, ranked


# Per child and criterion, how many stored unmet lists name the criterion: unnested in SQL, because
# decoding 7,700 JSON lists in Python took half a second of the national heatmap.
UNNEST_SQL = {
    "postgresql": "SELECT t.key, (e.item ->> 'number')::int, COUNT(*) FROM ({inner}) t "
    "CROSS JOIN LATERAL jsonb_array_elements(t.unmet) AS e(item) GROUP BY 1, 2",
    "sqlite": "SELECT t.key, CAST(json_extract(e.value, '$.number') AS INTEGER), COUNT(*) FROM ({inner}) t, "
    "json_each(t.unmet) e GROUP BY 1, 2",
}


def unmet_by_child(
    area: Area, children: list[AdministrativeUnit], criteria_set: CriteriaSet, on: datetime.date, *, ranked: bool
) -> dict[str, dict[int, int]]:
    """Per child path and criterion number: the xã whose latest approved assessment fails it (the heatmap).

    One query over the stored unmet lists of the assessed xã.
    """
    if not children:
        return {}
    rows = latest_in_programme(area, criteria_set, on, ranked=ranked)
    if not ranked:
        rows = rows.filter(as_of__lte=on)
    rows = rows.annotate(key=_child_key(children, "commune__path")).order_by().values_list("key", "unmet")
    failing: dict[str, dict[int, int]] = {}
    template = UNNEST_SQL.get(connection.vendor)
    if template is None:  # another database: count in Python
        for key, unmet in rows:
            counts = failing.setdefault(key, {})
            for item in unmet:
                counts[item["number"]] = counts.get(item["number"], 0) + 1
        return failing
    inner, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(template.format(inner=inner), params)
        for key, number, count in cursor.fetchall():
            failing.setdefault(key, {})[number] = count
    return failing
