"""The roadmap in Chromium, on the Can Lộc demo: a district reviewer sets a commune's planned year,
records its recognition, and sees both (with the history) on the roadmap and the commune page; a
department officer opens their view. Screenshots go to tests/screenshots/roadmap-*.png."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Membership, Role
from roadmap.models import Plan, Recognition
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def user(username):
    return get_user_model().objects.get(username=username)


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def test_a_reviewer_edits_a_plan_and_records_a_recognition(demo, context, live_server, page, watch):
    reviewer = user("thamdinh.huyen")
    district = Membership.objects.get(user=reviewer, role=Role.REVIEWER).unit
    log_in(context, live_server, reviewer)
    page.goto(reverse("roadmap:unit", kwargs={"era": district.era, "code": district.code}))
    rows = page.get_by_test_id("roadmap-row")
    expect(rows.first).to_be_visible()
    row = page.locator('[data-testid="roadmap-row"][data-code="18436"]')
    commune_name = row.get_by_role("link").first.inner_text()

    row.get_by_test_id("edit-plan-ntm").click()
    page.get_by_label("Năm phấn đấu đạt chuẩn").fill("2024")
    page.get_by_label("Ghi chú").fill("Theo kế hoạch của huyện")
    shoot(page, "roadmap-plan-edit")
    page.get_by_role("button", name="Lưu").click()
    expect(row.get_by_test_id("plan-year").first).to_have_text("2024")
    # 2024 has passed without a recognition: behind plan, highlighted.
    expect(row.get_by_test_id("plan-status").first).to_have_text("Chậm tiến độ")
    expect(row).to_have_class(re.compile("table-danger"))

    row.get_by_test_id("add-recognition").click()
    page.get_by_label("Mức").select_option("ntm")
    page.get_by_label("Số quyết định").fill("3095/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("2024-12-20")
    page.get_by_label("Cơ quan ban hành").fill("UBND tỉnh Hà Tĩnh")
    shoot(page, "roadmap-recognition-add")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(row.get_by_test_id("plan-status").first).to_have_text("Đã đạt")
    expect(row.get_by_test_id("recognition").first).to_contain_text("3095/QĐ-UBND ngày 20/12/2024")
    shoot(page, "roadmap-unit")

    page.get_by_test_id("by-year").click()
    expect(page.get_by_test_id("year-2024")).to_be_visible()
    shoot(page, "roadmap-by-year")

    page.goto(row_commune_url(commune_name, district))
    section = page.get_by_test_id("commune-roadmap")
    expect(section).to_contain_text("3095/QĐ-UBND")
    expect(section.get_by_test_id("plan-history")).to_contain_text("— → 2024")
    section.scroll_into_view_if_needed()
    shoot(page, "roadmap-commune-section", full_page=False)

    plan = Plan.objects.get(commune__code="18436", commune__era=district.era, level="ntm")
    assert (plan.target_year, plan.updated_by) == (2024, reviewer)
    assert Recognition.objects.get(decision_number="3095/QĐ-UBND").recorded_by == reviewer
    assert_clean(watch)


def row_commune_url(name, district):
    from communes.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(era=district.era, code="18436")
    assert commune.name == name
    return commune.get_absolute_url()


def test_a_department_officer_sees_their_criteria(demo, context, live_server, page, watch):
    log_in(context, live_server, user("phong.nongnghiep"))
    page.goto(reverse("dashboards:department"))
    expect(page.get_by_test_id("department-counts")).to_be_visible()
    expect(page.get_by_test_id("department-row").first).to_be_visible()
    shoot(page, "roadmap-department")
    assert_clean(watch)
