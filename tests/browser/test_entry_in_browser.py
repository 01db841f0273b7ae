"""The commune officer's day in Chromium, on the Can Lộc demo: their communes, the entry form whose
counters follow what they type (computed on the server, without a reload), saving a draft, and
submitting with an indicator missing. Screens go to tests/screenshots/entry-*.png."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments import demo as demo_data
from assessments import services
from assessments.models import IndicatorResult, Status
from communes.models import AdministrativeUnit, Era
from criteria.models import CriteriaSet, IndicatorKind
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = datetime.date(2025, 3, 31)  # a date the demo has no assessment on


@pytest.fixture
def staff(demo, context, live_server):
    user = get_user_model().objects.get(username="canbo.xa")
    log_in(context, live_server, user)
    return user


@pytest.fixture
def draft(staff):
    commune = AdministrativeUnit.objects.get(era=Era.PRE_2025, code=demo_data.STAFF_COMMUNE)
    criteria_set = CriteriaSet.objects.get(code="qd318-ntm-2021-2025")
    return services.assessment_create(commune=commune, criteria_set=criteria_set, as_of=AS_OF, by=staff)


def numeric_indicator_and_met_value(assessment):
    """The first numeric indicator with a numeric target for the commune, and a value that meets it."""
    book = services.TargetBook(assessment.criteria_set)
    for indicator in book.indicators:
        target = book.target_for(indicator, assessment.commune, assessment.as_of)
        if indicator.kind == IndicatorKind.NUMERIC and target is not None and target.is_numeric:
            value = target.value + (1 if target.operator == ">" else -1 if target.operator == "<" else 0)
            return indicator, value
    pytest.fail("the demo set has no numeric indicator with a target")


def typed(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def test_my_communes_lists_the_officers_commune_and_its_work(staff, draft, page, watch):
    page.goto("/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã của tôi")
    expect(page.get_by_test_id("commune")).to_have_count(1)
    expect(page.get_by_test_id("commune")).to_contain_text("Xã Kim Song Trường")
    expect(page.get_by_test_id("todo-draft").first).to_be_visible()
    shoot(page, "entry-my-communes")
    page.get_by_test_id("todo-draft").get_by_role("link").filter(has_text="31/03/2025").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{draft.pk}/edit/$"))
    assert_clean(watch)


def test_the_counters_follow_typing_then_the_draft_saves_and_a_missing_indicator_is_linked(staff, draft, page, watch):
    indicator, value = numeric_indicator_and_met_value(draft)
    anchor = "ind-" + indicator.code.replace(".", "-")
    counters = page.get_by_test_id("counters")
    page.goto(f"/assessments/{draft.pk}/edit/")
    total = draft.indicators_total
    expect(counters).to_have_text(re.compile(rf"0/19 tiêu chí,\s+0/{total} chỉ tiêu"))
    page.evaluate("window.notReloaded = true")

    # Open the indicator's criterion and type: the server's preview updates the bar in place.
    page.locator(f"#crit-{indicator.criterion.number} .accordion-button").click()
    field = page.locator(f"[id='value-{indicator.code}']")
    expect(field).to_be_visible()
    field.press_sequentially(typed(value), delay=50)
    expect(counters).to_have_text(re.compile(rf"\d+/19 tiêu chí,\s+1/{total} chỉ tiêu"))
    expect(page.locator(f"[id='{anchor}-state']")).to_have_text("Đạt")
    assert page.evaluate("window.notReloaded") is True
    assert IndicatorResult.objects.get(assessment=draft, indicator=indicator).value is None  # only previewed
    shoot(page, "entry-form-typing", full_page=False)

    page.get_by_role("button", name="Lưu nháp").first.click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu nháp")
    saved = IndicatorResult.objects.get(assessment=draft, indicator=indicator)
    assert (saved.value, saved.met) == (value, True)
    expect(counters).to_have_text(re.compile(rf"1/{total} chỉ tiêu"))

    # Everything else is still empty: submitting lists the missing indicators as links.
    page.get_by_role("button", name="Lưu và gửi thẩm định").first.click()
    missing = page.get_by_test_id("missing")
    expect(missing).to_be_visible()
    links = missing.get_by_role("link")
    expect(links).to_have_count(total - 1)
    shoot(page, "entry-submit-missing", full_page=False)
    last = links.last
    href = last.get_attribute("href")
    last.click()
    expect(page.locator(href)).to_be_in_viewport()
    shoot(page, "entry-missing-followed", full_page=False)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    # A link from elsewhere to an indicator of a collapsed criterion opens it (static/web/entry.js).
    page.goto(f"/assessments/{draft.pk}/edit/{href}")
    expect(page.locator(href)).to_be_in_viewport()
    assert_clean(watch)


def test_an_evidence_file_is_uploaded_without_losing_what_was_typed(staff, draft, page, watch, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    indicator, value = numeric_indicator_and_met_value(draft)
    page.goto(f"/assessments/{draft.pk}/edit/")
    page.locator(f"#crit-{indicator.criterion.number} .accordion-button").click()
    page.locator(f"[id='value-{indicator.code}']").fill(typed(value))
    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    block = page.locator(f"#evidence-ind-{indicator.code.replace('.', '-')}")
    block.locator("input[type=file]").set_input_files(pdf)
    block.get_by_role("button", name="Tải lên").click()
    expect(page.locator(f"#evidence-ind-{indicator.code.replace('.', '-')}")).to_contain_text("bien-ban.pdf")
    expect(page.locator(f"[id='value-{indicator.code}']")).to_have_value(typed(value))
    # The typed value still counts in the live summary, and was not saved by the upload.
    expect(page.locator(f"[id='ind-{indicator.code.replace('.', '-')}-state']")).to_have_text("Đạt")
    assert IndicatorResult.objects.get(assessment=draft, indicator=indicator).value is None
    shoot(page, "entry-evidence", full_page=False)
    assert_clean(watch)


def test_a_preview_fired_while_a_button_with_its_own_formaction_has_the_focus_still_updates_the_counters(
    staff, draft, page, watch
):
    """htmx would send the form's delayed preview to the formaction of the focused upload button."""
    indicator, value = numeric_indicator_and_met_value(draft)
    anchor = f"ind-{indicator.code.replace('.', '-')}"
    page.goto(f"/assessments/{draft.pk}/edit/")
    page.locator(f"#crit-{indicator.criterion.number} .accordion-button").click()
    page.locator(f"[id='value-{indicator.code}']").fill(typed(value))
    page.locator(f"#evidence-{anchor}").get_by_role("button", name="Tải lên").focus()
    expect(page.locator(f"[id='{anchor}-state']")).to_have_text("Đạt")
    assert IndicatorResult.objects.get(assessment=draft, indicator=indicator).value is None
    assert_clean(watch)


