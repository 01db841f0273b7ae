"""One assessment's whole round in Chromium, each role in its own browser, through the pages only:

the commune officer creates and fills it in and submits it; the reviewer returns it with a reason;
the officer sees the reason, fixes the value and submits again; the department officer verifies the
indicators of their department; the reviewer approves; the commune page then shows the new x/N.
Screens go to tests/screenshots/round-*.png.
"""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment, Status
from tests import factories
from tests.browser.conftest import DESKTOP, log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REASON = "Chỉ tiêu 1.2: xã đã có quy hoạch được duyệt, đề nghị cập nhật kết quả."


@pytest.fixture
def flow_set(cast):
    return factories.make_flow_set(
        department=cast.department, code="bo-vong-kiem-thu", name="Bộ tiêu chí vòng kiểm thử"
    )


@pytest.fixture
def open_as(browser, live_server, watch):
    """A page in a browser context of its own, signed in as `user` (so roles never share a session)."""
    contexts = []

    def open_page(user):
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="vi-VN")
        contexts.append(context)
        log_in(context, live_server, user)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch.attach(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def answer(page, code: str, *, met: bool | None = None, value: str | None = None) -> None:
    row = page.locator(f"#ind-{code.replace('.', '-')}")
    if not row.is_visible():
        # Its criterion is collapsed: open it by its accordion button.
        page.locator(f"#crit-{code.split('.')[0]} .accordion-button").click()
        expect(row).to_be_visible()
    if value is not None:
        page.locator(f"[id='value-{code}']").fill(value)
    if met is not None:
        page.locator(f"label[for='met-{code}-{1 if met else 0}']").click()


def test_an_assessment_goes_round_the_whole_workflow(cast, flow_set, tree, open_as, watch):
    # 1. The commune officer creates the assessment from "Xã của tôi" and fills it in.
    officer = open_as(cast.staff)
    officer.goto("/my/")
    officer.get_by_role("link", name="Tạo đánh giá mới").first.click()
    form = officer.get_by_test_id("create-form")
    form.get_by_label("Bộ tiêu chí").select_option(label=flow_set.name)
    form.get_by_role("button", name="Tạo và nhập kết quả").click()
    expect(officer).to_have_url(re.compile(r"/assessments/\d+/edit/$"))
    pk = int(re.search(r"/assessments/(\d+)/", officer.url).group(1))
    answer(officer, "1.1", met=True)
    answer(officer, "1.2", met=False)
    answer(officer, "2.1", value="75")
    answer(officer, "2.2", met=True)
    answer(officer, "3", met=True)
    expect(officer.get_by_test_id("counters").first).to_contain_text(re.compile(r"2/3 tiêu chí,\s+4/5 chỉ tiêu"))
    shoot(officer, "round-1-officer-entry")
    officer.get_by_role("button", name="Lưu và gửi thẩm định").first.click()
    expect(officer.get_by_test_id("submit-sentence")).to_contain_text("tiêu chí")
    officer.get_by_role("button", name="Xác nhận gửi thẩm định").click()
    expect(officer).to_have_url(re.compile(rf"/assessments/{pk}/$"))
    assert Assessment.objects.get(pk=pk).status == Status.SUBMITTED

    # 2. The reviewer finds it in the queue and returns it with a reason.
    reviewer = open_as(cast.reviewer)
    reviewer.goto("/review/")
    reviewer.get_by_test_id("queue-row").filter(has_text=tree.a.name).get_by_role("link").first.click()
    expect(reviewer).to_have_url(re.compile(rf"/assessments/{pk}/$"))
    return_form = reviewer.get_by_test_id("return-form")
    return_form.locator("textarea").fill(REASON)
    return_form.get_by_role("button", name="Trả lại").click()
    expect(reviewer.get_by_test_id("return-reason").first).to_contain_text(REASON)
    assert Assessment.objects.get(pk=pk).status == Status.RETURNED

    # 3. The officer sees the reason on the entry form, fixes 1.2 and submits again.
    officer.goto(f"/assessments/{pk}/edit/")
    expect(officer.get_by_test_id("return-reason").first).to_contain_text(REASON)
    answer(officer, "1.2", met=True)
    expect(officer.get_by_test_id("counters").first).to_contain_text(re.compile(r"3/3 tiêu chí,\s+5/5 chỉ tiêu"))
    officer.get_by_role("button", name="Lưu và gửi thẩm định").first.click()
    expect(officer.get_by_test_id("submit-sentence")).to_contain_text("tiêu chí")
    officer.get_by_role("button", name="Xác nhận gửi thẩm định").click()
    expect(officer).to_have_url(re.compile(rf"/assessments/{pk}/$"))
    assert Assessment.objects.get(pk=pk).status == Status.SUBMITTED

    # 4. The department officer verifies the indicators of their department's criterion (2, Giao thông).
    department = open_as(cast.officer)
    department.goto("/verify/")
    department.get_by_test_id("verification-queue").get_by_role("link").first.click()
    expect(department).to_have_url(re.compile(rf"/assessments/{pk}/verify/$"))
    rows = department.get_by_test_id("verify-row")
    expect(rows).to_have_count(2)
    for code in ("2.1", "2.2"):
        row = department.locator(f"[data-testid='verify-row'][data-code='{code}']")
        row.get_by_role("button", name="Đã kiểm tra").click()
        verified = department.locator(f"[data-testid='verify-row'][data-code='{code}'] [data-testid='verification']")
        expect(verified).to_have_attribute("data-state", "verified")
    shoot(department, "round-4-department-verified")

    # 5. The reviewer sees both verified, and approves without any confirmation to tick.
    reviewer.goto(f"/assessments/{pk}/")
    expect(reviewer.get_by_test_id("verification-counts")).to_contain_text("2")
    reviewer.get_by_test_id("approve-form").get_by_role("button", name="Duyệt").click()
    expect(reviewer.get_by_test_id("status").first).to_contain_text("Đã duyệt")
    shoot(reviewer, "round-5-approved")
    approved = Assessment.objects.get(pk=pk)
    assert approved.status == Status.APPROVED
    assert (approved.criteria_met, approved.criteria_total) == (3, 3)

    # 6. The commune page shows the new figure, with the return and the approval in the history.
    officer.goto(f"/units/{tree.a.era}/{tree.a.code}/")
    expect(officer.locator("main")).to_contain_text(re.compile(r"3/3 tiêu chí"))
    shoot(officer, "round-6-commune-page")
    officer.goto(f"/assessments/{pk}/")
    timeline = officer.get_by_test_id("timeline")
    expect(timeline).to_contain_text(REASON)
    expect(timeline).to_contain_text("Duyệt đánh giá")
    assert watch.console_errors == []
    assert watch.failed_static == []
