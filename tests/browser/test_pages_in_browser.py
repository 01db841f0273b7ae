"""The pages as a person sees them in Chromium, on the Can Lộc demo: signing in, a criteria set,
a commune and its lineage, English, and Bootstrap's JavaScript. Each page is saved to
tests/screenshots/ for a human to look at."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from assessments import demo as demo_data
from criteria.models import Indicator
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OLD_COMMUNE = "/units/pre2025/18436/"  # xã Kim Song Trường, huyện Can Lộc
NEW_COMMUNE = "/units/2025/18436/"  # xã Trường Lưu, formed from it (and others) on 01/07/2025
QD318_CODE = "qd318-ntm-2021-2025"
QD318 = f"/criteria/{QD318_CODE}/"


@pytest.fixture
def province_viewer(demo, context, live_server):
    """The demo's viewer of tỉnh Hà Tĩnh, in both eras."""
    user = get_user_model().objects.get(username="xem.tinh")
    log_in(context, live_server, user)
    return user


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def test_a_staff_user_signs_in_through_the_login_form_and_lands_on_home(demo, page, watch):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.fill("#id_username", "quantri.tieuchi")
    page.fill("#id_password", demo_data.PASSWORD)
    page.get_by_test_id("login-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("current-user")).to_have_text("Quản trị bộ tiêu chí tỉnh Hà Tĩnh")
    expect(page.get_by_test_id("todo-page")).to_be_visible()
    expect(page.get_by_test_id("memberships")).to_contain_text("Tỉnh Hà Tĩnh")
    shoot(page, "home")
    page.get_by_test_id("nav-criteria").click()
    expect(page.get_by_test_id("criteria-sets")).to_contain_text(
        "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025"
    )
    assert_clean(watch)


def test_the_criteria_set_page_shows_every_criterion_and_indicator(province_viewer, page, watch):
    page.goto("/criteria/")
    page.get_by_role("link", name="Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025").click()
    expect(page).to_have_url(re.compile(QD318 + "$"))
    expect(page.get_by_test_id("criterion")).to_have_count(19)
    # The bundled file lacks some of the decision's 57 indicators; the page shows what is known.
    expect(page.get_by_test_id("indicator")).to_have_count(
        Indicator.objects.filter(criteria_set__code=QD318_CODE).count()
    )
    expect(page.locator("header")).to_contain_text("Công bố cho demo")
    shoot(page, "criteria-set", full_page=False)
    assert_clean(watch)


def test_the_commune_page_shows_the_latest_result_and_links_both_ways_across_the_reform(province_viewer, page, watch):
    page.goto(OLD_COMMUNE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Kim Song Trường")
    expect(page.get_by_test_id("assessments")).to_contain_text(re.compile(r"đạt \d+/19 tiêu chí"))
    # The QĐ 318 NTM set holds 56 of the 57 indicators its decision states: said next to the figures.
    expect(page.get_by_test_id("set-incomplete").first).to_be_visible()
    expect(page.get_by_test_id("set-incomplete").first).to_have_text("(bộ tiêu chí chưa đầy đủ: 56/57 chỉ tiêu)")
    shoot(page, "commune-old")
    page.get_by_test_id("successors").get_by_role("link", name="Xã Trường Lưu").click()
    expect(page).to_have_url(re.compile(NEW_COMMUNE + "$"))
    expect(page.get_by_test_id("predecessors")).to_contain_text("Xã Thường Nga")
    shoot(page, "commune-new")
    page.get_by_test_id("predecessors").get_by_role("link", name="Xã Kim Song Trường").click()
    expect(page).to_have_url(re.compile(OLD_COMMUNE + "$"))
    assert_clean(watch)


def test_choosing_english_turns_the_navbar_into_english(province_viewer, page, watch):
    with translation.override("en"):
        home = translation.gettext("Việc cần làm")
    assert home != "Việc cần làm", "locale/en has no English for the navbar (compilemessages?)"
    page.goto(QD318)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_test_id("language-form").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(QD318 + "$"))
    expect(page.locator("#main-nav .nav-link").first).to_have_text(home)
    shoot(page, "criteria-set-en", full_page=False)
    assert_clean(watch)


def test_the_menu_opens_on_a_phone_with_bootstraps_javascript(province_viewer, page, watch):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(OLD_COMMUNE)
    menu = page.locator("#main-nav")
    expect(menu).to_be_hidden()
    page.locator(".navbar-toggler").click()
    expect(menu).to_be_visible()
    expect(menu).to_have_class(re.compile(r"\bshow\b"))
    shoot(page, "commune-phone-menu")
    assert_clean(watch)
