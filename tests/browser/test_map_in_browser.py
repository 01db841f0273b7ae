"""The dashboards' map in Chromium, on the demo (illustrative generated shapes): the district reviewer
sees Can Lộc's communes coloured by criteria met with the legend, switches to the standard, to one
criterion and to the roadmap, then clicks a commune and lands on its page; the province reviewer sees
Hà Tĩnh's 2025 communes, the
administrator the national map; the same map in English. Screens: tests/screenshots/map-*.png."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from communes.models import AdministrativeUnit, Boundary, Era, Level
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DASHBOARD = "/units/pre2025/443/dashboard/?set=qd318-ntm-2021-2025"
PROVINCE_2025 = "/units/2025/42/dashboard/"


def user(username):
    return get_user_model().objects.get(username=username)


def shapes_of(era, code) -> int:
    unit = AdministrativeUnit.objects.get(era=era, code=code)
    return Boundary.objects.filter(unit__in=AdministrativeUnit.objects.under(unit).filter(level=Level.COMMUNE)).count()


def open_map(page, url):
    page.goto(url)
    expect(page.get_by_test_id("map")).to_have_attribute("data-ready", "1")
    return page.get_by_test_id("map-commune")


def legend_keys(page) -> list[str]:
    return page.get_by_test_id("map-legend-item").evaluate_all("items => items.map(i => i.dataset.key)")


def test_the_committee_colours_the_map_and_opens_a_commune(demo, context, live_server, page, watch):
    log_in(context, live_server, user("thamdinh.huyen"))
    communes = open_map(page, DASHBOARD)
    expect(communes).to_have_count(shapes_of(Era.PRE_2025, "443"))
    assert shapes_of(Era.PRE_2025, "443") == 17
    expect(page.get_by_test_id("map-illustrative")).to_contain_text("Ranh giới minh họa")
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("minh họa")
    # Criteria met: every assessed xã in one of the buckets, thị trấn Nghèn apart; the legend counts them.
    keys = set(communes.evaluate_all("paths => paths.map(p => p.dataset.key)"))
    assert keys <= {"all", "q3", "q2", "q1", "q0", "none", "other"} and "other" in keys
    assert keys - {"other", "none"}, "no assessed commune coloured"
    expect(page.get_by_test_id("map-legend")).to_contain_text("Đạt 19/19 tiêu chí (bộ chưa đầy đủ)")
    expect(page.get_by_test_id("map-legend")).to_contain_text("Phường, thị trấn, đặc khu (không tính)")
    fills = set(communes.evaluate_all("paths => paths.map(p => p.getAttribute('fill'))"))
    assert len(fills) >= 2 and "#ffffff" not in fills
    page.get_by_test_id("map-card").scroll_into_view_if_needed()
    shoot(page, "map-district-criteria", full_page=False)

    page.get_by_test_id("map-mode").select_option("standard")
    expect(page.get_by_test_id("map")).to_have_attribute("data-mode", "standard")
    assert set(communes.evaluate_all("paths => paths.map(p => p.dataset.key)")) <= {"met", "unmet", "none", "other"}
    expect(page.get_by_test_id("map-legend")).to_contain_text("Chưa đạt chuẩn")

    page.get_by_test_id("map-mode").select_option("criterion")
    expect(page.get_by_test_id("map-criterion-pick")).to_be_visible()
    page.get_by_test_id("map-criterion").select_option("2")
    assert set(communes.evaluate_all("paths => paths.map(p => p.dataset.key)")) <= {
        "met",
        "unmet",
        "unknown",
        "none",
        "other",
    }
    assert legend_keys(page) == ["met", "unmet", "unknown", "none", "other"]
    shoot(page, "map-district-criterion", full_page=False)

    page.get_by_test_id("map-mode").select_option("roadmap")
    expect(page.get_by_test_id("map-legend")).to_contain_text("Đúng tiến độ")
    expect(page.get_by_test_id("map-criterion-pick")).to_be_hidden()

    # Hover: the name and "đạt x/y"; click: the commune's page.
    thien_loc = page.locator("[data-testid=map-commune][data-code='18415']")
    thien_loc.hover()
    expect(page.locator(".leaflet-tooltip")).to_contain_text(re.compile(r"Xã Thiên Lộc — đạt \d+/19 tiêu chí"))
    shoot(page, "map-district-tooltip", full_page=False)
    thien_loc.click()
    expect(page).to_have_url(re.compile(r"/units/pre2025/18415/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thiên Lộc")
    assert watch.console_errors == [] and watch.failed_static == []


def test_the_province_sees_its_2025_communes_and_the_ones_without_a_shape(demo, context, live_server, page, watch):
    # An office loaded no shape yet for two communes: they are listed under the map, with links.
    province = AdministrativeUnit.objects.get(era=Era.CURRENT, code="42")
    gone = list(AdministrativeUnit.objects.under(province).filter(level=Level.COMMUNE).order_by("code")[:2])
    Boundary.objects.filter(unit__in=gone).delete()
    log_in(context, live_server, user("thamdinh.tinh"))
    communes = open_map(page, PROVINCE_2025)
    expect(communes).to_have_count(shapes_of(Era.CURRENT, "42"))
    missing = page.get_by_test_id("map-missing")
    expect(missing).to_contain_text("2 đơn vị cấp xã chưa có ranh giới")
    expect(missing.get_by_role("link", name=gone[0].name)).to_have_attribute("href", f"/units/2025/{gone[0].code}/")
    page.get_by_test_id("map-card").scroll_into_view_if_needed()
    shoot(page, "map-province-2025", full_page=False)

    # The national dashboard (users who see everything): every commune of the era with a shape, one request.
    log_in(context, live_server, user("admin"))
    with page.expect_response(re.compile(r"/dashboard/2025/map\.geojson")) as response:
        communes = open_map(page, "/dashboard/2025/")
    assert response.value.status == 200
    expect(communes).to_have_count(Boundary.objects.filter(unit__era=Era.CURRENT).count())
    expect(page.get_by_test_id("map-missing")).to_contain_text("chưa có ranh giới")
    page.get_by_test_id("map-card").scroll_into_view_if_needed()
    shoot(page, "map-national-2025", full_page=False)
    assert watch.console_errors == [] and watch.failed_static == []


def test_the_map_speaks_english(demo, context, live_server, page, watch):
    log_in(context, live_server, user("thamdinh.huyen"))
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    open_map(page, DASHBOARD)
    expect(page.get_by_test_id("map-card")).to_contain_text("Map of the communes")
    expect(page.get_by_test_id("map-legend")).to_contain_text("Meets 19/19 criteria (incomplete set)")
    expect(page.get_by_test_id("map-illustrative")).to_contain_text("Illustrative boundaries")
    page.get_by_test_id("map-card").scroll_into_view_if_needed()
    shoot(page, "map-district-english", full_page=False)
    assert watch.console_errors == [] and watch.failed_static == []
