"""The dashboards' map: one GeoJSON FeatureCollection with every commune of the area that has a shape
(communes.models.Boundary) and what each colouring mode needs, plus the legends and the communes
without a shape, in one response and a fixed number of queries whatever the area's size.

Queries: the set choices, the communes with their shapes (one LEFT JOIN), the latest approved
summaries (two when the date is in the past), the criteria, and with the roadmap app the
recognitions and the plans. The shapes are stored simplified, as JSON text, and copied into the
response as they are (never parsed here).
"""

import hashlib
import json
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext

from communes.models import PROGRAMME_KINDS, AdministrativeUnit
from dashboards import data, figures, selectors
from dashboards.area import Area
from ntm.lib.numbers import grouped
from roadmap import selectors as roadmap_selectors

MODES = ("criteria", "standard", "criterion", "roadmap")
MISSING_LISTED = 100  # communes without a shape named under the map; the rest are counted
CODE_PLACEHOLDER = "00000"

# Colours (colour-blind safe sequential greens to oranges; grey for no data).
COLOURS = {
    "all": "#006d2c",
    "q3": "#41ab5d",
    "q2": "#a1d99b",
    "q1": "#fdae6b",
    "q0": "#e6550d",
    "none": "#bdbdbd",
    "other": "#f0f0f0",
    "met": "#1a9850",
    "unmet": "#d73027",
    "unknown": "#fee08b",
    "achieved": "#1a9850",
    "on_track": "#4575b4",
    "behind": "#d73027",
    "no_plan": "#bdbdbd",
}


@dataclass
class _Shape:
    pk: int
    code: str
    name: str
    kind: str
    geometry: str | None
    illustrative: bool | None


def _bucket(met: int, total: int) -> str:
    share = met / total if total else 0
    if total and met == total:
        return "all"
    return "q3" if share >= 0.75 else "q2" if share >= 0.5 else "q1" if share >= 0.25 else "q0"


def _bucket_ranges(total: int) -> dict[str, str]:
    """The criteria counts each bucket of _bucket holds for a set of `total` criteria ("15–18")."""
    ranges: dict[str, list[int]] = {}
    for met in range(total + 1):
        ranges.setdefault(_bucket(met, total), []).append(met)
    return {key: f"{v[0]}" if v[0] == v[-1] else f"{v[0]}–{v[-1]}" for key, v in ranges.items()}


def _legends(criteria_set, total: int, roadmap: bool, incomplete: bool = False) -> dict:
    """Per mode, the legend (key, colour, label). On a set holding less than its decision (incomplete),
    meeting every criterion held is not "đạt chuẩn" (the dashboards' rule): the labels say so."""
    other = {"key": "other", "colour": COLOURS["other"], "label": gettext("Phường, thị trấn, đặc khu (không tính)")}
    none = {"key": "none", "colour": COLOURS["none"], "label": gettext("Chưa đánh giá")}
    ranges = _bucket_ranges(total) if total else {}
    criteria = [
        {
            "key": key,
            "colour": COLOURS[key],
            "label": gettext("Đạt %(range)s tiêu chí") % {"range": ranges[key]}
            if key != "all"
            else (
                gettext("Đạt %(n)s/%(n)s tiêu chí (bộ chưa đầy đủ)")
                if incomplete
                else gettext("Đạt chuẩn (%(n)s/%(n)s tiêu chí)")
            )
            % {"n": total},
        }
        for key in ("all", "q3", "q2", "q1", "q0")
        if key in ranges
    ]
    level = criteria_set.get_level_display() if criteria_set else ""
    legends = {
        "criteria": [*criteria, none, other],
        "standard": [
            {
                "key": "met",
                "colour": COLOURS["met"],
                "label": gettext("Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)")
                if incomplete
                else gettext("Đạt chuẩn %(level)s") % {"level": level},
            },
            {"key": "unmet", "colour": COLOURS["unmet"], "label": gettext("Chưa đạt chuẩn")},
            none,
            other,
        ],
        "criterion": [
            {"key": "met", "colour": COLOURS["met"], "label": gettext("Đạt tiêu chí")},
            {"key": "unmet", "colour": COLOURS["unmet"], "label": gettext("Chưa đạt tiêu chí")},
            {
                "key": "unknown",
                "colour": COLOURS["unknown"],
                "label": gettext("Chưa xác định (chưa có ngưỡng áp dụng)"),
            },
            none,
            other,
        ],
    }
    if roadmap:
        legends["roadmap"] = [
            {"key": "achieved", "colour": COLOURS["achieved"], "label": gettext("Đã đạt (đã có quyết định công nhận)")},
            {"key": "on_track", "colour": COLOURS["on_track"], "label": gettext("Đúng tiến độ")},
            {"key": "behind", "colour": COLOURS["behind"], "label": gettext("Chậm tiến độ")},
            {"key": "no_plan", "colour": COLOURS["no_plan"], "label": gettext("Chưa có lộ trình mức này")},
            other,
        ]
    return legends


def _shapes(area: Area) -> list[_Shape]:
    rows = (
        AdministrativeUnit.objects.filter(area.communes_q())
        .order_by("path")
        .values_list("id", "code", "name", "kind", "boundary__geometry", "boundary__illustrative")
    )
    return [_Shape(*row) for row in rows]


class _Held:
    """What roadmap.selectors.plan_status reads of the latest approved assessment: meets_held."""

    def __init__(self, summary: dict):
        self.meets_held = bool(summary["criteria_total"]) and summary["criteria_met"] == summary["criteria_total"]


