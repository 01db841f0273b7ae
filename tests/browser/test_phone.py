"""Commune officers, reviewers and departments work from phones: at 390 px wide, the pages of their
daily work fit the screen (no sideways scrolling) and every action button is on screen. Wide tables
turn into one card per row. Each page is saved to tests/screenshots/phone-*.png."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from assessments import services
from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
# Links and buttons drawn beyond the right edge of the screen (a collapsed menu does not count).
OFF_SCREEN = """() => [...document.querySelectorAll('main a.btn, main button, main input, main select, main textarea')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1; })
  .map(e => (e.textContent || e.name || e.tagName).trim().slice(0, 40))"""


def user(username):
    return get_user_model().objects.get(username=username)


def assert_fits(page, name):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} scrolls sideways"
    assert page.evaluate(OFF_SCREEN) == [], f"{name} has buttons off screen"
    shoot(page, f"phone-{name}")


@pytest.fixture
def phone(context, page):
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def draft(demo):
    commune = AdministrativeUnit.objects.get(era="pre2025", code="18436")
    criteria_set = CriteriaSet.objects.get(code="qd318-ntm-2021-2025")
    return services.assessment_create(
        commune=commune, criteria_set=criteria_set, as_of=datetime.date(2025, 6, 29), by=user("canbo.xa")
    )


def test_the_commune_officer_s_pages_fit_a_phone(draft, context, live_server, phone, watch):
    log_in(context, live_server, user("canbo.xa"))
    for name, path in (
        ("todo", "/"),
        ("my-communes", "/my/"),
        ("commune", "/units/pre2025/18436/"),
        ("create", "/units/pre2025/18436/assessments/new/"),
        ("entry", f"/assessments/{draft.pk}/edit/"),
    ):
        phone.goto(path)
        assert_fits(phone, name)
    expect(phone.get_by_role("button", name="Lưu và gửi thẩm định").first).to_be_in_viewport()
    assert watch.console_errors == []


def test_the_reviewer_s_and_the_department_s_pages_fit_a_phone(demo, context, live_server, phone, watch):
    submitted = Assessment.objects.filter(status=Status.SUBMITTED).order_by("submitted_at").first()
    log_in(context, live_server, user("thamdinh.huyen"))
    phone.goto("/review/")
    assert_fits(phone, "review-queue")
    expect(phone.get_by_test_id("queue-row").first.get_by_role("link")).to_be_in_viewport()
    phone.goto(f"/assessments/{submitted.pk}/")
    assert_fits(phone, "assessment")
    log_in(context, live_server, user("phong.nongnghiep"))
    for name, path in (("verify-queue", "/verify/"), ("verify", f"/assessments/{submitted.pk}/verify/")):
        phone.goto(path)
        assert_fits(phone, name)
    assert watch.console_errors == []
