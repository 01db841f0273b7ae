"""The dashboards' map data (dashboards/map.py, one GeoJSON response): the values behind each colouring
mode against the dashboard fixture, the communes without a shape, scope (a district user gets only
their communes' shapes), HTTP revalidation, and a query count that does not grow with the communes.

Fixture (`dashboard_world` in tests/conftest.py, set S of 3 criteria, as of 31/12/2024), district H:
  Xã Đông (A) 3/3 · Xã Yên (B) 2/3 (fails 3) · Xã Ái (D) not assessed · Xã Bình (E) 1/3 (fails 2, 3).
"""

import gzip
import json

import pytest
from django.urls import reverse

from communes.models import AdministrativeUnit, Boundary, Level, UnitKind
from roadmap.models import Plan
from tests.factories import make_district
from tests.helpers import AS_OF, queries_for

pytestmark = pytest.mark.django_db

SQUARE = '{"type":"Polygon","coordinates":[[[105.7,18.4],[105.71,18.4],[105.71,18.41],[105.7,18.41],[105.7,18.4]]]}'


def shape(*units, illustrative=False):
    Boundary.objects.bulk_create(
        [Boundary(unit=u, geometry=SQUARE, points=5, illustrative=illustrative) for u in units]
    )


def map_url(unit=None, era="pre2025", **query):
    query.setdefault("as_of", AS_OF)
    if unit is None:
        path = reverse("dashboards:national_map", kwargs={"era": era})
    else:
        path = reverse("dashboards:map", kwargs={"era": unit.era, "code": unit.code})
    return path + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def fetch(client, user, address):
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/geo+json")
    return json.loads(response.content)


def by_code(data) -> dict:
    return {f["properties"]["code"]: f["properties"] for f in data["features"]}


@pytest.fixture
def drawn(dashboard_world):
    shape(
        dashboard_world.t.a, dashboard_world.t.b, dashboard_world.e, dashboard_world.t.c, dashboard_world.t.n
    )  # Xã Ái (D) has none
    return dashboard_world


def test_each_commune_carries_what_every_mode_colours_by(client, drawn):
    data = fetch(client, drawn.cast.viewer, map_url(drawn.t.h))
    props = by_code(data)
    assert set(props) == {"18436", "18439", "18442"}
    a, b, e = props["18436"], props["18439"], props["18442"]
    assert (a["criteria"], a["standard"], a["unmet"]) == ("all", "met", [])
    assert (b["criteria"], b["standard"], b["unmet"]) == ("q2", "unmet", [3])
    assert (e["criteria"], e["standard"], e["unmet"]) == ("q1", "unmet", [2, 3])
    assert a["tip"] == "Xã Đông — đạt 3/3 tiêu chí" and a["url"] == "/units/pre2025/18436/"
    assert data["features"][0]["geometry"]["type"] == "Polygon"
    meta = data["ntm"]
    assert meta["set"]["code"] == "bo-s" and [c["number"] for c in meta["criteria"]] == [1, 2, 3]
    assert [item["label"] for item in meta["legends"]["criteria"]][:2] == ["Đạt chuẩn (3/3 tiêu chí)", "Đạt 2 tiêu chí"]
    assert [item["key"] for item in meta["legends"]["criterion"]] == ["met", "unmet", "unknown", "none", "other"]
    assert "roadmap" in meta["legends"] and meta["illustrative"] is False and meta["illustrative_text"] == ""
    # The commune without a shape is listed, with its page.
    assert meta["missing_count"] == 1 and meta["missing"] == [{"name": "Xã Ái", "url": "/units/pre2025/18441/"}]
    assert meta["missing_text"] == "1 đơn vị cấp xã chưa có ranh giới (không vẽ trên bản đồ):"


def test_not_assessed_other_kinds_and_illustrative_shapes(client, drawn):
    shape(drawn.d, illustrative=True)
    town = AdministrativeUnit.objects.create(
        era="pre2025", code="18450", name="Thị trấn T", kind=UnitKind.THI_TRAN, level=Level.COMMUNE, parent=drawn.t.h
    )
    shape(town)
    data = fetch(client, drawn.cast.viewer, map_url(drawn.t.h))
    props = by_code(data)
    assert (props["18441"]["criteria"], props["18441"]["standard"]) == ("none", "none")
    assert props["18441"]["tip"] == "Xã Ái — chưa đánh giá"
    assert props["18450"]["other"] is True and props["18450"]["criteria"] == "other"
    assert data["ntm"]["illustrative"] is True and "minh họa" in data["ntm"]["illustrative_text"]


