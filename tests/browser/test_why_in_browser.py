"""The explanation behind a state badge in Chromium, on the Can Lộc demo: the commune officer clicks a
badge on the entry form, the district reviewer a cell of the dashboard's heatmap; each time the
explanation opens in a dialog, and its links move within it. Screens go to tests/screenshots/why-*.png."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments import demo as demo_data
from assessments import services
from communes.models import AdministrativeUnit, Era
from criteria.models import CriteriaSet, IndicatorKind
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = datetime.date(2025, 3, 31)  # a date the demo has no assessment on


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def settled(page):
    """Wait for the dialog's backdrop to be in place, so the screenshot shows the page dimmed behind it."""
    page.wait_for_function(
        "() => { const b = document.querySelector('.modal-backdrop.show');"
        " return b && getComputedStyle(b).opacity === '0.5'; }"
    )


def numeric_with_target(assessment):
    book = services.TargetBook(assessment.criteria_set)
    for indicator in book.indicators:
        target = book.target_for(indicator, assessment.commune, assessment.as_of)
        if (
            indicator.kind == IndicatorKind.NUMERIC
            and target is not None
            and target.is_numeric
            and target.operator == ">="
        ):
            return indicator, target
    pytest.fail("the demo set has no numeric indicator with a ≥ target")


def test_a_badge_on_the_entry_form_opens_its_explanation(demo, context, live_server, page, watch):
    staff = get_user_model().objects.get(username="canbo.xa")
    log_in(context, live_server, staff)
    commune = AdministrativeUnit.objects.get(era=Era.PRE_2025, code=demo_data.STAFF_COMMUNE)
    criteria_set = CriteriaSet.objects.get(code="qd318-ntm-2021-2025")
    draft = services.assessment_create(commune=commune, criteria_set=criteria_set, as_of=AS_OF, by=staff)
    indicator, target = numeric_with_target(draft)
    services.indicator_results_update(
        assessment=draft, entries={indicator.code: {"value": str(target.value)}}, by=staff
    )
    number = indicator.criterion.number
    anchor = "ind-" + indicator.code.replace(".", "-")

    page.emulate_media(reduced_motion="reduce")  # no fade: the screenshots catch the backdrop
    page.goto(f"/assessments/{draft.pk}/edit/")
    page.locator(f"#crit-{number} .accordion-button").click()
    page.locator(f"#{anchor}-state").click()
    dialog = page.get_by_test_id("why-modal")
    expect(dialog).to_be_visible()
    explanation = dialog.get_by_test_id("why")
    expect(explanation).to_have_attribute("data-code", indicator.code)
    expect(explanation).to_have_attribute("data-state", "met")
    expect(dialog.get_by_test_id("why-outcome")).to_contain_text(": đạt.")
    expect(dialog.get_by_test_id("why-basis")).not_to_be_empty()
    expect(dialog.get_by_test_id("why-source")).to_contain_text("318")
    expect(page).to_have_url(re.compile(rf"/assessments/{draft.pk}/edit/$"))  # a dialog, not a new page
    settled(page)
    shoot(page, "why-entry-indicator", full_page=False)

    # Its criterion's rule, in the same dialog.
    dialog.get_by_test_id("why-criterion-link").click()
    expect(dialog.get_by_test_id("why")).to_have_attribute("data-kind", "criterion")
    expect(dialog.get_by_test_id("why-rule")).to_contain_text("Quy tắc: tiêu chí đạt khi tất cả")
    expect(dialog.locator(f'[data-testid="why-line"][data-code="{indicator.code}"]')).to_have_attribute(
        "data-state", "met"
    )
    settled(page)
    shoot(page, "why-entry-criterion-from-indicator", full_page=False)
    dialog.get_by_role("button", name="Đóng").click()
    expect(dialog).to_be_hidden()

    # The criterion's own badge, beside its toggle: "chưa đủ", most indicators still unanswered.
    page.locator(f"#crit-state-{number}").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("why")).to_have_attribute("data-state", "unknown")
    expect(dialog.get_by_test_id("why-reason")).to_contain_text("chưa xác định được")
    expect(dialog.get_by_test_id("why-line").filter(has_text="Xã chưa trả lời").first).to_be_visible()
    settled(page)
    shoot(page, "why-entry-criterion", full_page=False)
    assert_clean(watch)


def test_a_heatmap_cell_opens_the_criterions_explanation_on_the_commune_page(demo, context, live_server, page, watch):
    log_in(context, live_server, get_user_model().objects.get(username="thamdinh.huyen"))
    page.emulate_media(reduced_motion="reduce")
    page.goto("/units/pre2025/443/dashboard/heatmap/?set=qd318-ntm-2021-2025")
    cell = page.locator('[data-testid="heatmap-row"] td[data-state="unmet"] a').first
    title = cell.get_attribute("title")  # "3. Thủy lợi …: Chưa đạt"
    number = title.split(".")[0]
    cell.click()
    expect(page).to_have_url(re.compile(r"/units/pre2025/\d+/#crit-qd318-ntm-2021-2025-" + number + "$"))
    dialog = page.get_by_test_id("why-modal")
    expect(dialog).to_be_visible()
    explanation = dialog.get_by_test_id("why")
    expect(explanation).to_have_attribute("data-kind", "criterion")
    expect(explanation).to_have_attribute("data-number", number)
    expect(explanation).to_have_attribute("data-state", "not_met")
    failed = dialog.locator('[data-testid="why-line"][data-state="not_met"]')
    expect(failed.first).to_be_visible()
    settled(page)
    shoot(page, "why-heatmap-criterion", full_page=False)

    code = failed.first.get_attribute("data-code")
    failed.first.get_by_role("link").click()
    expect(dialog.get_by_test_id("why")).to_have_attribute("data-code", code)
    expect(dialog.get_by_test_id("why")).to_have_attribute("data-state", "not_met")
    expect(dialog.get_by_test_id("why-verification")).to_be_visible()
    settled(page)
    shoot(page, "why-heatmap-indicator", full_page=False)
    dialog.get_by_role("button", name="Đóng").click()
    expect(dialog).to_be_hidden()

    # The page's own badges open it too (an indicator's result, inside its criterion's row).
    page.locator(f"#crit-qd318-ntm-2021-2025-{number} .criterion-toggle").click()
    page.locator(f'#crit-qd318-ntm-2021-2025-{number} [data-testid="indicator"] a.why-link').first.click()
    expect(dialog.get_by_test_id("why")).to_have_attribute("data-kind", "indicator")
    assert_clean(watch)


def test_the_explanation_in_english(demo, context, live_server, page, watch):
    log_in(context, live_server, get_user_model().objects.get(username="thamdinh.huyen"))
    page.goto("/units/pre2025/443/dashboard/heatmap/?set=qd318-ntm-2021-2025")
    page.get_by_test_id("language-form").get_by_role("button", name="English").click()
    cell = page.locator('[data-testid="heatmap-row"] td[data-state="unmet"] a').first
    cell.click()
    dialog = page.get_by_test_id("why-modal")
    expect(dialog.get_by_test_id("why-rule")).to_contain_text("Rule: a criterion is met when all of its")
    expect(dialog.get_by_role("heading", name="Why?")).to_be_visible()
    settled(page)
    shoot(page, "why-heatmap-criterion-en", full_page=False)
    assert_clean(watch)
