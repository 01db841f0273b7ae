"""The dashboards in Chromium, on the Can Lộc demo: the district reviewer opens huyện Can Lộc's
dashboard, sorts and filters it, then the heatmap, the holdbacks, the trend and the print report.
Each page is saved to tests/screenshots/dashboard-*.png for a human to look at."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from communes.models import PROGRAMME_KINDS, AdministrativeUnit, Era, Level
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DASHBOARD = "/units/pre2025/443/dashboard/"
SET = "qd318-ntm-2021-2025"


def user(username):
    return get_user_model().objects.get(username=username)


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def communes_of_can_loc() -> int:
    district = AdministrativeUnit.objects.get(era=Era.PRE_2025, code="443")
    # The xã: thị trấn Nghèn is listed apart (communes.models.PROGRAMME_KINDS).
    return AdministrativeUnit.objects.under(district).filter(level=Level.COMMUNE, kind__in=PROGRAMME_KINDS).count()


def criteria_counts(page) -> list[int]:
    texts = page.get_by_test_id("commune-row").locator(".crit-count").all_inner_texts()
    return [int(t.split("/")[0]) for t in texts]


def test_the_committee_opens_sorts_and_filters_the_dashboard(demo, context, live_server, page, watch):
    log_in(context, live_server, user("thamdinh.huyen"))
    page.goto("/units/pre2025/443/")
    page.get_by_test_id("dashboard-link").get_by_role("link").click()
    expect(page).to_have_url(re.compile(re.escape(DASHBOARD) + "$"))
    page.get_by_label("Bộ tiêu chí").select_option(SET)
    page.get_by_test_id("apply-filters").click()
    rows = page.get_by_test_id("commune-row")
    expect(rows).to_have_count(communes_of_can_loc())
    expect(page.get_by_test_id("fig-average")).to_have_text(re.compile(r"^\d+,\d$"))
    shoot(page, "dashboard-unit", full_page=False)

    page.get_by_test_id("sort-criteria").click()
    page.get_by_test_id("sort-criteria").click()  # the second click sorts the other way: most criteria first
    expect(page).to_have_url(re.compile(r"sort=-criteria"))
    counts = criteria_counts(page)
    assert counts == sorted(counts, reverse=True) and len(counts) > 1
    shoot(page, "dashboard-sorted", full_page=False)

    page.get_by_label("Trạng thái").select_option("unmet")
    page.get_by_test_id("apply-filters").click()
    expect(page).to_have_url(re.compile(r"status=unmet"))
    statuses = set(page.get_by_test_id("commune-row").evaluate_all("rows => rows.map(r => r.dataset.status)"))
    assert statuses == {"unmet"}
    page.get_by_label("Trạng thái").select_option("")
    page.get_by_label("Tên hoặc mã xã").fill("kim song")  # without diacritics, as people type in a hurry
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("commune-row")).to_have_count(1)
    expect(page.get_by_test_id("commune-row")).to_contain_text("Kim Song Trường")
    shoot(page, "dashboard-filtered", full_page=False)

    page.get_by_role("link", name="Bỏ lọc").click()
    page.get_by_label("Tính đến ngày").fill("31/12/2023")
    page.get_by_label("So với ngày").fill("31/12/2022")
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("dashboard-context")).to_contain_text("số liệu tính đến ngày 31/12/2023")
    expect(page.get_by_test_id("chg-average")).to_contain_text("so với")
    shoot(page, "dashboard-as-of", full_page=False)
    assert_clean(watch)


def test_heatmap_holdbacks_trend_and_print(demo, context, live_server, page, watch):
    log_in(context, live_server, user("thamdinh.huyen"))
    page.goto(f"{DASHBOARD}heatmap/?set={SET}")
    expect(page.get_by_test_id("heatmap-row")).to_have_count(communes_of_can_loc())
    cell = page.locator('[data-testid="heatmap-row"] td[data-state="unmet"] a').first
    title = cell.get_attribute("title")
    assert title.endswith(": Chưa đạt")
    shoot(page, "dashboard-heatmap", full_page=False)
    cell.click()
    expect(page).to_have_url(re.compile(r"/units/pre2025/\d+/#crit-" + SET + r"-\d+$"))
    anchor = page.url.split("#")[1]
    expect(page.locator(f"#{anchor}")).to_be_attached()

    page.goto(f"{DASHBOARD}holdbacks/?set={SET}")
    top = page.get_by_test_id("holdback-criterion").first
    failing = int(top.get_attribute("data-failing"))
    failing_all = [int(r.get_attribute("data-failing")) for r in page.get_by_test_id("holdback-criterion").all()]
    assert failing_all == sorted(failing_all, reverse=True)
    shoot(page, "dashboard-holdbacks", full_page=False)
    top.get_by_role("link").click()
    expect(page.get_by_test_id("fails-filter")).to_be_visible()
    expect(page.get_by_test_id("commune-row")).to_have_count(failing)

    page.goto(f"{DASHBOARD}trend/?set={SET}&by=year")
    # 2022 to this year: the last period carries the latest approved figures forward.
    expect(page.get_by_test_id("trend-row")).to_have_count(timezone.localdate().year - 2021)
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 1")
    shoot(page, "dashboard-trend", full_page=False)

    page.goto(f"{DASHBOARD}print/?set={SET}")
    expect(page.get_by_test_id("print-row")).to_have_count(communes_of_can_loc())
    expect(page.locator("nav.navbar")).to_have_count(0)
    page.emulate_media(media="print")
    shoot(page, "dashboard-print", full_page=False)
    assert_clean(watch)


PROVINCE = "/units/pre2025/42/dashboard/"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_province_reads_as_one_row_per_district(demo, context, live_server, page, watch):
    log_in(context, live_server, user("xem.tinh"))
    page.goto(f"{PROVINCE}?set={SET}")
    districts = AdministrativeUnit.objects.filter(
        era=Era.PRE_2025, level=Level.DISTRICT, path__startswith="42/"
    ).count()
    expect(page.get_by_test_id("child-row")).to_have_count(districts)
    expect(page.get_by_test_id("commune-row")).to_have_count(0)
    expect(page.get_by_test_id("programme-rule")).to_contain_text("phường, thị trấn và đặc khu")
    can_loc = page.locator('[data-testid="child-row"][data-code="443"]')
    expect(can_loc.get_by_test_id("child-communes")).to_have_text(str(communes_of_can_loc()))
    expect(can_loc.get_by_test_id("child-average")).to_have_text(re.compile(r"^\d+,\d$"))
    shoot(page, "dashboard-province-summary", full_page=True)

    can_loc.get_by_role("link").click()
    expect(page).to_have_url(re.compile(re.escape(DASHBOARD) + r"\?set=" + SET))
    expect(page.get_by_test_id("commune-row")).to_have_count(communes_of_can_loc())

    page.goto(f"{PROVINCE}?set={SET}")
    page.get_by_placeholder("Tìm xã theo tên hoặc mã").fill("kim song")
    page.get_by_test_id("commune-search").get_by_role("button").click()
    expect(page.get_by_test_id("commune-row")).to_have_count(1)
    expect(page.get_by_test_id("commune-row")).to_contain_text("Kim Song Trường")
    expect(page.get_by_test_id("summary-link")).to_be_visible()

    page.goto(f"{PROVINCE}heatmap/?set={SET}")
    expect(page.get_by_test_id("heatmap-child-row")).to_have_count(districts)
    shoot(page, "dashboard-province-heatmap", full_page=False)
    assert_clean(watch)


def test_the_province_summary_on_a_phone(demo, browser, live_server, watch):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="vi-VN")
    try:
        log_in(context, live_server, user("xem.tinh"))
        page = context.new_page()
        watch.attach(page)
        page.goto(f"{PROVINCE}?set={SET}")
        expect(page.get_by_test_id("child-row").first).to_be_visible()
        assert no_sideways_scroll(page)
        shoot(page, "dashboard-province-summary-390", full_page=True)
        page.goto(f"{PROVINCE}?set={SET}&view=communes")
        expect(page.get_by_test_id("commune-row").first).to_be_visible()
        assert no_sideways_scroll(page)
        shoot(page, "dashboard-province-communes-390", full_page=False)
    finally:
        context.close()
    assert_clean(watch)


def test_the_national_page_reads_as_one_row_per_province(demo, context, live_server, page, watch):
    log_in(context, live_server, user("admin"))
    page.goto(f"/dashboard/pre2025/?set={SET}")
    expect(page.get_by_test_id("child-row").first).to_be_visible()
    expect(page.get_by_test_id("summary-total")).to_be_visible()
    shoot(page, "dashboard-national", full_page=False)
    assert_clean(watch)
