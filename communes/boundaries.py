"""Commune boundaries for the dashboards' map: read a GeoJSON file, simplify its polygons, store them
keyed by (era, code) (communes.models.Boundary).

Simplification is Douglas-Peucker in plain Python (no GEOS, no PostGIS) followed by rounding to
5 decimals (about 1 m): a national file of 10,000 communes shrinks to what a browser draws at once.
A load is all or nothing: a file that cannot be read, or a feature without a code or with a
geometry other than Polygon/MultiPolygon, writes nothing and says which feature is at fault. Codes
the era does not have are reported, not refused (a national file loaded for one province).
"""

import json
import operator
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit, Boundary, Era, Level
from ntm.lib import data_version
from ntm.lib.numbers import grouped

DATA_DIR = Path(__file__).parent / "data" / "boundaries"
DEMO_FILE = DATA_DIR / "can-loc-minh-hoa.geojson"  # generated (communes/illustrative.py), illustrative
DEFAULT_TOLERANCE = 0.0005  # degrees, about 50 m: a commune stays recognisable at district zoom
DECIMALS = 5
MAX_LISTED = 30  # codes or names listed in the report; the rest are counted


class BoundaryError(Exception):
    """The file cannot be loaded: nothing was written."""


@dataclass
class BoundaryLoadReport:
    era: str
    loaded: int = 0
    points_before: int = 0
    points_after: int = 0
    not_found: list[str] = field(default_factory=list)  # codes of the file the era does not have
    without_shape: list[AdministrativeUnit] = field(default_factory=list)  # communes of the provinces touched


# Simplification


def douglas_peucker(points: list, tolerance: float) -> list:
    """The points kept by Douglas-Peucker (iterative: a 50,000-point ring does not hit the recursion limit).

    The distance to the chord is computed inline, compared squared against tolerance² × chord²: a
    national file has millions of points and this loop is the load's cost.
    """
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tolerance2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        chord2 = dx * dx + dy * dy
        cross = x2 * y1 - y2 * x1
        worst, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            if chord2:
                distance = dy * x - dx * y + cross
                distance *= distance
            else:  # the ends coincide: the distance to that point
                distance = ((x - x1) ** 2 + (y - y1) ** 2) * 1.0
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance2 * (chord2 or 1.0):
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _round_ring(ring: list) -> list:
    out = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def simplify_ring(ring: list, tolerance: float) -> list | None:
    """A closed ring simplified and rounded, or None when it collapses (fewer than 4 points)."""
    if ring and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 3:
        return None
    # A closed ring's two ends are the same point, which Douglas-Peucker cannot split on: split it at
    # the point farthest from the first, and simplify both halves.
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2)
    first = douglas_peucker(ring[: far + 1], tolerance)
    second = douglas_peucker(ring[far:] + [ring[0]], tolerance)
    out = _round_ring(first[:-1] + second)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def simplify_polygons(polygons: list, tolerance: float) -> list:
    """Polygons (each a list of rings, exterior first) simplified; holes or polygons that collapse are dropped."""
    out = []
    for rings in polygons:
        exterior = simplify_ring(rings[0], tolerance) if rings else None
        if exterior is None:
            continue
        holes = [hole for hole in (simplify_ring(r, tolerance) for r in rings[1:]) if hole]
        out.append([exterior, *holes])
    return out


def geometry_json(polygons: list) -> str:
    if len(polygons) == 1:
        geometry = {"type": "Polygon", "coordinates": polygons[0]}
    else:
        geometry = {"type": "MultiPolygon", "coordinates": polygons}
    return json.dumps(geometry, separators=(",", ":"))


def count_points(polygons: list) -> int:
    return sum(len(ring) for rings in polygons for ring in rings)


# Reading


