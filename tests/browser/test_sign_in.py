"""Signing in and out in Chromium as commune staff, the language switch, and the lockout page; the
login and lockout pages are saved to tests/screenshots/."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import Role
from assessments import demo as demo_data
from tests import factories
from tests.browser.conftest import DESKTOP, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def submit_login(page, username, password):
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_test_id("login-form").get_by_role("button", name="Đăng nhập").click()


def test_a_commune_user_signs_in_switches_to_english_and_back_and_signs_out(demo, page, watch):
    with translation.override("en"):
        home_en = translation.gettext("Việc cần làm")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    shoot(page, "login")
    submit_login(page, "canbo.xa", demo_data.PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("current-user")).to_have_text("Cán bộ xã Kim Song Trường")
    languages = page.get_by_test_id("language-form")
    languages.locator("button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#main-nav .nav-link").first).to_have_text(home_en)
    languages.locator("button[value=vi]").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#main-nav .nav-link").first).to_have_text("Việc cần làm")

    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()
    page.wait_for_timeout(300)  # let Bootstrap's button transition finish before the picture
    shoot(page, "user-menu", full_page=False)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("Bạn đã đăng xuất.")
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    assert_clean(watch)


def test_a_user_changes_their_password_from_the_user_menu(demo, page, watch):
    page.goto("/accounts/login/")
    submit_login(page, "canbo.xa", demo_data.PASSWORD)
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="Đổi mật khẩu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    page.fill("#id_old_password", demo_data.PASSWORD)
    page.fill("#id_new_password1", "lua-chin-vang-2025")
    page.fill("#id_new_password2", "lua-chin-vang-2025")
    shoot(page, "password-change")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã đổi mật khẩu")
    expect(page.get_by_test_id("current-user")).to_have_text("Cán bộ xã Kim Song Trường")
    assert_clean(watch)


def test_an_english_browser_sees_the_lockout_page_in_vietnamese_after_five_failures(
    transactional_db, browser, live_server, watch
):
    tree_unit = factories.make_unit(code="18436", name="Xã A")
    factories.make_user("canbo.a", unit=tree_unit, role=Role.COMMUNE_STAFF)
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch.attach(page)
        page.goto("/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        for _ in range(4):
            submit_login(page, "canbo.a", "sai-mat-khau")
            expect(page.locator(".alert-danger")).to_contain_text("Vui lòng điền vào Tên đăng nhập và mật khẩu")
        submit_login(page, "canbo.a", "sai-mat-khau")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tạm khóa đăng nhập")
        expect(page.get_by_test_id("lockout-until")).to_contain_text(
            re.compile(r"Vui lòng thử lại sau 15 phút, từ \d\d:\d\d ngày \d\d/\d\d/\d{4}\.")
        )
        shoot(page, "login-locked")
        # The right password changes nothing while the lock holds.
        page.goto("/accounts/login/")
        submit_login(page, "canbo.a", "pw-canbo.a")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tạm khóa đăng nhập")
    finally:
        context.close()
    # Chromium reports the 429 document itself as a failed resource; nothing else may fail.
    assert [e for e in watch.console_errors if "429" not in e] == []
    assert watch.failed_static == []
