"""The comparison page in Chromium: from the commune's timeline to two assessments side by side, the
changed indicators marked, "only changed" toggled; two communes picked on the district dashboard;
the page on a phone. Screenshots go to tests/screenshots/compare-*.png for a human to look at."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import Membership, Role
from assessments import services
from tests.browser.conftest import log_in, shoot
from tests.factories import ANSWERS, make_approved, make_cast, make_draft, make_flow_set
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.browser, pytest.mark.slow]

D1, D2 = datetime.date(2022, 12, 31), datetime.date(2023, 12, 31)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def history(transactional_db, tree):
    """Xã A approved twice on one set (1.2 and 2.1 now met, 3 no longer met; a report for 2.1 on the
    newer one), xã B approved once."""
    cast = make_cast(tree)
    cs = make_flow_set(cast.department, name="Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025")
    make_approved(cast, cs, tree.a, as_of=D1, answers=ANSWERS | {"2.1": {"value": "55.5"}})
    draft = make_draft(
        cast,
        cs,
        tree.a,
        as_of=D2,
        answers=ANSWERS
        | {
            "1.2": {"met": True},
            "2.1": {"value": "82.5"},
            "3": {"met": False},
        },
    )
    result = draft.results.get(indicator__code="2.1")
    services.evidence_file_add(result=result, upload=upload("bien-ban-duong-truc-xa.pdf", PDF), by=cast.staff)
    services.assessment_submit(assessment=draft, by=cast.staff)
    services.assessment_approve(assessment=draft, by=cast.province_reviewer, confirm_unverified=True)
    Membership.objects.create(user=cast.staff_c, unit=tree.b, role=Role.COMMUNE_STAFF)
    make_approved(cast, cs, tree.b, as_of=D2, answers=ANSWERS)
    return type("History", (), dict(cast=cast, tree=tree, cs=cs))


def test_from_the_timeline_the_changed_indicators_stand_out(history, context, live_server, page, watch):
    log_in(context, live_server, history.cast.reviewer)
    page.goto(history.tree.a.get_absolute_url())
    newest = page.get_by_test_id("timeline-row").first
    expect(newest).to_contain_text("31/12/2023")
    newest.get_by_role("link", name="So sánh với lần trước").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("So sánh hai lần đánh giá")
    expect(page.get_by_test_id("compare-head-left")).to_contain_text("31/12/2022")
    expect(page.get_by_test_id("compare-head-right")).to_contain_text("31/12/2023")
    count = page.get_by_test_id("changed-count")
    expect(count).to_contain_text("3 chỉ tiêu thay đổi trạng thái: 2 lên đạt, 1 không còn đạt")
    rows = page.get_by_test_id("compare-row")
    expect(rows).to_have_count(5)
    changed = page.locator("tr.compare-changed")
    expect(changed).to_have_count(3)
    row = page.locator('[data-testid="compare-row"][data-code="2.1"]')
    expect(row).to_have_class("compare-changed compare-up")
    expect(row).to_contain_text("55,5%")
    expect(row).to_contain_text("82,5%")
    expect(row.get_by_role("link", name="bien-ban-duong-truc-xa.pdf")).to_be_visible()
    expect(page.locator('[data-testid="compare-row"][data-code="3"]')).to_have_class("compare-changed compare-down")
    # The highlight is painted: a changed row's cells are tinted, an unchanged one's are not.
    tint = "el => getComputedStyle(el.querySelector('td')).backgroundColor"
    assert row.evaluate(tint) != page.locator('[data-testid="compare-row"][data-code="1.1"]').evaluate(tint)
    shoot(page, "compare-timeline-all")

    page.get_by_role("link", name="Chỉ hiện chỉ tiêu thay đổi").click()
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("show-changed")).to_have_attribute("aria-current", "page")
    assert [r.get_attribute("data-code") for r in rows.all()] == ["1.2", "2.1", "3"]
    shoot(page, "compare-timeline-changed")
    page.get_by_role("link", name="Tất cả chỉ tiêu").click()
    expect(rows).to_have_count(5)
    assert watch.console_errors == []
    assert watch.failed_static == []


def test_two_assessments_picked_in_the_timeline_form(history, context, live_server, page, watch):
    log_in(context, live_server, history.cast.staff)
    page.goto(history.tree.a.get_absolute_url())
    form = page.get_by_test_id("compare-form")
    form.get_by_label("Lần đánh giá thứ nhất").select_option(index=0)
    form.get_by_label("Lần đánh giá thứ hai").select_option(index=1)
    form.get_by_role("button", name="So sánh").click()
    # Two dates of one commune read older first, whichever was picked first.
    expect(page.get_by_test_id("compare-head-left")).to_contain_text("31/12/2022")
    expect(page.locator("tr.compare-changed")).to_have_count(3)
    assert watch.console_errors == []


def test_two_communes_picked_on_the_dashboard(history, context, live_server, page, watch):
    log_in(context, live_server, history.cast.reviewer)
    page.goto(f"/units/pre2025/{history.tree.h.code}/dashboard/")
    form = page.get_by_test_id("compare-communes-form")
    expect(form).to_be_visible()
    first, second = form.get_by_label("Xã thứ nhất"), form.get_by_label("Xã thứ hai")
    expect(first.locator("option")).to_have_text(["Xã A · 31/12/2023", "Xã B · 31/12/2023"])
    first.select_option(label="Xã A · 31/12/2023")
    second.select_option(label="Xã B · 31/12/2023")
    shoot(page, "compare-dashboard-form", full_page=False)
    form.get_by_role("button", name="So sánh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("So sánh hai xã")
    expect(page.get_by_test_id("changed-count")).to_contain_text("2 chỉ tiêu khác trạng thái giữa hai bên")
    shoot(page, "compare-two-communes")
    # The dashboard row's link: the commune's latest approved against its previous one.
    page.go_back()
    page.locator('[data-testid="commune-row"][data-code="18436"]').get_by_test_id("compare-latest").click()
    expect(page.get_by_test_id("compare-head-left")).to_contain_text("31/12/2022")
    assert watch.console_errors == []


def test_the_comparison_reads_on_a_phone(history, context, live_server, page, watch):
    log_in(context, live_server, history.cast.staff)
    page.set_viewport_size(PHONE)
    page.goto(history.tree.a.get_absolute_url())
    page.get_by_test_id("timeline-row").first.get_by_role("link", name="So sánh với lần trước").click()
    expect(page.locator("tr.compare-changed")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # One card per indicator: the side's date labels its cell.
    cell = page.locator('[data-testid="compare-row"][data-code="2.1"] [data-testid="side"]').first
    assert "31/12/2022" in cell.evaluate("el => getComputedStyle(el, '::before').content")
    shoot(page, "compare-phone")
    assert watch.console_errors == []


def test_on_the_demo_the_last_two_approvals_and_the_change_of_set(demo, context, live_server, page, watch):
    """Xã 18436 of Can Lộc: approved 30/06/2025 after 31/12/2024 on QĐ 318 (4 indicators now met), and
    its last QĐ 1980 assessment (2020) against its first QĐ 318 one (2022): two sets, matched by code."""
    log_in(context, live_server, get_user_model().objects.get(username="thamdinh.huyen"))
    page.goto("/units/pre2025/18436/")
    page.get_by_test_id("timeline-row").first.get_by_role("link", name="So sánh với lần trước").click()
    expect(page.get_by_test_id("compare-head-left")).to_contain_text("31/12/2024")
    expect(page.get_by_test_id("compare-head-right")).to_contain_text("30/06/2025")
    count = page.get_by_test_id("changed-count")
    expect(count).to_contain_text("4 chỉ tiêu thay đổi trạng thái: 4 lên đạt, 0 không còn đạt")
    page.get_by_role("link", name="Chỉ hiện chỉ tiêu thay đổi").click()
    expect(page.get_by_test_id("compare-row")).to_have_count(4)
    shoot(page, "compare-demo-changed")

    page.go_back()
    page.go_back()
    form = page.get_by_test_id("compare-form")
    form.get_by_label("Lần đánh giá thứ nhất").select_option(label=re_label(page, "compare-a", "31/12/2020"))
    form.get_by_label("Lần đánh giá thứ hai").select_option(label=re_label(page, "compare-b", "31/12/2022"))
    form.get_by_role("button", name="So sánh").click()
    differ = page.get_by_test_id("sets-differ")
    expect(differ).to_contain_text("Hai đánh giá theo hai bộ tiêu chí khác nhau")
    expect(differ).to_contain_text("(47 chỉ tiêu)")
    expect(page.get_by_test_id("changed-count")).to_contain_text("12 chỉ tiêu thay đổi trạng thái")
    shoot(page, "compare-demo-sets-differ")
    assert watch.console_errors == []


def re_label(page, select_id: str, date: str) -> str:
    """The full label of the option of <select id=select_id> that starts with `date`."""
    return page.evaluate(
        "([id, date]) => [...document.getElementById(id).options].map(o => o.label).find(l => l.startsWith(date))",
        [select_id, date],
    )
