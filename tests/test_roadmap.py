"""The roadmap (lộ trình), recognitions and the department view: plan status rules, editing by role
and scope, history, the at-risk flag, the by-year view, the department's criteria, query counts."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from assessments.models import Assessment, Status
from criteria.models import Criterion
from roadmap import selectors, services
from roadmap.models import Plan, Recognition
from tests import factories
from tests.factories import make_approved, make_flow_set

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 9, 15)
FAILING_2_2 = {
    "1.1": {"met": True},
    "1.2": {"met": True},
    "2.1": {"value": "75"},
    "2.2": {"met": False},
    "3": {"met": True},
}
ALL_MET = {"1.1": {"met": True}, "1.2": {"met": True}, "2.1": {"value": "75"}, "2.2": {"met": True}, "3": {"met": True}}


def url(name, unit, **kw):
    return reverse(name, kwargs={"era": unit.era, "code": unit.code, **kw})


def approved(commune, cs, *, as_of=datetime.date(2025, 6, 30), meets=False, unmet=()):
    """An approved assessment with a stored summary, written directly (the summary is what is read)."""
    return Assessment.objects.create(
        commune=commune,
        criteria_set=cs,
        as_of=as_of,
        status=Status.APPROVED,
        meets_standard=meets,
        criteria_total=3,
        criteria_met=3 - len(unmet),
        unmet=list(unmet),
    )


# Plan status rules


def plan(level="ntm", year=2025):
    return SimpleNamespace(level=level, target_year=year)


def assessment(meets, *, held=None):
    # meets_held: every criterion the set holds is met (on an incomplete set, meets_standard stays false).
    return SimpleNamespace(meets_standard=meets, meets_held=meets if held is None else held)


def recognition(level):
    return SimpleNamespace(level=level)


def test_recognition_at_the_level_or_above_is_achieved():
    assert selectors.plan_status(plan("ntm", 2020), None, recognition("ntm"), TODAY) == "achieved"
    assert selectors.plan_status(plan("ntm", 2020), None, recognition("ntm_nang_cao"), TODAY) == "achieved"


def test_a_lower_recognition_does_not_achieve_a_higher_plan():
    assert selectors.plan_status(plan("ntm_nang_cao", 2024), None, recognition("ntm"), TODAY) == "behind"


def test_a_passed_target_year_without_recognition_is_behind_even_if_the_standard_is_met():
    assert selectors.plan_status(plan("ntm", 2024), assessment(True), None, TODAY) == "behind"


def test_the_target_year_after_the_cutoff_month_is_behind_unless_the_standard_is_met():
    assert selectors.plan_status(plan("ntm", 2025), assessment(False), None, TODAY) == "behind"
    assert selectors.plan_status(plan("ntm", 2025), None, None, TODAY) == "behind"
    assert selectors.plan_status(plan("ntm", 2025), assessment(True), None, TODAY) == "on_track"


def test_all_criteria_held_met_on_an_incomplete_set_is_not_behind_nor_at_risk():
    incomplete = assessment(False, held=True)
    assert selectors.plan_status(plan("ntm", 2025), incomplete, None, TODAY) == "on_track"
    assert selectors.at_risk(recognition("ntm"), {"ntm": incomplete}) == []


def test_the_target_year_before_the_cutoff_month_is_on_track(settings):
    assert selectors.plan_status(plan("ntm", 2025), None, None, datetime.date(2025, 6, 30)) == "on_track"
    settings.ROADMAP_BEHIND_FROM_MONTH = 10
    assert selectors.plan_status(plan("ntm", 2025), None, None, TODAY) == "on_track"


def test_a_later_target_year_is_on_track():
    assert selectors.plan_status(plan("ntm", 2026), None, None, TODAY) == "on_track"


# Selectors


def test_recognitions_by_commune_keeps_the_highest_level_then_the_latest(tree, cast, django_assert_num_queries):
    rec = lambda c, level, d, n: services.recognition_record(  # noqa: E731
        commune=c, level=level, decision_number=n, decision_date=d, issuing_body="UBND tỉnh", by=cast.reviewer
    )
    rec(tree.a, "ntm", datetime.date(2020, 1, 1), "1/QĐ")
    top_a = rec(tree.a, "ntm_nang_cao", datetime.date(2019, 1, 1), "2/QĐ")
    rec(tree.b, "ntm", datetime.date(2018, 1, 1), "3/QĐ")
    top_b = rec(tree.b, "ntm", datetime.date(2021, 1, 1), "4/QĐ")
    with django_assert_num_queries(1):
        top = selectors.recognitions_by_commune([tree.a.pk, tree.b.pk, tree.c.pk])
    assert top == {tree.a.pk: top_a, tree.b.pk: top_b}


def test_plans_by_commune_lists_levels_lowest_first(tree, cast, django_assert_num_queries):
    services.plan_set(commune=tree.a, level="ntm_kieu_mau", target_year=2030, by=cast.reviewer)
    services.plan_set(commune=tree.a, level="ntm", target_year=2022, by=cast.reviewer)
    with django_assert_num_queries(1):
        plans = selectors.plans_by_commune([tree.a.pk, tree.b.pk])
    assert [(p.level, p.target_year) for p in plans[tree.a.pk]] == [("ntm", 2022), ("ntm_kieu_mau", 2030)]
    assert tree.b.pk not in plans


def test_latest_approved_by_level_takes_the_newest(tree, cs, django_assert_num_queries):
    approved(tree.a, cs, as_of=datetime.date(2023, 1, 1), meets=True)
    newest = approved(tree.a, cs, as_of=datetime.date(2024, 1, 1), meets=False)
    with django_assert_num_queries(1):
        latest = selectors.latest_approved_by_level([tree.a.pk])
    assert latest == {tree.a.pk: {"ntm": newest}}


# Editing: roles, scope, history


def test_reviewer_sets_a_plan_and_history_records_who_and_the_change(client, tree, cast):
    client.force_login(cast.reviewer)
    edit = url("roadmap:plan_edit", tree.a, level="ntm")
    assertRedirects(client.post(edit, {"target_year": "2024"}), url("roadmap:unit", tree.a))
    client.post(edit, {"target_year": "2026", "note": "Lùi do thiên tai"})
    plan = Plan.objects.get(commune=tree.a, level="ntm")
    assert (plan.target_year, plan.updated_by) == (2026, cast.reviewer)
    history = list(plan.history.order_by("history_date"))
    assert [(h.target_year, h.history_user) for h in history] == [(2024, cast.reviewer), (2026, cast.reviewer)]
    page = client.get(url("web:unit", tree.a))
    assertContains(page, "2024 → 2026")
    assertContains(page, "Lùi do thiên tai")


def test_an_unchanged_save_adds_no_history(tree, cast):
    services.plan_set(commune=tree.a, level="ntm", target_year=2024, by=cast.reviewer)
    services.plan_set(commune=tree.a, level="ntm", target_year=2024, by=cast.reviewer)
    assert Plan.history.count() == 1


def test_an_empty_year_removes_the_plan_and_the_removal_shows(client, tree, cast):
    services.plan_set(commune=tree.a, level="ntm", target_year=2024, by=cast.reviewer)
    client.force_login(cast.reviewer)
    client.post(url("roadmap:plan_edit", tree.a, level="ntm"), {"target_year": ""})
    assert not Plan.objects.exists()
    assertContains(client.get(url("web:unit", tree.a)), "2024 → (xóa)")


@pytest.mark.parametrize("who", ["viewer", "staff", "officer", "admin"])
def test_other_roles_get_403_on_edit_pages(client, tree, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(url("roadmap:plan_edit", tree.a, level="ntm")).status_code == 403
    assert client.post(url("roadmap:recognition_add", tree.a), {}).status_code == 403
    assert not Plan.objects.exists()


def test_outsider_gets_404_everywhere(client, tree, cast):
    client.force_login(cast.outsider)
    assert client.get(url("roadmap:unit", tree.h)).status_code == 404
    assert client.post(url("roadmap:plan_edit", tree.a, level="ntm"), {"target_year": "2024"}).status_code == 404
    assert client.get(url("roadmap:recognition_add", tree.a)).status_code == 404
    assert not Plan.objects.exists()


def test_viewer_sees_the_roadmap_read_only(client, tree, cast):
    services.plan_set(commune=tree.a, level="ntm", target_year=2030, by=cast.reviewer)
    client.force_login(cast.viewer)
    page = client.get(url("roadmap:unit", tree.h))
    assertContains(page, "Xã A")
    assertContains(page, "2030")
    assertNotContains(page, 'data-testid="edit-plan-ntm"')
    assertNotContains(page, 'data-testid="add-recognition"')


def test_an_unknown_level_is_404(client, tree, cast):
    client.force_login(cast.reviewer)
    assert client.get(url("roadmap:plan_edit", tree.a, level="ntm_hien_dai")).status_code == 404


def test_a_district_is_not_a_commune_to_edit(client, tree, cast):
    client.force_login(cast.reviewer)
    assert client.get(url("roadmap:plan_edit", tree.h, level="ntm")).status_code == 404


# Recognitions and the at-risk flag


def test_reviewer_records_a_recognition(client, tree, cast):
    client.force_login(cast.reviewer)
    response = client.post(
        url("roadmap:recognition_add", tree.a),
        {
            "level": "ntm",
            "decision_number": "1234/QĐ-UBND",
            "decision_date": "2023-12-20",
            "issuing_body": "UBND tỉnh Hà Tĩnh",
        },
    )
    assertRedirects(response, url("roadmap:unit", tree.a))
    recognition = Recognition.objects.get()
    assert (recognition.commune, recognition.recorded_by, recognition.decision_date) == (
        tree.a,
        cast.reviewer,
        datetime.date(2023, 12, 20),
    )
    assert recognition.history.get().history_user == cast.reviewer
    assertContains(client.get(url("web:unit", tree.a)), "QĐ 1234/QĐ-UBND ngày 20/12/2023")


def test_the_same_decision_twice_is_refused(client, tree, cast):
    data = {"level": "ntm", "decision_number": "1/QĐ", "decision_date": "2023-01-02", "issuing_body": "UBND tỉnh"}
    client.force_login(cast.reviewer)
    client.post(url("roadmap:recognition_add", tree.a), data)
    response = client.post(url("roadmap:recognition_add", tree.a), data)
    assert response.status_code == 200
    assert Recognition.objects.count() == 1


def test_a_future_decision_date_is_refused(client, tree, cast):
    client.force_login(cast.reviewer)
    client.post(
        url("roadmap:recognition_add", tree.a),
        {"level": "ntm", "decision_number": "1/QĐ", "decision_date": "2999-01-01", "issuing_body": "UBND tỉnh"},
    )
    assert not Recognition.objects.exists()


def test_a_recognised_commune_below_the_standard_is_at_risk(client, tree, cast, cs):
    services.recognition_record(
        commune=tree.a,
        level="ntm",
        decision_number="1/QĐ",
        decision_date=datetime.date(2022, 1, 1),
        issuing_body="UBND tỉnh",
        by=cast.reviewer,
    )
    services.recognition_record(
        commune=tree.b,
        level="ntm",
        decision_number="2/QĐ",
        decision_date=datetime.date(2022, 1, 1),
        issuing_body="UBND tỉnh",
        by=cast.reviewer,
    )
    approved(tree.a, cs, meets=False, unmet=[{"number": 2, "name": "Giao thông", "codes": ["2.2"], "single": False}])
    approved(tree.b, cs, meets=True)
    approved(tree.c, cs, meets=False)  # not recognised: not at risk
    client.force_login(cast.province_reviewer)
    page = client.get(url("roadmap:unit", tree.p) + "?status=at_risk")
    rows = page.context["rows"]
    assert [r.commune for r in rows] == [tree.a]
    assertContains(page, "Có nguy cơ rớt chuẩn")
    assertContains(client.get(url("web:unit", tree.a)), 'data-testid="at-risk"')
    assertNotContains(client.get(url("web:unit", tree.b)), 'data-testid="at-risk"')


def test_at_risk_uses_the_real_approval_flow(client, tree, cast, cs):
    make_approved(cast, cs, tree.a, answers=FAILING_2_2)
    services.recognition_record(
        commune=tree.a,
        level="ntm",
        decision_number="1/QĐ",
        decision_date=datetime.date(2022, 1, 1),
        issuing_body="UBND tỉnh",
        by=cast.reviewer,
    )
    client.force_login(cast.reviewer)
    row = client.get(url("roadmap:unit", tree.h)).context["rows"][0]
    assert row.commune == tree.a and len(row.at_risk) == 1


# Unit page and the by-year view


def test_behind_communes_are_highlighted_and_filtered(client, tree, cast, time_machine):
    time_machine.move_to(datetime.datetime(2025, 9, 15, 12, tzinfo=datetime.UTC))
    services.plan_set(commune=tree.a, level="ntm", target_year=2024, by=cast.reviewer)
    services.plan_set(commune=tree.b, level="ntm", target_year=2027, by=cast.reviewer)
    client.force_login(cast.reviewer)
    page = client.get(url("roadmap:unit", tree.h))
    statuses = {r.commune.code: r.cells[0].status for r in page.context["rows"]}
    assert statuses == {"18436": "behind", "18439": "on_track"}
    assertContains(page, 'class="table-danger" data-testid="roadmap-row" data-code="18436"')
    assert [r.commune for r in client.get(url("roadmap:unit", tree.h) + "?status=behind").context["rows"]] == [tree.a]


def test_by_year_counts_planned_and_achieved(client, tree, cast, time_machine):
    time_machine.move_to(datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC))
    for commune in (tree.a, tree.b):
        services.plan_set(commune=commune, level="ntm", target_year=2024, by=cast.reviewer)
    services.plan_set(commune=tree.a, level="ntm_nang_cao", target_year=2026, by=cast.reviewer)
    services.recognition_record(
        commune=tree.a,
        level="ntm",
        decision_number="1/QĐ",
        decision_date=datetime.date(2024, 12, 1),
        issuing_body="UBND tỉnh",
        by=cast.reviewer,
    )
    client.force_login(cast.reviewer)
    page = client.get(url("roadmap:unit", tree.h) + "?by=year")
    years = {
        year: {e.level: (len(e.rows), e.achieved, e.behind) for e in entries} for year, entries in page.context["years"]
    }
    assert years == {2024: {"ntm": (2, 1, 1)}, 2026: {"ntm_nang_cao": (1, 0, 0)}}
    assertContains(page, 'data-testid="year-2024"')


def test_the_roadmap_costs_the_same_for_5_and_100_communes(client, tree, cast, cs, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            commune = factories.make_unit(parent=tree.h)
            services.plan_set(commune=commune, level="ntm", target_year=2026, by=cast.reviewer)
            services.recognition_record(
                commune=commune,
                level="ntm",
                decision_number="1/QĐ",
                decision_date=datetime.date(2022, 1, 1),
                issuing_body="UBND",
                by=cast.reviewer,
            )
            approved(commune, cs)

    client.force_login(cast.reviewer)
    for n in (3, 95):  # xã A and B plus 3, then plus 95 more: 5 and 100 communes
        grow(n)
        for query in ("", "?by=year"):
            # session, user, memberships (scope, then kept on the user), unit, communes, plans, recognitions,
            # latest
            with django_assert_num_queries(8):
                assert client.get(url("roadmap:unit", tree.h) + query).status_code == 200
    assert len(client.get(url("roadmap:unit", tree.h)).context["rows"]) == 100


def test_the_commune_section_costs_two_queries(rf, tree, cast, cs, django_assert_num_queries):
    from django.template import Context, Template

    from web.unit_page import commune_page

    for year in (2024, 2025, 2026):
        services.plan_set(commune=tree.a, level="ntm", target_year=year, by=cast.reviewer)
    services.recognition_record(
        commune=tree.a,
        level="ntm",
        decision_number="1/QĐ",
        decision_date=datetime.date(2022, 1, 1),
        issuing_body="UBND",
        by=cast.reviewer,
    )
    request = rf.get("/")
    request.user = cast.reviewer
    page = commune_page(tree.a, cast.reviewer)
    template = Template("{% load roadmap_tags %}{% roadmap_commune_section unit %}")
    with django_assert_num_queries(2):
        html = template.render(Context({"request": request, "unit": tree.a, "commune": page}))
    assert "2025 → 2026" in html


# Department view


@pytest.fixture
def department_data(tree, cast, cs):
    approved(
        tree.a,
        cs,
        unmet=[
            {"number": 2, "name": "Giao thông", "codes": ["2.1", "2.2"], "single": False},
            {"number": 3, "name": "Thu nhập", "codes": ["3"], "single": True},
        ],
    )
    approved(tree.b, cs, meets=True)
    approved(tree.c, cs, unmet=[{"number": 2, "name": "Giao thông", "codes": ["2.2"], "single": False}])


def test_department_view_shows_only_their_criteria_and_failing_indicators(client, tree, cast, cs, department_data):
    client.force_login(cast.officer)
    page = client.get(reverse("dashboards:department"))
    view = page.context["view"]
    assert [c.number for c in view.criteria] == [2]
    rows = {r.commune.code: [(c.met, c.failing) for c in r.cells] for r in view.rows}
    # xã C is under huyện H2, outside the officer's membership
    assert rows == {"18436": [(False, ["2.1", "2.2"])], "18439": [(True, [])]}
    assert [(c.met, c.failing, c.not_assessed) for c in view.counts] == [(1, 1, 0)]
    assertContains(page, "2.1, 2.2")
    assertNotContains(page, "Thu nhập")


def test_department_view_is_403_without_a_department_membership(client, cast):
    client.force_login(cast.reviewer)
    assert client.get(reverse("dashboards:department")).status_code == 403


def test_department_view_costs_the_same_for_5_and_100_communes(client, tree, cast, cs, django_assert_num_queries):
    client.force_login(cast.officer)
    for n in (5, 95):
        for _ in range(n):
            approved(
                factories.make_unit(parent=tree.h),
                cs,
                unmet=[{"number": 2, "name": "Giao thông", "codes": ["2.2"], "single": False}],
            )
        # session, user, memberships, departments, sets, criteria, communes, latest assessments
        with django_assert_num_queries(8):
            response = client.get(reverse("dashboards:department"))
    assert response.context["view"].counts[0].failing == 100


def test_department_criteria_follow_the_criterion_department(client, tree, cast, cs, department_data):
    Criterion.objects.filter(criteria_set=cs, number=3).update(department=cast.department)
    client.force_login(cast.officer)
    view = client.get(reverse("dashboards:department")).context["view"]
    assert [c.number for c in view.criteria] == [2, 3]
    assert view.rows[0].cells[1].failing == ["3"]


def test_department_view_opens_on_the_current_period_not_the_most_used_set(client, tree, cast, cs):
    older = make_flow_set(cast.department, code="xa-ntm-2016-2020", period_start=2016, period_end=2020)
    Criterion.objects.filter(criteria_set=cs).update(department=cast.department)
    cs.period_start, cs.period_end = 2021, 2025
    cs.save(update_fields=["period_start", "period_end"])
    for year in (2017, 2018, 2019):
        approved(tree.a, older, as_of=datetime.date(year, 6, 30))
        approved(tree.b, older, as_of=datetime.date(year, 6, 30))
    approved(tree.a, cs)
    client.force_login(cast.officer)
    view = client.get(reverse("dashboards:department")).context["view"]
    assert view.criteria_set == cs