def _roadmap_status(area: Area, criteria_set, query: dict, summaries: dict, shapes: list[_Shape]) -> dict[int, str]:
    """Per commune, where it stands against its plan at the chosen set's level (one query, the plans;
    the recognitions come with the dashboard's hook)."""
    ids = AdministrativeUnit.objects.filter(area.communes_q()).values("pk")
    hook = selectors.recognitions(area, criteria_set, query["as_of"])
    plans = roadmap_selectors.plans_by_commune(ids)
    out = {}
    for shape in shapes:
        plan = next((p for p in plans.get(shape.pk, []) if p.level == criteria_set.level), None)
        if plan is None:
            out[shape.pk] = "no_plan"
            continue
        summary = summaries.get(shape.pk)
        out[shape.pk] = roadmap_selectors.plan_status(
            plan, _Held(summary) if summary else None, hook.top.get(shape.pk), query["as_of"]
        )
    return out


def _tips() -> dict:
    """The tooltip's sentences, translated once per response rather than once per commune."""
    return {
        "other": gettext("%(name)s — không thuộc chương trình xã nông thôn mới"),
        "none": gettext("%(name)s — chưa đánh giá"),
        "assessed": gettext("%(name)s — đạt %(met)s/%(total)s tiêu chí"),
    }


def _tip(tips: dict, name: str, summary: dict | None, in_programme: bool) -> str:
    if not in_programme:
        return tips["other"] % {"name": name}
    if not summary:
        return tips["none"] % {"name": name}
    return tips["assessed"] % {"name": name, "met": summary["criteria_met"], "total": summary["criteria_total"]}


def payload(area: Area, query: dict) -> bytes:
    """The FeatureCollection as UTF-8 JSON; its "ntm" member carries the legends, the criteria, the
    communes without a shape and whether the shapes are illustrative."""
    sets = selectors.set_choices(area)
    criteria_set = data.chosen_set(sets, query.get("set"))
    shapes = _shapes(area)
    summaries, criteria, roadmap = {}, [], {}
    if criteria_set is not None:
        summaries = selectors.latest_approved(area, criteria_set, query["as_of"], with_unmet=True)
        criteria = [{"number": c.number, "name": c.name} for c in selectors.criteria_of(criteria_set)]
        if apps.is_installed("roadmap"):
            roadmap = _roadmap_status(area, criteria_set, query, summaries, shapes)
    total = criteria_set and len(criteria)
    page = reverse("web:unit", kwargs={"era": area.era, "code": CODE_PLACEHOLDER})
    features, missing, missing_programme, illustrative = [], [], 0, False
    tips = _tips()
    for shape in shapes:
        in_programme = shape.kind in PROGRAMME_KINDS
        url = page.replace(CODE_PLACEHOLDER, shape.code, 1)
        if shape.geometry is None:
            missing_programme += in_programme
            if len(missing) < MISSING_LISTED:
                missing.append({"name": shape.name, "url": url})
            continue
        illustrative = illustrative or bool(shape.illustrative)
        summary = summaries.get(shape.pk)
        props = {
            "code": shape.code,
            "name": shape.name,
            "url": url,
            "tip": _tip(tips, shape.name, summary, in_programme),
        }
        if not in_programme:
            props |= {"criteria": "other", "standard": "other", "roadmap": "other", "other": True}
        elif summary:
            row = figures.DashboardRow(shape, summary=summary)
            props |= {
                "criteria": _bucket(summary["criteria_met"], summary["criteria_total"]),
                "standard": row.status,
                "roadmap": roadmap.get(shape.pk, "no_plan"),
                "unmet": sorted({item["number"] for item in summary["unmet"]}),
                "unknown": sorted({item["number"] for item in summary["undetermined"]}),
            }
        else:
            props |= {"criteria": "none", "standard": "none", "roadmap": roadmap.get(shape.pk, "no_plan")}
        features.append(f'{{"type":"Feature","geometry":{shape.geometry},"properties":{_dumps(props)}}}')
    meta = {
        "set": {"code": criteria_set.code, "name": criteria_set.name} if criteria_set else None,
        "criteria": criteria,
        "legends": _legends(
            criteria_set,
            total or 0,
            apps.is_installed("roadmap") and criteria_set is not None,
            incomplete=any(not s.get("set_complete", True) for s in summaries.values()),
        ),
        "drawn": len(features),
        "missing": missing,
        "missing_count": len(shapes) - len(features),
        "missing_text": gettext("%(n)s đơn vị cấp xã chưa có ranh giới (không vẽ trên bản đồ):")
        % {"n": grouped(len(shapes) - len(features))}
        if len(shapes) > len(features)
        else "",
        "missing_more": gettext("… và %(n)s đơn vị khác") % {"n": grouped(len(shapes) - len(features) - len(missing))}
        if len(shapes) - len(features) > len(missing)
        else "",
        "missing_programme": missing_programme,
        "illustrative": illustrative,
        "illustrative_text": gettext("Ranh giới minh họa, không phải ranh giới thật (dữ liệu demo)")
        if illustrative
        else "",
    }
    body = '{"type":"FeatureCollection","ntm":' + _dumps(meta) + ',"features":[' + ",".join(features) + "]}"
    return body.encode()


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(value) -> str:
    return _ENCODER.encode(value)


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