def _polygons_of(geometry, where: str) -> list:
    """The geometry's polygons (lists of rings of [x, y]); BoundaryError for anything else."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    else:
        raise BoundaryError(
            _("%(where)s: hình học phải là Polygon hoặc MultiPolygon (tệp có %(kind)s).")
            % {"where": where, "kind": kind or "—"}
        )
    try:
        out = [[[[float(x), float(y)] for x, y, *_rest in ring] for ring in rings] for rings in polygons]
    except (TypeError, ValueError) as exc:
        raise BoundaryError(_("%(where)s: tọa độ không hợp lệ.") % {"where": where}) from exc
    for rings in out:
        for x, y in (point for ring in rings for point in ring):
            if not (-180 <= x <= 180 and -90 <= y <= 90):
                raise BoundaryError(
                    _("%(where)s: tọa độ %(x)s, %(y)s không phải kinh độ, vĩ độ (WGS 84).")
                    % {"where": where, "x": x, "y": y}
                )
    return out


def normal_code(value) -> str:
    """The property as a commune code: numbers are padded to the official 5 digits ("1234" → "01234")."""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text.zfill(5) if text.isdigit() else text


def read_features(data, code_field: str) -> dict[str, list]:
    """Per code, the polygons of the features carrying it (several features of one code are joined)."""
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryError(_("Tệp không phải một GeoJSON FeatureCollection."))
    by_code: dict[str, list] = {}
    for number, feature in enumerate(data["features"], start=1):
        where = _("Đối tượng thứ %(n)s") % {"n": number}
        if not isinstance(feature, dict):
            raise BoundaryError(_("%(where)s: không phải một Feature.") % {"where": where})
        properties = feature.get("properties") or {}
        code = properties.get(code_field)
        if code in (None, ""):
            raise BoundaryError(
                _("%(where)s: không có thuộc tính mã “%(field)s”.") % {"where": where, "field": code_field}
            )
        by_code.setdefault(normal_code(code), []).extend(_polygons_of(feature.get("geometry"), where))
    if not by_code:
        raise BoundaryError(_("Tệp không có đối tượng nào."))
    return by_code


def load_file(
    path: str | Path,
    *,
    era: str,
    code_field: str,
    tolerance: float = DEFAULT_TOLERANCE,
    illustrative: bool | None = None,
    keep_existing: bool = False,
) -> BoundaryLoadReport:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BoundaryError(_("Không tìm thấy tệp %(path)s.") % {"path": path}) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError(
            _("Tệp %(path)s không phải JSON hợp lệ (UTF-8): %(error)s") % {"path": path, "error": exc}
        ) from exc
    if illustrative is None:
        # A generated file says so itself ("illustrative": true beside "features"), and stays marked.
        illustrative = bool(isinstance(data, dict) and data.get("illustrative"))
    return load_collection(
        data,
        era=era,
        code_field=code_field,
        tolerance=tolerance,
        illustrative=illustrative,
        source=Path(path).name,
        keep_existing=keep_existing,
    )


def load_collection(
    data: dict,
    *,
    era: str,
    code_field: str,
    tolerance: float = DEFAULT_TOLERANCE,
    illustrative: bool = False,
    source: str = "",
    keep_existing: bool = False,
) -> BoundaryLoadReport:
    """Store the simplified shapes of a FeatureCollection for the communes of `era` (one transaction).

    `keep_existing`: leave the shapes already stored alone (the demo never overwrites a real boundary).
    """
    if era not in Era.values:
        raise BoundaryError(_("Thời kỳ không hợp lệ: %(era)s.") % {"era": era})
    if tolerance < 0:
        raise BoundaryError(_("Dung sai đơn giản hóa không được âm."))
    by_code = read_features(data, code_field)
    units = {u.code: u for u in AdministrativeUnit.objects.filter(era=era, level=Level.COMMUNE, code__in=list(by_code))}
    report = BoundaryLoadReport(era=era, not_found=sorted(code for code in by_code if code not in units))
    existing = {b.unit_id: b for b in Boundary.objects.filter(unit__in=units.values())}
    creates, updates = [], []
    for code, unit in units.items():
        if keep_existing and unit.pk in existing:
            continue
        polygons = simplify_polygons(by_code[code], tolerance)
        if not polygons:
            raise BoundaryError(
                _("Mã %(code)s: ranh giới quá nhỏ, không còn hình nào sau khi đơn giản hóa (hãy giảm --tolerance).")
                % {"code": code}
            )
        report.points_before += count_points(by_code[code])
        report.points_after += count_points(polygons)
        boundary = existing.get(unit.pk) or Boundary(unit=unit)
        boundary.geometry, boundary.points = geometry_json(polygons), count_points(polygons)
        boundary.illustrative, boundary.source = illustrative, source[:200]
        (updates if boundary.pk else creates).append(boundary)
    with transaction.atomic():
        Boundary.objects.bulk_create(creates, batch_size=500)
        for boundary in updates:
            boundary.save()
        data_version.bump()  # the cached maps (bulk_create sends no signal)
    report.loaded = len(creates) + len(updates)
    provinces = {unit.province_code for unit in units.values()}
    if provinces:
        report.without_shape = list(
            AdministrativeUnit.objects.filter(era=era, level=Level.COMMUNE, boundary__isnull=True)
            .filter(reduce(operator.or_, (Q(path__startswith=f"{code}/") for code in sorted(provinces))))
            .order_by("path")
        )
    return report


def report_lines(report: BoundaryLoadReport) -> list[str]:
    """The report in Vietnamese (the language of the command's other messages)."""
    lines = [
        _("Đã nạp ranh giới của %(n)s đơn vị cấp xã (%(era)s): %(before)s điểm → %(after)s điểm sau khi đơn giản hóa.")
        % {
            "n": report.loaded,
            "era": Era(report.era).label,
            "before": grouped(report.points_before),
            "after": grouped(report.points_after),
        }
    ]
    if report.not_found:
        listed = ", ".join(report.not_found[:MAX_LISTED]) + (" …" if len(report.not_found) > MAX_LISTED else "")
        lines.append(
            _("Không tìm thấy %(n)s mã trong thời kỳ này (bỏ qua): %(codes)s")
            % {"n": grouped(len(report.not_found)), "codes": listed}
        )
    if report.without_shape:
        names = [f"{u.name} ({u.code})" for u in report.without_shape[:MAX_LISTED]]
        listed = ", ".join(names) + (" …" if len(report.without_shape) > MAX_LISTED else "")
        lines.append(
            _("%(n)s đơn vị cấp xã của các tỉnh trong tệp chưa có ranh giới: %(names)s")
            % {"n": grouped(len(report.without_shape)), "names": listed}
        )
    return lines