def test_the_roadmap_mode_reads_the_plans_at_the_sets_level(client, drawn):
    Plan.objects.create(commune=drawn.t.a, level="ntm", target_year=2024)  # meets, the target year: on track
    Plan.objects.create(commune=drawn.t.b, level="ntm", target_year=2023)  # the year has passed: behind
    props = by_code(fetch(client, drawn.cast.viewer, map_url(drawn.t.h)))
    assert [props[c]["roadmap"] for c in ("18436", "18439", "18442")] == ["on_track", "behind", "no_plan"]


def test_the_map_speaks_english(client, drawn):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = fetch(client, drawn.cast.viewer, map_url(drawn.t.h))
    assert by_code(data)["18436"]["tip"] == "Xã Đông — meets 3/3 criteria"
    assert data["ntm"]["legends"]["criteria"][0]["label"] == "Meets the standard (3/3 criteria)"


def test_scope_a_district_user_gets_only_their_communes(client, drawn):
    outsider = drawn.cast.outsider  # reviewer of district H2
    assert set(by_code(fetch(client, outsider, map_url(drawn.t.h2)))) == {"18500"}
    client.force_login(outsider)
    assert client.get(map_url(drawn.t.h)).status_code == 404
    assert client.get(map_url(None)).status_code == 404  # the national map: only for users who see everything
    assert client.get(map_url(drawn.t.p)).status_code == 404
    # The province reviewer sees both districts; the superuser the whole era.
    assert set(by_code(fetch(client, drawn.cast.province_reviewer, map_url(drawn.t.p)))) == {
        "18436",
        "18439",
        "18442",
        "18500",
    }
    assert set(by_code(fetch(client, drawn.cast.superuser, map_url(None, era="2025")))) == {"18436"}
    client.logout()
    assert client.get(map_url(drawn.t.h)).status_code == 302  # to the sign-in page


def test_an_unchanged_map_is_revalidated_not_downloaded_again(client, drawn):
    client.force_login(drawn.cast.viewer)
    first = client.get(map_url(drawn.t.h))
    tag = first["ETag"]
    assert tag and "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    again = client.get(map_url(drawn.t.h), HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    # Compressed for browsers that accept it; the weakened tag it carries revalidates too.
    packed = client.get(map_url(drawn.t.h), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(packed.content)) == json.loads(
        first.content
    )
    assert (
        client.get(map_url(drawn.t.h), HTTP_IF_NONE_MATCH=packed["ETag"], HTTP_ACCEPT_ENCODING="gzip").status_code
        == 304
    )
    # A new shape (saved, as load_boundaries saves it) changes the data version, the map and its tag.
    moved = Boundary.objects.get(unit=drawn.t.a)
    moved.geometry = SQUARE.replace("105.7,", "105.6,")
    moved.save()
    assert client.get(map_url(drawn.t.h), HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_the_map_is_built_once_per_data_version(client, drawn, monkeypatch):
    from dashboards import map as commune_map

    client.force_login(drawn.cast.viewer)
    first = client.get(map_url(drawn.t.h))
    monkeypatch.setattr(commune_map, "payload", lambda *a, **kw: pytest.fail("built again"))
    assert client.get(map_url(drawn.t.h)).content == first.content


def test_the_dashboards_point_the_map_at_their_data(client, drawn):
    client.force_login(drawn.cast.superuser)
    for unit, address in ((drawn.t.h, "dashboards:unit"), (drawn.t.p, "dashboards:unit")):
        html = client.get(
            reverse(address, kwargs={"era": unit.era, "code": unit.code}) + f"?as_of={AS_OF}"
        ).content.decode()
        assert (
            f'data-url="{reverse("dashboards:map", kwargs={"era": unit.era, "code": unit.code})}?as_of={AS_OF}"' in html
        )
        assert "vendor/leaflet-1.9.4/leaflet.js" in html and "dashboards/map.js" in html
    html = client.get(reverse("dashboards:national", kwargs={"era": "pre2025"}) + f"?as_of={AS_OF}").content.decode()
    assert f'data-url="{reverse("dashboards:national_map", kwargs={"era": "pre2025"})}?as_of={AS_OF}"' in html


# session, user, unit (scope), set choices, communes with shapes, latest approved, criteria, recognitions, plans
@pytest.mark.parametrize("as_of", [AS_OF, "today"])
def test_query_count_does_not_grow_with_the_communes(client, drawn, as_of):
    from django.utils import timezone

    as_of = timezone.localdate().isoformat() if as_of == "today" else as_of
    small, big = make_district(drawn.t.p, 5, drawn.cs), make_district(drawn.t.p, 500, drawn.cs)
    for district in (small, big):
        shape(*AdministrativeUnit.objects.under(district).filter(level=Level.COMMUNE))
    client.force_login(drawn.cast.superuser)
    counts = [queries_for(client, map_url(district, as_of=as_of)) for district in (small, big)]
    assert counts[0] == counts[1] <= 10
    assert len(fetch(client, drawn.cast.superuser, map_url(big, as_of=as_of))["features"]) == 500
