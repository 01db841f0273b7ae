"""The commune page in Chromium: the approved figures, a criterion opened in place, the chart drawn
from the embedded data, and the way back to the old communes' results across the 2025 merge.
Screenshots go to tests/screenshots/ for a human to look at."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from assessments import services
from assessments.models import Assessment
from tests import factories
from tests.browser.conftest import log_in, shoot
from tests.factories import (
    make_approved,
    make_assessment,
    make_big_set,
    make_cast,
    make_draft,
    make_flow_set,
    make_submitted,
)
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OLD_DATES = [datetime.date(year, 12, 31) for year in (2017, 2018, 2019, 2020)]
NEW_DATES = [datetime.date(2022, 12, 31), datetime.date(2023, 12, 31)]


@pytest.fixture
def commune(transactional_db, tree):
    """Xã A with a demo-like history: a 19-criteria set approved four times (2017-2020), a newer set
    approved twice with evidence, and a submitted assessment awaiting review."""
    cast = make_cast(tree)
    old_set = make_big_set(19, 3)
    codes = list(old_set.indicators.order_by("criterion__number", "position").values_list("code", flat=True))
    for step, as_of in enumerate(OLD_DATES):
        met = codes[: 21 + 9 * step]  # 7, 10, 13, 16 criteria met
        assessment = make_assessment(tree.a, old_set, as_of, met=met, unmet=codes[len(met) :])
        Assessment.objects.filter(pk=assessment.pk).update(is_demo=True)
    new_set = make_flow_set(cast.department, name="Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025")
    make_approved(cast, new_set, tree.a, as_of=NEW_DATES[0])
    draft = make_draft(
        cast,
        new_set,
        tree.a,
        as_of=NEW_DATES[1],
        answers={
            "1.1": {"met": True},
            "1.2": {"met": True, "note": "Quy hoạch chung xã được duyệt năm 2023."},
            "2.1": {"value": "82.5", "note": "Biên bản kiểm tra đường trục xã."},
            "2.2": {"met": False},
            "3": {"met": True},
        },
    )
    result = draft.results.get(indicator__code="2.1")
    services.evidence_file_add(result=result, upload=upload("bien-ban-duong-truc-xa.pdf", PDF), by=cast.staff)
    services.assessment_submit(assessment=draft, by=cast.staff)
    services.assessment_approve(assessment=draft, by=cast.province_reviewer, confirm_unverified=True)
    make_submitted(cast, new_set, tree.a, as_of=datetime.date(2024, 12, 31))
    return type("Commune", (), dict(cast=cast, tree=tree, old_set=old_set, new_set=new_set))


def chart_points(page) -> list[int]:
    """Per line of the chart on the page, how many points Chart.js holds (None when no chart was drawn)."""
    return page.evaluate("""() => {
        const chart = Chart.getChart(document.getElementById("commune-chart"));
        return chart ? chart.data.datasets.map(d => d.data.filter(v => v !== null).length) : null;
    }""")


def points_off_their_value(page) -> list:
    """Points drawn away from their value's height (a chart caught mid-animation, for instance)."""
    return page.evaluate("""() => {
        const chart = Chart.getChart(document.getElementById("commune-chart"));
        const off = [];
        chart.data.datasets.forEach((set, i) => chart.getDatasetMeta(i).data.forEach((point, j) => {
            if (set.data[j] !== null && Math.abs(point.y - chart.scales.y.getPixelForValue(set.data[j])) > 1) {
                off.push([set.label, j, set.data[j]]);
            }
        }));
        return off;
    }""")


def painted_pixels(page) -> int:
    return page.evaluate("""() => {
        const canvas = document.getElementById("commune-chart");
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        return painted;
    }""")


def test_a_viewer_opens_a_criterion_and_sees_the_chart(commune, context, live_server, page, watch):
    log_in(context, live_server, commune.cast.viewer)
    page.goto(commune.tree.a.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã A")
    cards = page.get_by_test_id("assessment")
    expect(cards).to_have_count(2)
    newest = cards.first
    expect(newest.get_by_test_id("figures")).to_contain_text("2/3 tiêu chí, 4/5 chỉ tiêu")
    expect(newest.get_by_test_id("pending-note")).to_contain_text("31/12/2024 (Đã gửi)")
    expect(cards.nth(1)).to_contain_text("Dữ liệu demo")

    indicator = newest.locator('[data-testid="indicator"][data-code="2.1"]')
    expect(indicator).to_be_hidden()
    toggle = newest.get_by_role("button", name="Giao thông")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(indicator).to_be_visible()
    expect(indicator).to_contain_text("82,5%")
    expect(indicator).to_contain_text("≥70%")
    expect(indicator.get_by_role("link", name="bien-ban-duong-truc-xa.pdf")).to_be_visible()

    canvas = page.locator("#commune-chart")
    assert canvas.get_attribute("aria-label").startswith("Biểu đồ số tiêu chí đạt")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('commune-chart'))")
    assert chart_points(page) == [len(OLD_DATES), len(NEW_DATES)]
    assert painted_pixels(page) > 1000
    assert points_off_their_value(page) == []
    expect(page.get_by_test_id("timeline-row")).to_have_count(len(OLD_DATES) + len(NEW_DATES) + 1)
    shoot(page, "commune-page")
    canvas.scroll_into_view_if_needed()
    shoot(page, "commune-page-chart", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    toggle.scroll_into_view_if_needed()
    shoot(page, "commune-page-phone", full_page=False)
    assert watch.console_errors == []
    assert watch.failed_static == []


def test_from_the_new_commune_the_old_communes_results_are_one_click_away(commune, context, live_server, page, watch):
    tree = commune.tree
    viewer = factories.make_user("xem.tinh", unit=tree.p, role=Role.VIEWER)
    viewer.memberships.create(unit=tree.p_new, role=Role.VIEWER)
    log_in(context, live_server, viewer)
    page.goto(tree.n.get_absolute_url())
    predecessors = page.get_by_test_id("predecessors")
    expect(predecessors.get_by_test_id("lineage-summary")).to_have_count(1)  # xã B has no approved assessment
    summary = predecessors.get_by_test_id("lineage-summary")
    expect(summary).to_contain_text("Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025: 2/3 tiêu chí, 4/5 chỉ tiêu")
    expect(summary).to_contain_text("16/19 tiêu chí")
    expect(page.locator("#commune-chart")).to_have_count(0)
    shoot(page, "commune-new-lineage", full_page=False)
    predecessors.get_by_role("link", name="Xã A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã A")
    expect(page.get_by_test_id("successors")).to_contain_text("Xã N")
    assert watch.console_errors == []
    assert watch.failed_static == []
