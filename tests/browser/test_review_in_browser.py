"""The review pages in Chromium, on the Can Lộc demo: a reviewer works through the queue and returns
an assessment with a reason; a department officer checks indicators in place (htmx). Each page is
saved to tests/screenshots/ for a human to look at."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments.models import Assessment, IndicatorResult, Status
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REASON = "Thiếu biên bản nghiệm thu công trình giao thông; đề nghị bổ sung."


def user(username):
    return get_user_model().objects.get(username=username)


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def test_a_reviewer_returns_an_assessment_from_the_queue_with_a_reason(demo, context, live_server, page, watch):
    log_in(context, live_server, user("thamdinh.huyen"))
    page.goto("/review/")
    rows = page.get_by_test_id("queue-row")
    expect(rows.first).to_be_visible()
    # The district reviewer's queue: huyện Can Lộc's (the demo's current-era xã are the province's).
    in_district = Assessment.objects.filter(status=Status.SUBMITTED, commune__path__startswith="42/443/")
    assert rows.count() == in_district.count()
    shoot(page, "review-queue")

    first_pk = int(rows.first.get_attribute("data-pk"))
    rows.first.get_by_role("link", name="Xem và thẩm định").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{first_pk}/$"))
    expect(page.get_by_test_id("status")).to_have_text("Đã gửi")
    expect(page.get_by_test_id("criterion")).to_have_count(19)
    expect(page.get_by_test_id("verification-counts")).to_be_visible()
    shoot(page, "review-assessment", full_page=False)
    shoot(page, "review-assessment-full")

    form = page.get_by_test_id("return-form")
    form.get_by_label("Lý do trả lại").fill(REASON)
    form.get_by_role("button", name="Trả lại").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{first_pk}/$"))
    expect(page.get_by_role("alert").filter(has_text="Đã trả lại đánh giá cho xã kèm lý do.")).to_be_visible()
    expect(page.get_by_test_id("return-reason")).to_contain_text(REASON)
    newest = page.get_by_test_id("timeline-entry").first
    expect(newest).to_contain_text("Trả lại cho xã")
    expect(newest).to_contain_text(REASON)
    page.get_by_test_id("timeline").scroll_into_view_if_needed()
    shoot(page, "review-assessment-returned", full_page=False)
    assessment = Assessment.objects.get(pk=first_pk)
    assert (assessment.status, assessment.return_reason) == (Status.RETURNED, REASON)
    assert_clean(watch)


def test_a_reviewer_cannot_return_with_an_empty_reason(demo, context, live_server, page, watch):
    log_in(context, live_server, user("thamdinh.huyen"))
    pk = Assessment.objects.filter(status=Status.SUBMITTED).order_by("submitted_at").values_list("pk", flat=True)[0]
    page.goto(f"/assessments/{pk}/")
    form = page.get_by_test_id("return-form")
    form.get_by_label("Lý do trả lại").fill("   ")
    form.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_text("Hãy nêu lý do trả lại.")).to_be_visible()
    assert Assessment.objects.get(pk=pk).status == Status.SUBMITTED
    # The refusal is a 400 page, which Chromium logs; nothing else may go wrong.
    assert [e for e in watch.console_errors if "status of 400" not in e] == []
    assert watch.failed_static == []


def test_a_department_officer_checks_indicators_in_place(demo, context, live_server, page, watch):
    log_in(context, live_server, user("phong.nongnghiep"))
    page.goto("/verify/")
    rows = page.get_by_test_id("queue-row")
    expect(rows.first).to_be_visible()
    shoot(page, "verification-queue")
    pk = int(rows.first.get_attribute("data-pk"))
    rows.first.get_by_role("link", name="Rà soát").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{pk}/verify/$"))
    # htmx redraws the rows in place: a full page load would drop this marker.
    page.evaluate("window.notReloaded = true")

    first, second = page.get_by_test_id("verify-row").nth(0), page.get_by_test_id("verify-row").nth(1)
    code = first.get_attribute("data-code")
    first.get_by_role("button", name="Cần xem lại").click()
    expect(first.get_by_role("alert")).to_have_text("Hãy ghi ý kiến khi đánh dấu chỉ tiêu cần xem lại.")
    first.get_by_label(re.compile("Ý kiến")).fill("Số liệu chưa khớp báo cáo của xã.")
    first.get_by_role("button", name="Cần xem lại").click()
    expect(first.get_by_test_id("verification")).to_have_attribute("data-state", "flagged")
    expect(first.get_by_test_id("verification")).to_contain_text("Số liệu chưa khớp báo cáo của xã.")
    second.get_by_role("button", name="Đã kiểm tra").click()
    expect(second.get_by_test_id("verification")).to_have_attribute("data-state", "verified")
    expect(page.get_by_test_id("verify-counts")).to_contain_text("1 cần xem lại")
    assert page.evaluate("window.notReloaded") is True
    shoot(page, "verification-page", full_page=False)

    flagged = IndicatorResult.objects.get(assessment_id=pk, indicator__code=code)
    assert flagged.verification_state == "flagged"
    assert flagged.verification_comment == "Số liệu chưa khớp báo cáo của xã."
    assert IndicatorResult.objects.filter(assessment_id=pk, verification_state="verified").count() == 1
    assert_clean(watch)