def test_the_officer_creates_an_assessment_starting_from_the_latest_values(staff, page, watch):
    page.goto("/my/")
    page.get_by_role("link", name="Tạo đánh giá mới").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã Kim Song Trường")
    page.get_by_label("Bộ tiêu chí").select_option(label="Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025")
    page.get_by_label("Ngày đánh giá").fill(AS_OF.isoformat())
    page.get_by_label("Bắt đầu từ giá trị của lần đánh giá gần nhất").check()
    shoot(page, "entry-create", full_page=False)
    page.get_by_role("button", name="Tạo và nhập kết quả").click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+/edit/$"))
    expect(page.locator(".alert-success")).to_contain_text("Đã tạo đánh giá nháp")
    # Copied from the commune's latest assessment (30/06/2025, every criterion met in the demo).
    expect(page.get_by_test_id("counters")).not_to_have_text(re.compile(r"^\s*0/19"))
    assert_clean(watch)


def test_a_refused_value_and_a_note_over_the_limit_show_under_their_fields(staff, draft, page, watch):
    from assessments.services import values

    book = services.TargetBook(draft.criteria_set)
    indicator = next(
        i
        for i in book.indicators
        if i.kind == IndicatorKind.NUMERIC and values.is_percent(i, book.target_for(i, draft.commune, draft.as_of))
    )
    page.goto(f"/assessments/{draft.pk}/edit/")
    page.locator(f"#crit-{indicator.criterion.number} .accordion-button").click()
    page.locator(f"[id='value-{indicator.code}']").fill("150")
    note = page.locator(f"[id='note-{indicator.code}']")
    assert note.get_attribute("maxlength") == "2000"
    note.evaluate("el => el.removeAttribute('maxlength')")  # as a client that ignores it would post
    note.fill("x" * 2001)
    page.get_by_role("button", name="Lưu nháp").first.click()
    expect(page.locator(f"[id='value-{indicator.code}-error']")).to_have_text(
        "Tỷ lệ phần trăm phải từ 0 đến 100, không phải 150."
    )
    expect(page.locator(f"[id='note-{indicator.code}-error']")).to_have_text(
        "Nội dung dài 2.001 ký tự; tối đa 2.000 ký tự."
    )
    page.locator(f"[id='value-{indicator.code}']").scroll_into_view_if_needed()
    shoot(page, "entry-refused-value-and-note", full_page=False)
    saved = IndicatorResult.objects.get(assessment=draft, indicator=indicator)
    assert (saved.value, saved.note) == (None, "")
    assert_clean(watch)
