"""The Content-Security-Policy in Chromium, on the Can Lộc demo: every main page, the admin and the API
docs load and work with no violation (no inline script, style attribute, handler or eval) and no console
error. Screenshots: tests/screenshots/csp-*.png."""

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

DISTRICT = "/units/pre2025/443/"
SET = "qd318-ntm-2021-2025"
# Reported by the browser itself, into the console the test watches: a violation cannot go unseen.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""

PAGES = [
    ("/", "home"),
    (f"/criteria/{SET}/", "criteria-set"),
    ("/units/pre2025/18436/", "commune"),  # Chart.js
    ("/units/2025/18436/", "commune-2025"),
    (f"{DISTRICT}dashboard/?set={SET}", "dashboard"),
    (f"{DISTRICT}dashboard/heatmap/?set={SET}", "heatmap"),
    (f"{DISTRICT}dashboard/holdbacks/?set={SET}", "holdbacks"),
    (f"{DISTRICT}dashboard/trend/?set={SET}&by=year", "trend"),  # Chart.js
    (f"{DISTRICT}dashboard/print/?set={SET}", "print"),
    (f"{DISTRICT}roadmap/", "roadmap"),
    ("/review/", "review"),
    ("/verify/", "verify"),
    ("/my/", "my"),
    ("/jobs/", "jobs"),
    ("/admin/", "admin"),
    ("/admin/communes/administrativeunit/", "admin-units"),
    ("/admin/accounts/membership/add/", "admin-membership-add"),
]


@pytest.fixture
def watched(context, page):
    context.add_init_script(REPORT_VIOLATIONS)
    return page


def test_the_main_pages_admin_and_api_docs_run_without_a_csp_violation(demo, context, live_server, watched, watch):
    page = watched
    log_in(context, live_server, get_user_model().objects.get(username="admin"))
    for url, name in PAGES:
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        if name in ("commune", "trend"):
            expect(page.locator("canvas").first).to_be_visible()
        shoot(page, f"csp-{name}", full_page=False)
        assert watch.console_errors == [], url
    # Swagger UI builds the whole page from the schema with its own scripts and styles.
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("NTM Tracker API")
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    page.wait_for_load_state("networkidle")
    shoot(page, "csp-api-docs", full_page=False)
    assert watch.console_errors == []
    assert watch.failed_static == []


def test_bootstrap_and_htmx_work_under_the_policy(demo, context, live_server, watched, watch):
    page = watched
    log_in(context, live_server, get_user_model().objects.get(username="canbo.xa"))
    page.goto("/")
    page.get_by_test_id("user-menu").click()  # Bootstrap's dropdown
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()
    assert watch.console_errors == []


def test_a_radio_button_previews_the_entry_form_without_an_htmx_filter(demo, context, live_server, watched, watch):
    page = watched
    staff = get_user_model().objects.get(username="canbo.xa")
    log_in(context, live_server, staff)
    commune = AdministrativeUnit.objects.get(era=Era.PRE_2025, code=demo_data.STAFF_COMMUNE)
    draft = services.assessment_create(
        commune=commune, criteria_set=CriteriaSet.objects.get(code=SET), as_of=datetime.date(2025, 3, 31), by=staff
    )
    indicator = next(
        r.indicator
        for r in draft.results.select_related("indicator__criterion")
        if r.indicator.kind == IndicatorKind.BOOLEAN
    )
    page.goto(f"/assessments/{draft.pk}/edit/")
    counters = page.get_by_test_id("counters")
    expect(counters).to_have_text(re.compile(r"0/\d+ chỉ tiêu"))
    panel = page.locator(f"#crit-body-{indicator.criterion.number}")
    if "show" not in panel.get_attribute("class").split():  # the first criteria may be open already
        page.locator(f"#crit-{indicator.criterion.number} .accordion-button").click()
    # Clicked only once the panel stopped moving, or the click lands on the header sliding under it.
    expect(panel).to_have_class(re.compile(r"\bcollapse show\b"))
    page.locator(f"label[for='met-{indicator.code}-1']").click()
    expect(counters).to_have_text(re.compile(r"1/\d+ chỉ tiêu"))
    shoot(page, "csp-entry-radio", full_page=False)
    page.locator(f"label[for='met-{indicator.code}-0']").click()  # and back: "changed" alone would miss it
    expect(counters).to_have_text(re.compile(r"0/\d+ chỉ tiêu"))
    assert watch.console_errors == []


def test_the_print_button_prints_from_a_script_file(demo, context, live_server, watched, watch):
    page = watched
    log_in(context, live_server, get_user_model().objects.get(username="thamdinh.huyen"))
    page.goto(f"{DISTRICT}dashboard/print/?set={SET}")
    # A stub that counts (the real dialog would block); "; 0" so that evaluate does not call the function.
    page.evaluate("window.printed = 0; window.print = function () { window.printed += 1; }; 0")
    page.get_by_role("button", name="In báo cáo").click()
    assert page.evaluate("window.printed") == 1
    assert watch.console_errors == []


def test_the_error_pages_are_styled_and_clean(demo, context, live_server, watched, watch):
    page = watched
    log_in(context, live_server, get_user_model().objects.get(username="canbo.xa"))
    response = page.goto("/department/")
    assert response.status == 403
    expect(page.get_by_test_id("error-reason")).to_have_text("Trang này dành cho cán bộ phòng, ban chuyên môn.")
    shoot(page, "csp-403", full_page=False)
    assert page.goto("/khong-co-trang-nay/").status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    shoot(page, "csp-404", full_page=False)
    # The browser reports the 403 and 404 statuses themselves; nothing else may appear.
    assert [e for e in watch.console_errors if "status of 40" not in e] == []


@pytest.mark.urls("tests.error_urls")
def test_the_500_page_is_styled_without_the_session_and_clean(demo, context, live_server, watched, watch):
    page = watched
    log_in(context, live_server, get_user_model().objects.get(username="canbo.xa"))
    response = page.goto("/boom/")
    assert response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Lỗi máy chủ")
    expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    # Styled: Bootstrap's green bar (bg-success) came from the stylesheet, under the policy.
    assert page.locator("nav").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(25, 135, 84)"
    assert "secret internal detail" not in page.content()
    shoot(page, "csp-500", full_page=False)
    assert [e for e in watch.console_errors if "status of 500" not in e] == []
