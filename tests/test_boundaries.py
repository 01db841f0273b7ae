"""Commune boundaries: Douglas-Peucker simplification, the load_boundaries command (keyed by era and
code, codes not found and communes without a shape reported, all or nothing on a bad file), the
bundled illustrative file and the demo's shapes."""

import io
import json
import math

import pytest
from django.core.management import CommandError, call_command

from communes import boundaries, illustrative
from communes.models import Boundary, Era

pytestmark = pytest.mark.django_db


def circle(cx, cy, r=0.01, n=1000):
    ring = [[cx + r * math.cos(2 * math.pi * k / n), cy + r * math.sin(2 * math.pi * k / n)] for k in range(n)]
    return ring + [ring[0]]


def feature(code, ring=None, field="ma", geometry=None):
    return {
        "type": "Feature",
        "properties": {field: code},
        "geometry": geometry or {"type": "Polygon", "coordinates": [ring or circle(105.7, 18.4)]},
    }


def write(tmp_path, features, name="ranh-gioi.geojson", **extra):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}), encoding="utf-8")
    return str(path)


def load(path, era="pre2025", **options):
    out = io.StringIO()
    call_command("load_boundaries", path, era=era, code_field="ma", stdout=out, **options)
    return out.getvalue()


def test_douglas_peucker_drops_collinear_points_and_keeps_the_ends():
    line = [[0, 0], [1, 0.00001], [2, 0], [3, 0], [4, 1]]
    assert boundaries.douglas_peucker(line, 0.001) == [[0, 0], [3, 0], [4, 1]]


def test_simplification_reduces_points_keeps_rings_closed_and_rounds_to_5_decimals():
    ring = circle(105.7, 18.4, n=5000)
    simplified = boundaries.simplify_ring(ring, 0.0005)
    assert 8 <= len(simplified) < 100
    assert simplified[0] == simplified[-1]
    assert all(x == round(x, 5) and y == round(y, 5) for x, y in simplified)
    # A hole smaller than the tolerance is dropped; a polygon that collapses entirely too.
    tiny = circle(105.7, 18.4, r=0.00001, n=10)
    assert boundaries.simplify_polygons([[ring, tiny]], 0.0005) == [[simplified]]
    assert boundaries.simplify_polygons([[tiny]], 0.0005) == []


def test_the_command_stores_simplified_shapes_by_era_and_code_and_reports(tree, tmp_path):
    path = write(tmp_path, [feature("18436"), feature(18439, circle(105.72, 18.4)), feature("99999")])
    out = load(path)
    a, b = Boundary.objects.get(unit=tree.a), Boundary.objects.get(unit=tree.b)
    assert not Boundary.objects.filter(unit=tree.n).exists()  # code 18436 of the 2025 era is another xã
    geometry = json.loads(a.geometry)
    assert geometry["type"] == "Polygon" and a.points == len(geometry["coordinates"][0]) < 100
    assert b.points < 100 and not a.illustrative and a.source == "ranh-gioi.geojson"
    assert "Đã nạp ranh giới của 2 đơn vị cấp xã (Trước 01/07/2025 (3 cấp)): 2.002 điểm →" in out
    assert "Không tìm thấy 1 mã trong thời kỳ này (bỏ qua): 99999" in out
    assert "1 đơn vị cấp xã của các tỉnh trong tệp chưa có ranh giới: Xã C (18500)" in out

    # Loading again replaces the shapes (no duplicate); another era's file goes to that era's units.
    load(write(tmp_path, [feature("18436", circle(106.0, 18.0))], name="lai.geojson"))
    assert Boundary.objects.filter(unit=tree.a).count() == 1
    assert json.loads(Boundary.objects.get(unit=tree.a).geometry)["coordinates"][0][0][0] > 105.9
    load(write(tmp_path, [feature("18436")], name="moi.geojson"), era="2025")
    assert Boundary.objects.filter(unit=tree.n).exists()


def test_a_multipolygon_and_several_features_of_one_code_make_one_multipolygon(tree, tmp_path):
    multi = {"type": "MultiPolygon", "coordinates": [[circle(105.7, 18.4)], [circle(105.8, 18.4)]]}
    load(write(tmp_path, [feature("18436", geometry=multi), feature("18436", circle(105.9, 18.4))]))
    geometry = json.loads(Boundary.objects.get(unit=tree.a).geometry)
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 3


