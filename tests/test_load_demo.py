"""The demo: huyện Can Lộc with dated assessments under QĐ 1980 and QĐ 318, one user per role."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit, Era
from criteria.models import CriteriaSet, SetStatus

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_every_commune_of_can_loc_has_assessments_under_both_sets(demo):
    district = AdministrativeUnit.objects.get(era=Era.PRE_2025, code="443")
    communes = AdministrativeUnit.objects.under(district).communes()
    assert communes.count() == 17
    for code in ("qd1980-ntm-2016-2020", "qd318-ntm-2021-2025"):
        per_commune = Assessment.objects.filter(criteria_set__code=code).values("commune").distinct().count()
        assert per_commune == 17
    assert Assessment.objects.filter(commune__era=Era.PRE_2025).count() == 17 * 8
    assert not Assessment.objects.exclude(is_demo=True).exists()


def test_no_assessment_under_a_set_whose_indicators_are_unknown(demo):
    assert not Assessment.objects.filter(criteria_set__code__startswith="qd51").exists()
    assert not Assessment.objects.filter(criteria_set__code="qd318-ntm-nang-cao-2021-2025").exists()


def test_the_demo_sets_are_published_for_the_demo_only(demo):
    for code in ("qd1980-ntm-2016-2020", "qd318-ntm-2021-2025"):
        cs = CriteriaSet.objects.get(code=code)
        assert (cs.status, cs.published_by_demo, cs.in_use) == (SetStatus.PUBLISHED, True, True)
    assert CriteriaSet.objects.get(code="qd51-ntm-2026-2030").status == SetStatus.DRAFT


def test_roll_ups_differ_between_communes_and_improve_over_time(demo):
    latest = Assessment.objects.filter(criteria_set__code="qd318-ntm-2021-2025", as_of__year=2025)
    assert len(set(latest.values_list("criteria_met", flat=True))) > 3
    first = Assessment.objects.filter(criteria_set__code="qd1980-ntm-2016-2020", as_of__year=2017)
    last = Assessment.objects.filter(criteria_set__code="qd1980-ntm-2016-2020", as_of__year=2020)
    assert sum(a.indicators_met for a in last) > sum(a.indicators_met for a in first)
    a = latest.first()
    assert a.sentence("vi").startswith(f"đạt {a.criteria_met}/19 tiêu chí, {a.indicators_met}/")


def test_the_last_round_has_a_queue_returns_and_drafts(demo):
    latest = Assessment.objects.filter(criteria_set__code="qd318-ntm-2021-2025", as_of__year=2025)
    statuses = set(latest.values_list("status", flat=True))
    assert statuses == {Status.APPROVED, Status.SUBMITTED, Status.RETURNED, Status.DRAFT}
    returned = latest.filter(status=Status.RETURNED).first()
    assert returned.return_reason and returned.returned_by.username == "thamdinh.huyen"
    old = Assessment.objects.filter(commune__era=Era.PRE_2025)
    assert not old.exclude(as_of__year=2025).exclude(status=Status.APPROVED).exists()


def test_the_current_communes_know_where_they_came_from(demo):
    truong_luu = AdministrativeUnit.objects.get(era=Era.CURRENT, code="18436")
    assert {u.code for u in truong_luu.predecessors.all()} >= {"18436", "18439", "18454"}
    assert truong_luu.name == "Xã Trường Lưu"


def test_one_login_per_role_with_the_printed_password(demo):
    for username in (
        "admin",
        "canbo.xa",
        "thamdinh.huyen",
        "phong.nongnghiep",
        "xem.tinh",
        "quantri.tieuchi",
        "thamdinh.tinh",
        "canbo.truongluu",
    ):
        assert username in demo
        # django-axes (first backend) needs the request it throttles.
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password="ntm-demo-2025") is not None, username
    assert "ntm-demo-2025" in demo


def test_running_it_again_changes_nothing(demo):
    ids = set(Assessment.objects.values_list("id", flat=True))
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert set(Assessment.objects.values_list("id", flat=True)) == ids
    assert "Dữ liệu demo đã có sẵn" in out.getvalue()


def test_the_same_seed_gives_the_same_demo(demo):
    before = list(
        Assessment.objects.order_by("commune__code", "criteria_set__code", "as_of").values_list(
            "indicators_met", "criteria_met", "status"
        )
    )
    call_command("load_demo", reset=True, stdout=StringIO())
    after = list(
        Assessment.objects.order_by("commune__code", "criteria_set__code", "as_of").values_list(
            "indicators_met", "criteria_met", "status"
        )
    )
    assert before == after


def test_the_history_names_who_entered_each_assessment_and_when(demo):
    entered = Assessment.objects.filter(commune__code="18436", commune__era=Era.PRE_2025).select_related("created_by")
    assert entered.count() == 8
    for assessment in entered:
        assert assessment.created_by.username == "canbo.xa"
        first = assessment.history.earliest("history_date")
        assert first.history_user == assessment.created_by
        assert timezone.localtime(first.history_date).date() == assessment.as_of
        assert assessment.results.first().history.earliest("history_date").history_user == assessment.created_by


def test_kim_song_truong_shows_that_the_qd318_set_holds_56_of_its_57_indicators(demo, client):
    # Issue 12, item 3: the bundled QĐ 318 NTM set has 56 of the 57 indicators its decision states.
    latest = Assessment.objects.get(
        commune__code="18436",
        commune__era=Era.PRE_2025,
        criteria_set__code="qd318-ntm-2021-2025",
        is_latest_approved=True,
    )
    assert (latest.set_complete, latest.indicators_total, latest.indicators_stated) == (False, 56, 57)
    assert not latest.meets_standard
    client.force_login(get_user_model().objects.get(username="thamdinh.huyen"))
    html = client.get("/units/pre2025/18436/").content.decode()
    assert "bộ tiêu chí chưa đầy đủ: 56/57 chỉ tiêu" in html
    assert ">Đạt chuẩn<" not in html


# The current era: the xã of Hà Tĩnh (2025 tree) in 2026 under a simulated QĐ 51-shaped set.


def test_the_current_era_set_has_the_qd51_shape_and_says_it_is_simulated(demo):
    from criteria.models import IndicatorTarget

    cs = CriteriaSet.objects.get(code="demo-qd51-mo-phong-2026-2030")
    assert (cs.criteria.count(), cs.indicators.count()) == (10, 47)
    assert IndicatorTarget.objects.filter(indicator__criteria_set=cs).values("commune_group").distinct().count() == 3
    assert IndicatorTarget.objects.filter(indicator__criteria_set=cs).count() == 47 * 3
    assert "mô phỏng, không phải văn bản chính thức" in cs.name and "simulated, not an official document" in cs.name
    assert all("mô phỏng" in name for name in cs.indicators.values_list("name", flat=True))
    assert (cs.status, cs.is_synthetic, cs.published_by_demo) == (SetStatus.PUBLISHED, True, True)
    assert cs.province.era == "2025"
    official = CriteriaSet.objects.get(code="qd51-ntm-2026-2030")
    assert (official.status, official.indicators.count()) == (SetStatus.DRAFT, 0)


def test_every_current_xa_of_ha_tinh_has_a_group_and_a_2026_assessment(demo):
    from communes.models import UnitKind

    province = AdministrativeUnit.objects.get(era=Era.CURRENT, code="42")
    xa = AdministrativeUnit.objects.under(province).communes().filter(kind=UnitKind.XA)
    assert xa.count() > 30 and not xa.filter(commune_group="").exists()
    assert set(xa.values_list("commune_group", flat=True)) == {"nhom1", "nhom2", "nhom3"}
    current = Assessment.objects.filter(criteria_set__code="demo-qd51-mo-phong-2026-2030")
    assert current.values("commune").distinct().count() == xa.count() == current.count()
    assert set(current.values_list("status", flat=True)) == {
        Status.APPROVED,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.DRAFT,
    }
    assert current.filter(meets_standard=True).exists() and current.filter(meets_standard=False).exists()
    returned = current.get(commune__code="18436")
    assert returned.status == Status.RETURNED and returned.created_by.username == "canbo.truongluu"


def test_the_current_demo_has_a_roadmap_recognitions_and_a_commune_at_risk(demo):
    from roadmap import selectors
    from roadmap.models import Plan, Recognition

    province = AdministrativeUnit.objects.get(era=Era.CURRENT, code="42")
    ids = list(AdministrativeUnit.objects.under(province).communes().values_list("pk", flat=True))
    years = set(Plan.objects.filter(commune_id__in=ids).values_list("target_year", flat=True))
    assert len(years) >= 3 and min(years) >= 2025 and max(years) <= 2030
    tops, latest = selectors.recognitions_by_commune(ids), selectors.latest_approved_by_level(ids)
    at_risk = [pk for pk, r in tops.items() if selectors.at_risk(r, latest.get(pk, {}))]
    assert len(at_risk) == 1 and Recognition.objects.filter(commune_id__in=ids).count() > 5
    assert all("mô phỏng" in r.decision_number for r in Recognition.objects.filter(commune_id__in=ids))


def test_demo_timelines_run_in_order_and_end_before_today(demo):
    now = timezone.now()
    for a in Assessment.objects.all():
        steps = [s for s in (a.created_at, a.submitted_at, a.returned_at or a.approved_at) if s]
        assert steps == sorted(steps) and steps[-1] <= now, (a.pk, steps)
    from roadmap.models import Recognition

    for recognition in Recognition.objects.filter(commune__era=Era.CURRENT):
        approved = Assessment.objects.get(commune_id=recognition.commune_id)
        if approved.meets_standard:  # recognised after the approval; the one at risk was recognised before
            assert approved.approved_at.date() <= recognition.decision_date <= timezone.localdate()


def test_current_demo_dates_follow_the_day_it_is_loaded():
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2028, 5, 10, 3, tzinfo=datetime.UTC), tick=False):
        call_command("load_demo", stdout=StringIO())
    current = Assessment.objects.filter(criteria_set__code="demo-qd51-mo-phong-2026-2030")
    assert set(current.values_list("as_of", flat=True)) == {datetime.date(2028, 2, 25)}


def test_current_plans_and_recognitions_name_who_entered_them(demo):
    from roadmap.models import Plan, Recognition

    current = {"commune__era": Era.CURRENT}
    assert set(Plan.objects.filter(**current).values_list("updated_by__username", flat=True)) == {"thamdinh.tinh"}
    assert set(Recognition.objects.filter(**current).values_list("recorded_by__username", flat=True)) == {
        "thamdinh.tinh"
    }
