"""Generated, ILLUSTRATIVE commune shapes: a honeycomb of hexagons, one per commune, for the demo and
the tests, since no real boundary file can be fetched here.

They are not boundaries: the commune's place in the grid follows its code, not the ground. Every
collection says so (its name, "illustrative": true, and a "minh_hoa" property on every feature), and
load_boundaries stores them flagged as illustrative, which the map shows.
"""

import math

CODE_FIELD = "ma_xa"
MARK = "minh họa, không phải ranh giới thật · illustrative, not a real boundary"
EDGE_STEPS = 8  # points per hexagon side: straight runs that the loader's simplification removes


def _wiggle(x: float, y: float, size: float) -> tuple[float, float]:
    # A function of the point itself, so two neighbours draw their shared side through the same points.
    return (x + size * 0.06 * math.sin(x * 917.0 + y * 613.0), y + size * 0.06 * math.cos(x * 571.0 - y * 829.0))


def hexagon(cx: float, cy: float, size: float, stretch: float) -> list[list[float]]:
    """A closed, slightly wavy pointy-top hexagon around (cx, cy): `size` in degrees of latitude,
    longitudes stretched by 1/cos(latitude) so it looks regular on the map."""
    corners = [
        (cx + stretch * size * math.cos(math.radians(30 + 60 * k)), cy + size * math.sin(math.radians(30 + 60 * k)))
        for k in range(6)
    ]
    ring = []
    for k in range(6):
        (x1, y1), (x2, y2) = corners[k], corners[(k + 1) % 6]
        for step in range(EDGE_STEPS):
            t = step / EDGE_STEPS
            x, y = round(x1 + (x2 - x1) * t, 9), round(y1 + (y2 - y1) * t, 9)
            ring.append(list(_wiggle(x, y, size)) if step else [x, y])
    ring.append(ring[0])
    return ring


def collection(units, *, center: tuple[float, float], size: float, name: str) -> dict:
    """A FeatureCollection of one hexagon per unit (objects with .code and .name), in code order,
    in rows around `center` (longitude, latitude)."""
    units = sorted(units, key=lambda u: u.code)
    columns = max(1, math.ceil(math.sqrt(len(units))))
    rows = max(1, math.ceil(len(units) / columns))
    stretch = 1 / math.cos(math.radians(center[1]))
    dx, dy = math.sqrt(3) * size * stretch, 1.5 * size
    features = []
    for index, unit in enumerate(units):
        row, column = divmod(index, columns)
        cx = center[0] + (column - (columns - 1) / 2) * dx + (dx / 2 if row % 2 else 0)
        cy = center[1] + ((rows - 1) / 2 - row) * dy
        features.append(
            {
                "type": "Feature",
                "properties": {CODE_FIELD: unit.code, "ten": unit.name, "minh_hoa": True},
                "geometry": {"type": "Polygon", "coordinates": [hexagon(cx, cy, size, stretch)]},
            }
        )
    return {"type": "FeatureCollection", "name": f"{name} ({MARK})", "illustrative": True, "features": features}