@pytest.mark.parametrize(
    ("features", "message"),
    [
        (
            [
                feature("18439"),
                feature("18436", geometry={"type": "LineString", "coordinates": [[105, 18], [106, 18]]}),
            ],
            "Đối tượng thứ 2: hình học phải là Polygon hoặc MultiPolygon (tệp có LineString).",
        ),
        (
            [feature("18439"), {"type": "Feature", "properties": {"ten": "Xã A"}, "geometry": None}],
            "Đối tượng thứ 2: không có thuộc tính mã “ma”.",
        ),
        (
            [feature("18439"), feature("18436", [[500, 18], [501, 18], [501, 19], [500, 18]])],
            "Đối tượng thứ 2: tọa độ 500.0, 18.0 không phải kinh độ, vĩ độ (WGS 84).",
        ),
        (
            [feature("18439"), feature("18436", [[105.7, 18.4], [105.7, 18.4], [105.7, 18.4], [105.7, 18.4]])],
            "Mã 18436: ranh giới quá nhỏ",
        ),
    ],
)
def test_a_bad_file_changes_nothing_and_says_why(tree, tmp_path, features, message):
    load(write(tmp_path, [feature("18439", circle(105.0, 18.0))], name="truoc.geojson"))
    before = Boundary.objects.get(unit=tree.b).geometry
    with pytest.raises(CommandError) as error:
        load(write(tmp_path, features))
    assert "Không nạp gì:" in str(error.value) and message in str(error.value)
    assert Boundary.objects.get(unit=tree.b).geometry == before  # the good first feature was not written either
    assert not Boundary.objects.filter(unit=tree.a).exists()


def test_not_json_or_not_a_collection_is_refused(tree, tmp_path):
    broken = tmp_path / "hong.geojson"
    broken.write_text('{"type": "FeatureCollection", ', encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON hợp lệ"):
        load(str(broken))
    (tmp_path / "feature.geojson").write_text(json.dumps(feature("18436")), encoding="utf-8")
    with pytest.raises(CommandError, match="không phải một GeoJSON FeatureCollection"):
        load(str(tmp_path / "feature.geojson"))
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        load(str(tmp_path / "khong-co.geojson"))
    assert Boundary.objects.count() == 0


def test_numeric_codes_are_padded_to_five_digits(tree, tmp_path):
    from tests import factories

    small = factories.make_unit(parent=tree.h, code="00115", name="Xã Mã Nhỏ")
    load(write(tmp_path, [feature(115)]))
    assert Boundary.objects.filter(unit=small).exists()


def test_the_bundled_illustrative_file_is_marked_and_the_demo_keeps_real_shapes(tree, tmp_path):
    data = json.loads(boundaries.DEMO_FILE.read_text(encoding="utf-8"))
    assert data["illustrative"] is True and "minh họa" in data["name"]
    assert all(f["properties"]["minh_hoa"] for f in data["features"]) and len(data["features"]) == 17
    # A generated collection for the tree's communes: flagged, and it never replaces a real shape.
    load(write(tmp_path, [feature("18436")]))
    real = Boundary.objects.get(unit=tree.a).geometry
    generated = illustrative.collection([tree.a, tree.b, tree.c], center=(105.7, 18.4), size=0.02, name="Thử")
    report = boundaries.load_collection(
        generated, era=Era.PRE_2025, code_field=illustrative.CODE_FIELD, illustrative=True, keep_existing=True
    )
    assert report.loaded == 2 and Boundary.objects.get(unit=tree.a).geometry == real
    assert Boundary.objects.get(unit=tree.b).illustrative and not Boundary.objects.get(unit=tree.a).illustrative
    # The file's own "illustrative": true marks what the command loads.
    out = io.StringIO()
    call_command(
        "load_boundaries",
        write(tmp_path, generated["features"], name="minh-hoa.geojson", illustrative=True),
        era="pre2025",
        code_field=illustrative.CODE_FIELD,
        stdout=out,
    )
    assert Boundary.objects.get(unit=tree.c).illustrative and Boundary.objects.get(unit=tree.a).illustrative


@pytest.mark.slow
def test_the_demo_draws_illustrative_shapes_for_can_loc_and_the_2025_communes():
    from communes.models import AdministrativeUnit, Level

    call_command("load_demo", stdout=io.StringIO())
    for era, code, expected in ((Era.PRE_2025, "443", 17), (Era.CURRENT, "42", None)):
        unit = AdministrativeUnit.objects.get(era=era, code=code)
        communes = AdministrativeUnit.objects.under(unit).filter(level=Level.COMMUNE)
        shapes = Boundary.objects.filter(unit__in=communes)
        assert shapes.count() == communes.count() == (expected or communes.count())
        assert not shapes.filter(illustrative=False).exists()
