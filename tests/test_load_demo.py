"""The demo: huyện Can Lộc with dated assessments under QĐ 1980 and QĐ 318, one user per role."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
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
    assert Assessment.objects.count() == 17 * 8
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
    assert not Assessment.objects.exclude(as_of__year=2025).exclude(status=Status.APPROVED).exists()


def test_the_current_communes_know_where_they_came_from(demo):
    truong_luu = AdministrativeUnit.objects.get(era=Era.CURRENT, code="18436")
    assert {u.code for u in truong_luu.predecessors.all()} >= {"18436", "18439", "18454"}
    assert truong_luu.name == "Xã Trường Lưu"


def test_one_login_per_role_with_the_printed_password(demo):
    for username in ("admin", "canbo.xa", "thamdinh.huyen", "phong.nongnghiep", "xem.tinh", "quantri.tieuchi"):
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
    assert "already loaded" in out.getvalue()


def test_the_same_seed_gives_the_same_demo(demo):
    before = list(Assessment.objects.order_by("commune__code", "criteria_set__code", "as_of")
                  .values_list("indicators_met", "criteria_met", "status"))
    call_command("load_demo", reset=True, stdout=StringIO())
    after = list(Assessment.objects.order_by("commune__code", "criteria_set__code", "as_of")
                 .values_list("indicators_met", "criteria_met", "status"))
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
