"""Assessments store their summary in the same transaction as their results."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import Assessment, IndicatorResult, Status
from criteria.models import SetStatus
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date(2023, 12, 31)


@pytest.fixture
def rollup_set():
    s = factories.make_set(
        criteria=[(1, "Quy hoạch", ["1.1", "1.2"]), (2, "Giao thông", ["2.1", "2.2"]), (11, "Nghèo đa chiều", ["11"])]
    )
    factories.make_numeric(s, "2.1", op=">=", value="70", variants=[{"region": "btb", "value": 60}])
    return s


def test_a_new_assessment_has_one_empty_result_per_indicator(tree, rollup_set):
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D)
    assert a.results.count() == 5
    assert (a.criteria_met, a.criteria_total, a.indicators_met, a.indicators_total, a.indicators_unknown) == (
        0,
        3,
        0,
        5,
        5,
    )
    assert a.results.get(indicator__code="2.1").target_applied == "≥60%"
    rollup_set.refresh_from_db()
    assert rollup_set.in_use


def test_updating_results_recomputes_the_stored_summary(tree, rollup_set):
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D)
    services.indicator_results_update(
        assessment=a,
        entries={
            "1.1": {"met": True},
            "1.2": {"met": True},
            "2.1": {"value": "65"},
            "2.2": {"met": False},
            "11": {"met": False},
        },
    )
    a.refresh_from_db()
    assert (a.criteria_met, a.indicators_met, a.indicators_unknown) == (1, 3, 0)
    assert a.unmet == [
        {"number": 2, "name": "Giao thông", "codes": ["2.2"], "single": False, "total": 2},
        {"number": 11, "name": "Nghèo đa chiều", "codes": ["11"], "single": True, "total": 1},
    ]
    assert a.sentence("vi") == (
        "đạt 1/3 tiêu chí, 3/5 chỉ tiêu xây dựng NTM. Các tiêu chí, chỉ tiêu NTM chưa đạt, gồm: "
        "tiêu chí giao thông (chỉ tiêu 2.2); "
        "tiêu chí nghèo đa chiều."
    )
    assert a.results.get(indicator__code="2.1").met is True


def test_a_value_below_the_regional_target_is_not_met(tree, rollup_set):
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D)
    services.indicator_results_update(assessment=a, entries={"2.1": {"value": "59.9"}})
    assert a.results.get(indicator__code="2.1").met is False


def test_all_met_meets_the_standard(tree, rollup_set):
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D)
    entries = {c: {"met": True} for c in ("1.1", "1.2", "2.2", "11")} | {"2.1": {"value": "100"}}
    services.indicator_results_update(assessment=a, entries=entries)
    a.refresh_from_db()
    assert a.meets_standard and a.unmet == [] and a.sentence("vi") == "đạt 3/3 tiêu chí, 5/5 chỉ tiêu xây dựng NTM."


def test_approved_assessments_cannot_be_changed(tree, rollup_set):
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D)
    Assessment.objects.filter(pk=a.pk).update(status=Status.APPROVED)
    with pytest.raises(ValidationError):
        services.indicator_results_update(assessment=a, entries={"1.1": {"met": True}})
    assert a.results.get(indicator__code="1.1").met is None


def test_a_stale_revision_is_refused_and_changes_nothing(tree, rollup_set):
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D)
    services.indicator_results_update(assessment=a, entries={"1.1": {"met": True}}, expected_revision=1)
    with pytest.raises(ValidationError) as exc:
        services.indicator_results_update(assessment=a, entries={"1.1": {"met": False}}, expected_revision=1)
    assert exc.value.code == "stale"
    assert a.results.get(indicator__code="1.1").met is True


def test_unknown_indicator_codes_are_refused_atomically(tree, rollup_set):
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D)
    with pytest.raises(ValidationError):
        services.indicator_results_update(assessment=a, entries={"1.1": {"met": True}, "9.9": {"met": True}})
    assert a.results.get(indicator__code="1.1").met is None


def test_only_published_complete_sets_and_communes_in_their_lifetime(tree, rollup_set):
    draft = factories.make_set(status=SetStatus.DRAFT)
    with pytest.raises(ValidationError):
        services.assessment_create(commune=tree.a, criteria_set=draft, as_of=D)
    empty = factories.make_set(criteria=[(1, "Quy hoạch", [])])
    with pytest.raises(ValidationError, match="tiêu chí 1"):
        services.assessment_create(commune=tree.a, criteria_set=empty, as_of=D)
    with pytest.raises(ValidationError):
        services.assessment_create(commune=tree.h, criteria_set=rollup_set, as_of=D)
    with pytest.raises(ValidationError):  # the old commune ceased to exist on 1 July 2025
        services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):  # the new commune did not exist yet
        services.assessment_create(commune=tree.n, criteria_set=rollup_set, as_of=D)
    assert not Assessment.objects.exists()


def test_recompute_follows_a_corrected_region(tree, rollup_set):
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D)
    services.indicator_results_update(assessment=a, entries={"2.1": {"value": "65"}})
    tree.a.region = "dbsh"  # no variant for ĐBSH: the general ≥70% now applies
    tree.a.save()
    a.refresh_from_db()
    assert services.assessment_recompute_summary(assessment=a) is True
    assert a.results.get(indicator__code="2.1").met is False
    assert services.assessment_recompute_summary(assessment=a) is False


def test_every_result_change_is_kept_in_history(tree, rollup_set):
    user = factories.make_user()
    a = services.assessment_create(commune=tree.a, criteria_set=rollup_set, as_of=D, by=user)
    services.indicator_results_update(assessment=a, entries={"2.1": {"value": "50"}}, by=user)
    services.indicator_results_update(
        assessment=a, entries={"2.1": {"value": "65", "note": "Báo cáo 12/2023"}}, by=user
    )
    result = IndicatorResult.objects.get(assessment=a, indicator__code="2.1")
    values = [h.value for h in result.history.order_by("history_date")]
    assert [str(v) if v is not None else None for v in values] == [None, "50.000", "65.000"]
    assert a.history.count() >= 3
