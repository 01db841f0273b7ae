"""The current era (2026-2030, Hà Tĩnh's 2025 tree) in Chromium, on the demo, each role in its own browser:

the province's criteria admin clones the QĐ 51 set for the province, uploads the filled workbook (one row
per indicator, three group columns), reads the counts against the decision and publishes it, then assigns
commune groups by file and on the list; the officer of a merged xã fixes and submits an assessment under the
simulated QĐ 51-shaped demo set on a 390 px phone; the province reviewer approves it and reads the province
completion page. Screens go to tests/screenshots/era-*.png.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.demo_current import SET_CODE
from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit, Era
from criteria.models import CriteriaSet, SetStatus
from tests.browser.conftest import DESKTOP, log_in, shoot
from tests.helpers import fill_qd51_workbook

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_as(browser, live_server, watch):
    contexts = []

    def open_page(username, viewport=DESKTOP):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="vi-VN")
        contexts.append(context)
        log_in(context, live_server, get_user_model().objects.get(username=username))
        page = context.new_page()
        page.set_default_timeout(15_000)
        watch.attach(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_the_current_era_loop(demo, open_as, watch, tmp_path):
    # 1. The province's criteria admin clones the QĐ 51 set for Hà Tĩnh (2025).
    admin = open_as("quantri.tieuchi")
    official = CriteriaSet.objects.get(code="qd51-ntm-2026-2030")
    admin.goto("/admin/criteria/criteriaset/")
    admin.locator(f"input[name=_selected_action][value='{official.pk}']").check()
    admin.locator("select[name=action]").select_option("clone_for_province")
    admin.locator("input[name=province_code]").fill("42")
    admin.locator("button[name=index]").click()
    clone = CriteriaSet.objects.get(code="qd51-ntm-2026-2030-42")
    expect(admin).to_have_url(re.compile(rf"/admin/criteria/criteriaset/{clone.pk}/change/"))
    expect(admin.locator("main")).to_contain_text("0 / 47")

    # ... uploads the filled workbook (47 rows, a column per group) as the update of that draft ...
    path = tmp_path / "qd51-tinh.xlsx"
    fill_qd51_workbook(clone).save(path)
    admin.goto("/admin/criteria/criteriaset/import-excel/")
    admin.locator("input[name=file]").set_input_files(str(path))
    admin.locator("select[name=update]").select_option(str(clone.pk))
    admin.locator("form [type=submit]").last.click()
    expect(admin).to_have_url(re.compile(rf"/admin/criteria/criteriaset/{clone.pk}/change/"))
    panel = admin.locator("main")
    expect(panel).to_contain_text("10 / 10")
    expect(panel).to_contain_text("47 / 47")
    expect(panel).to_contain_text("Chênh lệch với số liệu quyết định nêu (0)")
    expect(panel).to_contain_text("Chỉ tiêu thiếu ngưỡng theo nhóm xã (0)")
    admin.get_by_text("Chỉ tiêu trong bộ / theo quyết định").scroll_into_view_if_needed()
    shoot(admin, "era-1-admin-set-complete", full_page=False)

    # ... opens a criterion and sees each indicator on one line with its three group targets ...
    criterion = clone.criteria.get(number=2)
    admin.goto(f"/admin/criteria/criterion/{criterion.pk}/change/")
    expect(admin.locator("input[name='indicators-0-nhom1']")).to_have_value("≥90")
    admin.locator("input[name='indicators-0-nhom1']").scroll_into_view_if_needed()
    shoot(admin, "era-2-admin-criterion-groups", full_page=False)

    # ... and publishes it.
    admin.goto("/admin/criteria/criteriaset/")
    admin.locator(f"input[name=_selected_action][value='{clone.pk}']").check()
    admin.locator("select[name=action]").select_option("publish")
    admin.locator("button[name=index]").click()
    expect(admin.locator("body")).to_contain_text(f"Đã công bố bộ tiêu chí {clone.code}.")
    clone.refresh_from_db()
    assert clone.status == SetStatus.PUBLISHED

    # 2. The admin assigns commune groups: a file for two xã, then one change on the list.
    other = AdministrativeUnit.objects.filter(era=Era.CURRENT, parent__code="42", kind="xa").exclude(code="18436")[0]
    csv = tmp_path / "nhom.csv"
    csv.write_text(f"mã;nhóm\n18436;3\n{other.code};Nhóm 1\n", encoding="utf-8")
    admin.goto("/units/2025/42/groups/")
    admin.get_by_test_id("group-upload").locator("input[type=file]").set_input_files(str(csv))
    admin.get_by_test_id("group-upload").get_by_role("button", name="Nhập nhóm xã").click()
    expect(admin.locator("body")).to_contain_text("Đã đổi nhóm của")
    truong_luu = AdministrativeUnit.objects.get(era=Era.CURRENT, code="18436")
    assert truong_luu.commune_group == "nhom3"
    admin.locator("select[name='group-18436']").select_option("nhom2")
    admin.get_by_test_id("group-list").get_by_role("button", name="Lưu nhóm xã").click()
    expect(admin.get_by_test_id("group-history")).to_contain_text("Trường Lưu")
    truong_luu.refresh_from_db()
    assert truong_luu.commune_group == "nhom2"
    shoot(admin, "era-3-admin-groups", full_page=False)

    # 3. The officer of xã Trường Lưu, on a phone, fixes the returned 2026 assessment and submits it.
    officer = open_as("canbo.truongluu", viewport=PHONE)
    officer.goto("/my/")
    expect(officer.locator("main")).to_contain_text("Trường Lưu")
    no_sideways_scroll(officer)
    shoot(officer, "era-4-officer-my-phone")
    returned = Assessment.objects.get(commune=truong_luu, criteria_set__code=SET_CODE)
    assert returned.status == Status.RETURNED
    officer.goto(f"/assessments/{returned.pk}/edit/")
    expect(officer.get_by_test_id("return-reason").first).to_be_visible()
    expect(officer.locator("main")).to_contain_text("mô phỏng, không phải văn bản chính thức")
    officer.locator("#crit-2 .accordion-button").click()
    # The form previews its counters in the background: let that answer arrive before submitting.
    with officer.expect_response(lambda response: "preview" in response.url):
        officer.locator("[id='value-2.1']").fill("99")
    no_sideways_scroll(officer)
    shoot(officer, "era-5-officer-entry-phone", full_page=False)
    officer.get_by_role("button", name="Lưu và gửi thẩm định").first.click()
    # The confirmation shows the sentence the commune is about to report, on the phone too.
    expect(officer.get_by_test_id("submit-sentence")).to_contain_text("tiêu chí")
    no_sideways_scroll(officer)
    shoot(officer, "era-5b-officer-confirm-phone", full_page=False)
    officer.get_by_role("button", name="Xác nhận gửi thẩm định").click()
    expect(officer).to_have_url(re.compile(rf"/assessments/{returned.pk}/$"))
    returned.refresh_from_db()
    assert returned.status == Status.SUBMITTED

    # 4. The province reviewer approves it from the queue and reads the province completion page.
    reviewer = open_as("thamdinh.tinh")
    reviewer.goto("/review/")
    reviewer.get_by_test_id("queue-row").filter(has_text="Trường Lưu").get_by_role("link").first.click()
    expect(reviewer).to_have_url(re.compile(rf"/assessments/{returned.pk}/$"))
    reviewer.get_by_test_id("approve-form").get_by_role("button", name="Duyệt").click()
    expect(reviewer.get_by_test_id("status").first).to_contain_text("Đã duyệt")
    returned.refresh_from_db()
    assert returned.status == Status.APPROVED
    reviewer.goto("/units/2025/42/")
    reviewer.get_by_test_id("province-links").get_by_role("link", name="Hoàn thành nhiệm vụ NTM (Phụ lục III)").click()
    expect(reviewer).to_have_url(re.compile(r"/units/2025/42/completion/$"))
    expect(reviewer.get_by_test_id("conditions-status")).to_contain_text("chưa xác định")
    expect(reviewer.get_by_test_id("simulated-note")).to_be_visible()
    expect(reviewer.get_by_test_id("completion-table")).to_contain_text("Nhóm 2")
    shoot(reviewer, "era-6-province-completion")
    reviewer.set_viewport_size(PHONE)
    no_sideways_scroll(reviewer)
    assert watch.console_errors == []
    assert watch.failed_static == []
