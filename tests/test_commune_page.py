"""The commune part of the unit page: the latest approved figures per set, what is pending after them
(and who may know), the criteria table, the timeline and its chart, the lineage across the 2025
merge, and the cost in queries."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Role
from assessments import services
from assessments.models import Assessment, Status
from communes.models import Level
from ntm.lib import data_version
from roadmap import services as roadmap_services
from tests import factories
from tests.factories import (
    make_approved,
    make_assessment,
    make_big_set,
    make_draft,
    make_flow_set,
    make_submitted,
)
from tests.helpers import PDF, all_codes, upload
from web import unit_page

pytestmark = pytest.mark.django_db

Y2022, Y2023, Y2024 = datetime.date(2022, 12, 31), datetime.date(2023, 12, 31), datetime.date(2024, 12, 31)
ALL_MET = {"1.1": {"met": True}, "1.2": {"met": True}, "2.1": {"value": "90"}, "2.2": {"met": True}, "3": {"met": True}}


@pytest.fixture
def flow_set(cast):
    return make_flow_set(cast.department, name="Bộ tiêu chí xã NTM 2021-2025")


def unit_url(unit):
    return reverse("web:unit", kwargs={"era": unit.era, "code": unit.code})


def page_as(client, user, unit):
    client.force_login(user)
    return client.get(unit_url(unit))


def squeezed(response) -> str:
    return " ".join(response.content.decode().split())


def by_testid(response, name: str) -> list[str]:
    """The text of every element carrying data-testid=`name` whose content has no nested tag of the same kind."""
    html = response.content.decode()
    return [
        " ".join(re.sub(r"<[^>]+>", " ", m).split())
        for m in re.findall(rf'data-testid="{name}"[^>]*>(.*?)</(?:div|p|span|td|ul)>', html, re.DOTALL)
    ]


def main_of(response) -> str:
    """The page below the site header (what the cache keeps; the header carries the request's CSRF token)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def timeline_rows(response) -> list[tuple[str, str, str]]:
    """(date, set code, status) of each timeline row, top to bottom."""
    html = response.content.decode()
    rows = re.findall(
        r'<tr data-testid="timeline-row" data-status="(\w+)" data-set="([\w-]+)">\s*<td[^>]*><a [^>]*>([\d/]+)</a>',
        html,
    )
    return [(date, code, status) for status, code, date in rows]


def chart_json(response) -> dict:
    pattern = r'<script id="commune-chart-data" type="application/json">(.*?)</script>'
    match = re.search(pattern, response.content.decode(), re.DOTALL)
    assert match, "the page embeds no chart data"
    return json.loads(match.group(1))


# Approved figures first; pending work only for those who may see it


def test_a_viewer_sees_the_approved_figures_and_not_a_newer_drafts(client, tree, cast, flow_set):
    approved = make_approved(cast, flow_set, tree.a, as_of=Y2023)
    make_draft(cast, flow_set, tree.a, as_of=Y2024, answers=ALL_MET)
    response = page_as(client, cast.viewer, tree.a)
    assert by_testid(response, "figures")[0].startswith("2/3 tiêu chí, 4/5 chỉ tiêu")
    assertContains(
        response,
        "đạt 2/3 tiêu chí, 4/5 chỉ tiêu xây dựng NTM. Các tiêu chí, chỉ tiêu NTM chưa đạt, gồm: tiêu chí quy hoạch "
        "(chỉ tiêu 1.2).",
    )
    assertContains(response, f'href="/assessments/{approved.pk}/"')
    assertNotContains(response, "3/3")
    assertNotContains(response, "31/12/2024")
    assertNotContains(response, 'data-testid="pending-note"')
    assert timeline_rows(response) == [("31/12/2023", flow_set.code, "approved")]


def test_commune_staff_see_a_note_about_their_newer_draft_under_the_approved_figures(client, tree, cast, flow_set):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    draft = make_draft(cast, flow_set, tree.a, as_of=Y2024, answers=ALL_MET)
    response = page_as(client, cast.staff, tree.a)
    assert by_testid(response, "figures")[0].startswith("2/3 tiêu chí, 4/5 chỉ tiêu")
    [note] = by_testid(response, "pending-note")
    assert "Có đánh giá mới hơn chưa được duyệt: ngày 31/12/2024 (Nháp)." in note
    assertContains(response, f'href="/assessments/{draft.pk}/" class="alert-link"')
    assert timeline_rows(response) == [
        ("31/12/2024", flow_set.code, "draft"),
        ("31/12/2023", flow_set.code, "approved"),
    ]


@pytest.mark.parametrize(
    "who, sees_draft", [("reviewer", True), ("staff", True), ("superuser", True), ("viewer", False), ("officer", False)]
)
def test_only_commune_staff_and_reviewers_covering_the_commune_learn_of_a_draft(
    client, tree, cast, flow_set, who, sees_draft
):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    make_draft(cast, flow_set, tree.a, as_of=Y2024)
    response = page_as(client, getattr(cast, who), tree.a)
    assert ('data-testid="pending-note"' in response.content.decode()) is sees_draft
    assert ("draft" in [status for _d, _c, status in timeline_rows(response)]) is sees_draft


def test_a_viewer_is_told_of_a_submitted_assessment_awaiting_review(client, tree, cast, flow_set):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    make_submitted(cast, flow_set, tree.a, as_of=Y2024, answers=ALL_MET)
    response = page_as(client, cast.viewer, tree.a)
    [note] = by_testid(response, "pending-note")
    assert "ngày 31/12/2024 (Đã gửi)" in note
    assert by_testid(response, "figures")[0].startswith("2/3 tiêu chí")


def test_an_older_pending_assessment_is_in_the_timeline_but_not_announced_as_newer(client, tree, cast, flow_set):
    make_draft(cast, flow_set, tree.a, as_of=Y2022)
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    response = page_as(client, cast.staff, tree.a)
    assertNotContains(response, 'data-testid="pending-note"')
    assert [status for _d, _c, status in timeline_rows(response)] == ["approved", "draft"]


def test_a_set_with_only_a_draft_shows_no_figures_to_staff_and_nothing_to_a_viewer(client, tree, cast, flow_set):
    make_draft(cast, flow_set, tree.a, as_of=Y2024, answers=ALL_MET)
    staff_page = page_as(client, cast.staff, tree.a)
    assertContains(staff_page, "Chưa có đánh giá nào theo bộ tiêu chí này được duyệt.")
    assert "Đánh giá ngày 31/12/2024 chưa được duyệt (Nháp)." in by_testid(staff_page, "pending-note")[0]
    assertNotContains(staff_page, 'data-testid="figures"')
    assertNotContains(staff_page, 'id="commune-chart"')  # nothing approved to draw
    viewer_page = page_as(client, cast.viewer, tree.a)
    assertContains(viewer_page, "Xã chưa có đánh giá nào.")
    assertNotContains(viewer_page, 'data-testid="timeline"')


def test_demo_assessments_are_marked_as_demo(client, tree, cast, flow_set):
    demo = make_assessment(tree.a, flow_set, Y2023, met=["1.1"])
    Assessment.objects.filter(pk=demo.pk).update(is_demo=True)
    response = page_as(client, cast.viewer, tree.a)
    card = re.search(r'data-testid="assessment".*?</article>', response.content.decode(), re.DOTALL).group()
    assert "Dữ liệu demo" in card


def test_real_assessments_are_not_marked_as_demo(client, tree, cast, flow_set):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    assertNotContains(page_as(client, cast.viewer, tree.a), "Dữ liệu demo")


def test_each_set_shows_its_own_latest_approved_assessment(client, tree, cast, flow_set):
    old_set = factories.make_set(name="Bộ tiêu chí xã NTM 2016-2020")  # yes/no indicators only
    make_assessment(tree.a, old_set, datetime.date(2019, 12, 31), met=["1.1"])
    make_assessment(tree.a, old_set, datetime.date(2020, 12, 31), met=all_codes(old_set))
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    response = page_as(client, cast.viewer, tree.a)
    assert re.findall(r'data-testid="assessment" data-set="([\w-]+)"', response.content.decode()) == [
        flow_set.code,
        old_set.code,
    ]
    assert by_testid(response, "as-of") == ["31/12/2023", "31/12/2020"]
    assert [f.split(" Đạt chuẩn")[0] for f in by_testid(response, "figures")] == [
        "2/3 tiêu chí, 4/5 chỉ tiêu",
        "3/3 tiêu chí, 5/5 chỉ tiêu",
    ]


# The criteria table


def _approved_with_evidence(cast, flow_set, tree) -> Assessment:
    draft = make_draft(
        cast,
        flow_set,
        tree.a,
        as_of=Y2023,
        answers={
            **{code: dict(answer) for code, answer in ALL_MET.items()},
            "1.2": {"met": False, "note": "Chưa có quy hoạch chi tiết khu trung tâm."},
            "2.1": {"value": "75", "note": "Theo biên bản kiểm tra ngày 15/12/2023."},
        },
    )
    result = draft.results.get(indicator__code="2.1")
    services.evidence_file_add(result=result, upload=upload("bien-ban-giao-thong.pdf", PDF), by=cast.staff)
    services.assessment_submit(assessment=draft, by=cast.staff)
    return services.assessment_approve(assessment=draft, by=cast.province_reviewer, confirm_unverified=True)


def test_the_criteria_table_lists_each_criterion_with_its_status_and_counts(client, tree, cast, flow_set):
    _approved_with_evidence(cast, flow_set, tree)
    html = page_as(client, cast.viewer, tree.a).content.decode()
    rows = re.findall(
        r'data-testid="criterion" data-number="(\d+)">.*?aria-controls="[^"]+">\s*(.*?)\s*</button>.*?'
        r'<span class="badge text-bg-\w+">(.*?)</span>.*?data-testid="criterion-count">(.*?)</td>',
        html,
        re.DOTALL,
    )
    assert rows == [
        ("1", "Quy hoạch", "Chưa đạt", "1/2"),
        ("2", "Giao thông", "Đạt", "2/2"),
        ("3", "Thu nhập", "Đạt", "1/1"),
    ]


def test_a_criterions_indicators_sit_in_a_collapsed_row_it_toggles(client, tree, cast, flow_set):
    approved = _approved_with_evidence(cast, flow_set, tree)
    html = squeezed(page_as(client, cast.viewer, tree.a))
    target = f"tc-{approved.pk}-2"
    assert f'data-bs-toggle="collapse" data-bs-target="#{target}"' in html
    details = re.search(rf'<tr class="collapse indicator-details" id="{target}">(.*?)</tbody> </table>', html)
    assert details, "criterion 2 has no collapsed indicator row"
    assert re.findall(r'data-testid="indicator" data-code="([\d.]+)"', details.group(1)) == ["2.1", "2.2"]


def test_an_indicator_row_shows_target_value_result_note_and_evidence_links(client, tree, cast, flow_set):
    approved = _approved_with_evidence(cast, flow_set, tree)
    evidence = approved.results.get(indicator__code="2.1").evidence_files.get()
    html = squeezed(page_as(client, cast.viewer, tree.a))
    row = re.search(r'data-code="2.1">(.*?)</tr>', html).group(1)
    assert "Chỉ tiêu 2.1" in row
    assert "≥70%" in row
    assert '<span class="me-1">75%</span> <span class="badge text-bg-success">Đạt</span>' in row
    assert "Minh chứng: Theo biên bản kiểm tra ngày 15/12/2023." in row
    download = reverse("api:evidence", kwargs={"pk": approved.pk, "evidence_pk": evidence.pk})
    assert f'<a href="{download}">bien-ban-giao-thong.pdf</a>' in row
    unmet = re.search(r'data-code="1.2">(.*?)</tr>', html).group(1)
    assert '<span class="badge text-bg-danger">Chưa đạt</span>' in unmet
    assert "Chưa có quy hoạch chi tiết khu trung tâm." in unmet


# The timeline and its chart


def _history(cast, flow_set, tree):
    old_set = factories.make_set(name="Bộ tiêu chí xã NTM 2016-2020")  # yes/no indicators only
    make_assessment(tree.a, old_set, datetime.date(2019, 12, 31), met=["1.1", "2.2"], unmet=["1.2", "2.1", "3"])
    make_assessment(tree.a, old_set, datetime.date(2020, 12, 31), met=["1.1", "1.2", "3"], unmet=["2.1", "2.2"])
    make_assessment(tree.a, flow_set, Y2022, met=["3"], unmet=["1.1", "1.2", "2.1", "2.2"])
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    make_submitted(cast, flow_set, tree.a, as_of=Y2024, answers=ALL_MET)
    return old_set


def test_the_timeline_lists_every_assessment_newest_first(client, tree, cast, flow_set):
    old_set = _history(cast, flow_set, tree)
    response = page_as(client, cast.viewer, tree.a)
    assert timeline_rows(response) == [
        ("31/12/2024", flow_set.code, "submitted"),
        ("31/12/2023", flow_set.code, "approved"),
        ("31/12/2022", flow_set.code, "approved"),
        ("31/12/2020", old_set.code, "approved"),
        ("31/12/2019", old_set.code, "approved"),
    ]
    assert "2/3" in re.search(
        r'data-status="approved" data-set="[\w-]+">(.*?)</tr>', response.content.decode(), re.DOTALL
    ).group(1)


def test_the_chart_draws_the_approved_criteria_met_one_line_per_set(client, tree, cast, flow_set):
    old_set = _history(cast, flow_set, tree)
    data = chart_json(page_as(client, cast.viewer, tree.a))
    assert data["labels"] == ["31/12/2019", "31/12/2020", "31/12/2022", "31/12/2023"]  # not the submitted 2024
    assert data["yTitle"] == "Số tiêu chí đạt"
    assert data["datasets"] == [
        {"label": old_set.name, "code": old_set.code, "data": [0, 2, None, None], "totals": [3, 3, None, None]},
        {"label": flow_set.name, "code": flow_set.code, "data": [None, None, 1, 2], "totals": [None, None, 3, 3]},
    ]


def test_the_chart_is_labelled_and_its_scripts_are_served(client, tree, cast, flow_set):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    response = page_as(client, cast.viewer, tree.a)
    assert '<canvas id="commune-chart" role="img" aria-label="Biểu đồ số tiêu chí đạt' in squeezed(response)
    scripts = re.findall(r'<script src="(/static/[^"]+)"', response.content.decode())
    assert scripts[-2:] == ["/static/vendor/chart.js-4.6.1/chart.umd.min.js", "/static/web/commune-chart.js"]
    for path in scripts[-2:] + ["/static/web/commune.css"]:
        served = client.get(path)
        assert served.status_code == 200, path
        served.close()


def test_a_unit_that_is_not_a_commune_loads_no_chart(client, tree, cast):
    response = page_as(client, cast.viewer, tree.h)
    assertNotContains(response, "chart.umd.min.js")
    assertNotContains(response, "commune.css")


# Lineage across the 2025 merge


@pytest.fixture
def both_eras_viewer(tree):
    user = factories.make_user("xem.tinh", unit=tree.p, role=Role.VIEWER)
    user.memberships.create(unit=tree.p_new, role=Role.VIEWER)
    return user


def test_a_new_commune_shows_each_predecessors_latest_approved_figures(client, tree, cast, flow_set, both_eras_viewer):
    old_set = factories.make_set(name="Bộ tiêu chí xã NTM 2016-2020")  # yes/no indicators only
    make_assessment(tree.a, old_set, datetime.date(2020, 12, 31), met=all_codes(old_set))
    make_assessment(tree.a, flow_set, Y2022, met=["3"])
    latest = make_assessment(tree.a, flow_set, Y2024, met=["1.1", "1.2", "3"], unmet=["2.1", "2.2"])
    make_assessment(tree.a, flow_set, datetime.date(2025, 6, 30), met=all_codes(flow_set), status=Status.SUBMITTED)
    response = page_as(client, both_eras_viewer, tree.n)
    html = squeezed(response)
    predecessors = re.search(r'data-testid="predecessors">(.*?)</ul> (?:<p|</div)', html).group(1)
    xa_a = re.search(rf'<a href="{unit_url(tree.a)}">Xã A</a>(.*?)</ul>', predecessors).group(1)
    assert re.findall(r"<li> (.*?): <a", xa_a) == [flow_set.name, old_set.name]
    assert f'<a href="/assessments/{latest.pk}/" class="fw-semibold">2/3 tiêu chí, 3/5 chỉ tiêu</a>' in xa_a
    assert "(31/12/2024)" in xa_a and "3/3 tiêu chí, 5/5 chỉ tiêu" in xa_a
    assert "31/12/2022" not in xa_a and "30/06/2025" not in xa_a
    xa_b = predecessors.split(f'<a href="{unit_url(tree.b)}">Xã B</a>')[1]
    assert "một phần" in xa_b and "Chưa có đánh giá được duyệt." in xa_b
    assertContains(response, "Kết quả trước ngày 01/07/2025 được ghi theo các xã cũ")


def test_an_old_commune_links_to_the_commune_it_became(client, tree, cast, flow_set, both_eras_viewer):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    response = page_as(client, both_eras_viewer, tree.a)
    successors = re.search(r'data-testid="successors">(.*?)</ul>', response.content.decode(), re.DOTALL).group(1)
    assert f'<a href="{unit_url(tree.n)}">Xã N</a>' in successors
    assert "Chưa có đánh giá được duyệt." in successors


def test_a_predecessor_outside_the_users_scope_is_named_without_its_figures(client, tree, cast):
    make_assessment(tree.a, make_flow_set(), Y2024, met=["1.1"])
    new_era_viewer = factories.make_user("xem.moi", unit=tree.p_new, role=Role.VIEWER)
    response = page_as(client, new_era_viewer, tree.n)
    assertContains(response, "Xã A")
    assertNotContains(response, unit_url(tree.a))
    assertNotContains(response, 'data-testid="lineage-summary"')
    assertNotContains(response, "tiêu chí, ")


# Scope


def test_a_commune_outside_the_users_scope_is_404(client, tree, cast, flow_set):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    assert page_as(client, cast.outsider, tree.a).status_code == 404
    assert page_as(client, cast.staff_c, tree.a).status_code == 404
    assert page_as(client, cast.viewer, tree.n).status_code == 404


# Query counts

# session, user, memberships (scope), the unit with its parent, its lineage both ways, the assessments (with
# the linked communes' latest approved ones), the roadmap section's plan history and recognitions (the
# memberships are read once and kept on the user: who sees drafts and which linked units are in scope
# ask them again for free)
BASE_QUERIES = 8
# ... the approved ones' criteria and results
WITH_APPROVED = BASE_QUERIES + 2
# ... the related communes' latest approved assessments come in the same query
WITH_RELATED = WITH_APPROVED
# ... the evidence files, read only when a result has some
WITH_FILES = WITH_APPROVED + 1
# A cached page: the session, the user, the memberships and the unit (ntm.lib.data_version)
ON_A_HIT = 4


def _fill(commune, sets, cast, years=range(2016, 2025)):
    for criteria_set in sets:
        for year in years:
            make_assessment(commune, criteria_set, datetime.date(year, 12, 31), met=all_codes(criteria_set)[:3])
        make_assessment(commune, criteria_set, datetime.date(2025, 6, 30), status=Status.DRAFT)


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_the_commune_page_costs_the_same_for_one_and_many_assessments(
    client, tree, cast, who, django_assert_num_queries
):
    small = factories.make_set()
    make_assessment(tree.a, small, Y2022, met=["1.1"])
    big = factories.make_unit(parent=tree.h, name="Xã lớn")
    _fill(big, [factories.make_set(), make_big_set(19, 5), make_big_set(20, 4)], cast)
    client.force_login(getattr(cast, who))
    for commune, sets in ((tree.a, 1), (big, 3)):
        with django_assert_num_queries(WITH_APPROVED):  # xã A's successor is outside both users' scope
            response = client.get(unit_url(commune))
        assert response.content.decode().count('data-testid="assessment"') == sets


def test_the_commune_page_costs_the_same_for_few_and_many_predecessors(
    client, tree, cast, both_eras_viewer, django_assert_num_queries
):
    criteria_set = factories.make_set()
    make_assessment(tree.n, criteria_set, datetime.date(2025, 12, 31), met=["1.1"])
    make_assessment(tree.a, criteria_set, Y2024, met=["1.1"])
    district = factories.make_unit(parent=tree.p)
    merged = factories.make_unit(parent=tree.p_new, level=Level.COMMUNE)
    make_assessment(merged, criteria_set, datetime.date(2025, 12, 31), met=["1.1"])
    for _ in range(12):
        old = factories.make_unit(parent=district)
        factories.make_succession(old, merged)
        _fill(old, [criteria_set, make_big_set(19, 5)], cast, years=range(2019, 2025))
    client.force_login(both_eras_viewer)
    for commune, _predecessors in ((tree.n, 2), (merged, 12)):
        with django_assert_num_queries(WITH_RELATED):
            response = client.get(unit_url(commune))
        assert response.content.decode().count('data-testid="lineage-summary"') == (1 if commune == tree.n else 12)


def test_evidence_files_cost_one_query_and_only_when_there_are_some(
    client, tree, cast, flow_set, django_assert_num_queries
):
    make_approved(cast, flow_set, tree.b, as_of=Y2023)
    _approved_with_evidence(cast, flow_set, tree)
    client.force_login(cast.viewer)
    with django_assert_num_queries(WITH_APPROVED):
        client.get(unit_url(tree.b))
    with django_assert_num_queries(WITH_FILES):
        response = client.get(unit_url(tree.a))
    assertContains(response, "bien-ban-giao-thong.pdf")


# The cached page (ntm.lib.data_version)


def test_a_second_visit_is_served_from_the_cache(client, tree, cast, flow_set, django_assert_num_queries, monkeypatch):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    first = page_as(client, cast.viewer, tree.a)
    monkeypatch.setattr(unit_page, "commune_page", lambda *a, **kw: pytest.fail("built on a hit"))
    with django_assert_num_queries(ON_A_HIT):
        again = client.get(unit_url(tree.a))
    assert main_of(again) == main_of(first)


def test_a_superusers_visit_served_from_the_cache_costs_three_queries(
    client, tree, cast, flow_set, django_assert_num_queries
):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    page_as(client, cast.superuser, tree.a)
    with django_assert_num_queries(ON_A_HIT - 1):  # a superuser has no memberships to read
        client.get(unit_url(tree.a))


def test_users_who_may_see_different_things_never_share_a_cached_page(client, tree, cast, flow_set):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    make_draft(cast, flow_set, tree.a, as_of=Y2024)
    assert "draft" in [status for _d, _c, status in timeline_rows(page_as(client, cast.reviewer, tree.a))]
    seen = page_as(client, cast.viewer, tree.a)
    assert "draft" not in [status for _d, _c, status in timeline_rows(seen)]
    assertNotContains(seen, 'data-testid="pending-note"')


def test_an_edit_of_a_drafts_values_shows_on_its_communes_cached_page_only(client, tree, cast, flow_set):
    make_approved(cast, flow_set, tree.a, as_of=Y2023)
    draft = make_draft(cast, flow_set, tree.a, as_of=Y2024, answers={"1.1": {"met": True}})
    before = page_as(client, cast.staff, tree.a)
    assert "0/3" in squeezed(before) and "3/3" not in squeezed(before)
    version = data_version.current()
    services.indicator_results_update(assessment=draft, entries=ALL_MET, by=cast.staff)
    assert data_version.current() == version  # the dashboards keep their cache: they do not show drafts
    after = client.get(unit_url(tree.a))
    assert 'data-status="draft"' in after.content.decode() and "3/3" in squeezed(after)


@pytest.mark.parametrize("write", ["plan", "recognition", "predecessor renamed", "membership"])
def test_the_cached_commune_page_shows_the_roadmap_and_lineage_as_they_are_now(
    client, tree, cast, flow_set, both_eras_viewer, write
):
    make_assessment(tree.n, flow_set, datetime.date(2025, 12, 31), met=["1.1"])
    before = main_of(page_as(client, both_eras_viewer, tree.n))
    if write == "plan":
        roadmap_services.plan_set(commune=tree.n, level="ntm_nang_cao", target_year=2029, by=cast.superuser)
        expected = "2029"
    elif write == "recognition":
        roadmap_services.recognition_record(
            commune=tree.n,
            level="ntm",
            decision_number="123/QĐ-UBND",
            decision_date=datetime.date(2026, 3, 1),
            issuing_body="UBND tỉnh",
            by=cast.superuser,
        )
        expected = "123/QĐ-UBND"
    elif write == "predecessor renamed":
        tree.a.name = "Xã A (tên mới)"
        tree.a.save()
        expected = "Xã A (tên mới)"
    else:  # a new role changes what the page offers (the roadmap's edit links), not through a data write
        both_eras_viewer.memberships.create(unit=tree.n, role=Role.REVIEWER)
        expected = 'data-testid="section-add-recognition"'
    after = main_of(page_as(client, both_eras_viewer, tree.n))
    assert expected not in before and expected in after
