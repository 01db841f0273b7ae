"""Re-scoring under a newer set in Chromium, on the demo (its crosswalk QĐ 318 → the simulated QĐ 51-shaped
set is illustrative, every link unverified): the district reviewer goes from Can Lộc's dashboard to "which
communes would meet what", opens one commune's re-score, and reads it in English; the superuser sees the
crosswalk's links in the admin; the officer of a merged xã starts a new assessment from a re-score.
Screens go to tests/screenshots/crosswalk-*.png."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments import services
from assessments.demo_current import SET_CODE
from assessments.models import Assessment, IndicatorResult
from communes.models import AdministrativeUnit, Era
from criteria.models import CriteriaSet, Crosswalk
from tests.browser.conftest import DESKTOP, log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OLD = "qd318-ntm-2021-2025"


def user(username):
    return get_user_model().objects.get(username=username)


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def test_the_committee_sees_which_communes_would_meet_the_new_set(demo, context, live_server, page, watch):
    crosswalk = Crosswalk.objects.get(from_set__code=OLD, to_set__code=SET_CODE)
    log_in(context, live_server, user("thamdinh.huyen"))
    page.goto(f"/units/pre2025/443/dashboard/?set={OLD}")
    page.get_by_test_id("rescore-link").click()
    expect(page).to_have_url(re.compile(rf"/units/pre2025/443/rescore/{crosswalk.pk}/$"))
    rows = page.get_by_test_id("rescore-unit-row")
    approved = Assessment.objects.filter(
        criteria_set__code=OLD,
        is_latest_approved=True,
        commune__path__startswith=AdministrativeUnit.objects.get(era=Era.PRE_2025, code="443").path,
    ).count()
    expect(rows).to_have_count(approved)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chấm lại theo bộ mới")
    expect(page.locator("main")).to_contain_text("MINH HỌA")
    kim_song_truong = rows.filter(has_text="Kim Song Trường")
    expect(kim_song_truong).to_contain_text("nhóm của Xã Trường Lưu")
    expect(kim_song_truong.locator("td").nth(4)).to_have_text("41")  # 47 indicators, 6 carried
    shoot(page, "crosswalk-1-unit", full_page=False)

    kim_song_truong.get_by_role("link", name="Chi tiết").click()
    expect(page.get_by_test_id("rescore-via")).to_contain_text("Xã Trường Lưu")
    expect(page.get_by_test_id("not-applicable")).to_be_visible()  # a pre-2025 commune: no new assessment
    expect(page.get_by_test_id("reassess-count")).to_have_text("Chỉ tiêu cần đánh giá lại: 41")
    carried = page.locator("[data-testid=rescore-row][data-code='2.1']")
    expect(carried).to_contain_text("3.1 · Giá trị chuyển sang, ngưỡng khác")
    expect(carried).to_contain_text("chưa kiểm chứng")
    expect(carried).to_contain_text("≥80%")  # the new set's threshold for nhóm 2, Trường Lưu's group
    expect(page.locator("[data-testid=rescore-row][data-code='1.1'] [data-testid=state-reassess]")).to_be_visible()
    shoot(page, "crosswalk-2-assessment")

    page.get_by_test_id("language-form").locator("button[value=en]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Re-score under the new set")
    expect(page.get_by_test_id("reassess-count")).to_have_text("Indicators needing re-assessment: 41")
    shoot(page, "crosswalk-3-assessment-en", full_page=False)
    page.get_by_test_id("language-form").locator("button[value=vi]").click()
    assert_clean(watch)


def test_the_superuser_reads_the_links_and_the_officer_starts_a_new_assessment(demo, browser, live_server, watch):
    crosswalk = Crosswalk.objects.get(from_set__code=OLD, to_set__code=SET_CODE)
    admin_context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="vi-VN")
    try:
        log_in(admin_context, live_server, user("admin"))
        page = admin_context.new_page()
        watch.attach(page)
        page.goto(f"/admin/criteria/crosswalk/{crosswalk.pk}/change/")
        expect(page.locator("#id_note")).to_contain_text("MINH HỌA")
        expect(page.locator("tr.form-row.has_original")).to_have_count(crosswalk.links.count())
        shoot(page, "crosswalk-4-admin", full_page=False)
    finally:
        admin_context.close()

    # A merged xã reviewed under QĐ 318 at the end of 2025 (made here: the demo has none) …
    truong_luu = AdministrativeUnit.objects.get(era=Era.CURRENT, code="18436")
    staff, reviewer = user("canbo.truongluu"), user("thamdinh.tinh")
    old = CriteriaSet.objects.get(code=OLD)
    draft = services.assessment_create(
        commune=truong_luu, criteria_set=old, as_of=datetime.date(2025, 12, 31), by=staff
    )
    entries = {
        r.indicator.code: ({"value": "86"} if r.indicator.kind == "numeric" else {"met": True})
        for r in draft.results.select_related("indicator")
    }
    services.indicator_results_update(assessment=draft, entries=entries, by=staff)
    services.assessment_submit(assessment=draft, by=staff)
    services.assessment_approve(assessment=draft, by=reviewer, confirm_unverified=True)

    # … its officer finds "Chấm lại theo bộ mới" on the commune's timeline and starts from it.
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="vi-VN")
    try:
        log_in(context, live_server, staff)
        page = context.new_page()
        watch.attach(page)
        page.goto(truong_luu.get_absolute_url())
        page.locator(f"[data-testid=timeline-row][data-set='{OLD}'] [data-testid=rescore-link]").click()
        expect(page.get_by_test_id("rescore-summary")).to_contain_text(re.compile(r"Theo bộ cũ: \d+/19 tiêu chí"))
        page.get_by_label("Ngày đánh giá mới").fill("30/06/2026")
        shoot(page, "crosswalk-5-start", full_page=False)
        page.get_by_role("button", name="Lập đánh giá mới").click()
        created = Assessment.objects.get(
            commune=truong_luu, criteria_set__code=SET_CODE, as_of=datetime.date(2026, 6, 30)
        )
        expect(page).to_have_url(re.compile(rf"/assessments/{created.pk}/edit/$"))
        expect(page.locator(".alert-success")).to_contain_text("điền sẵn các giá trị chuyển sang")
        assert IndicatorResult.objects.get(assessment=created, indicator__code="2.1").value == 86
        assert IndicatorResult.objects.get(assessment=created, indicator__code="1.1").value is None
        shoot(page, "crosswalk-6-entry", full_page=False)
    finally:
        context.close()
    assert_clean(watch)
