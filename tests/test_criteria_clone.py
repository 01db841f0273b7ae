"""criteria_set_clone: a new draft version, or a province's variant, with everything copied."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services as assessment_services
from criteria import services
from criteria.models import CriteriaSet, Criterion, Department, Indicator, IndicatorTarget, SetStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return factories.make_user("admin-clone")


@pytest.fixture
def source():
    cs = factories.make_set(
        code="qd318",
        name="Bộ tiêu chí xã NTM",
        published_by_demo=True,
        stated_criteria_count=3,
        period_start=2021,
        period_end=2025,
    )
    variants = [{"region": "btb", "value": 60}, {"region": "tn", "value": 50}]
    factories.make_numeric(cs, "2.1", value="70", variants=variants)
    dept = Department.objects.create(code="gtvt", name="Phòng Kinh tế - Hạ tầng")
    Criterion.objects.filter(criteria_set=cs, number=2).update(department=dept, sources="S1")
    # As the loader and a first assessment leave it: imported from a file, then used.
    CriteriaSet.objects.filter(pk=cs.pk).update(source_file="qd318.yaml", source_hash="abc", in_use=True)
    cs.refresh_from_db()
    return cs


def _shape(cs):
    return sorted(
        (i.criterion.number, i.code, i.kind, i.operator, i.target_value, i.criterion.department_id)
        for i in Indicator.objects.filter(criteria_set=cs).select_related("criterion")
    )


def test_a_new_version_copies_criteria_indicators_and_targets(source, user):
    clone = services.criteria_set_clone(source=source, by=user)
    assert (clone.code, clone.version, clone.derived_from, clone.status) == ("qd318-v2", 2, source, SetStatus.DRAFT)
    assert clone.criteria.count() == 3 and clone.indicators.count() == 5
    assert _shape(clone) == _shape(source)
    variants = IndicatorTarget.objects.filter(indicator__criteria_set=clone).order_by("region")
    assert [(v.region, v.value) for v in variants] == [("btb", 60), ("tn", 50)]
    assert all(i.criterion.criteria_set_id == clone.pk for i in clone.indicators.select_related("criterion"))
    assert Criterion.objects.get(criteria_set=clone, number=2).sources == "S1"


def test_a_clone_starts_unused_unpublished_and_without_import_bookkeeping(source, user):
    clone = services.criteria_set_clone(source=source, by=user)
    clone.refresh_from_db()
    assert not clone.in_use and not clone.published_by_demo
    assert (clone.source_file, clone.source_hash) == ("", "")
    assert (clone.period_start, clone.period_end, clone.stated_criteria_count) == (2021, 2025, 3)
    assert clone.name == "Bộ tiêu chí xã NTM (phiên bản 2)"


def test_the_source_is_left_as_it_was(source, user):
    services.criteria_set_clone(source=source, by=user)
    source.refresh_from_db()
    assert source.criteria.count() == 3 and source.indicators.count() == 5 and source.in_use
    assert IndicatorTarget.objects.filter(indicator__criteria_set=source).count() == 2


def test_versions_count_up_along_the_line(source, user):
    v2 = services.criteria_set_clone(source=source, by=user)
    v3 = services.criteria_set_clone(source=v2, by=user)
    v4 = services.criteria_set_clone(source=source, by=user)
    assert [(c.code, c.version) for c in (v2, v3, v4)] == [("qd318-v2", 2), ("qd318-v3", 3), ("qd318-v4", 4)]
    assert v3.derived_from == v2


def test_a_code_clash_is_refused_and_creates_nothing(source, user):
    factories.make_set(code="qd318-v2", criteria=[])
    before = (CriteriaSet.objects.count(), Criterion.objects.count(), Indicator.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.criteria_set_clone(source=source, by=user)
    assert "qd318-v2" in exc.value.messages[0]
    assert (CriteriaSet.objects.count(), Criterion.objects.count(), Indicator.objects.count()) == before


def test_a_provincial_variant_takes_the_province_code_and_name(source, user, tree):
    variant = services.criteria_set_clone(source=source, by=user, province=tree.p)
    assert (variant.code, variant.version, variant.province, variant.derived_from) == ("qd318-42", 1, tree.p, source)
    assert variant.name == "Bộ tiêu chí xã NTM (áp dụng tại Tỉnh P)"
    assert variant.indicators.count() == 5 and variant.status == SetStatus.DRAFT


def test_a_provincial_variant_starts_its_own_version_line(source, user, tree):
    variant = services.criteria_set_clone(source=source, by=user, province=tree.p)
    services.criteria_set_clone(source=source, by=user)
    next_version = services.criteria_set_clone(source=variant, by=user)
    assert (next_version.code, next_version.version, next_version.province) == ("qd318-42-v2", 2, tree.p)


def test_a_provincial_variant_needs_a_province(source, user, tree):
    with pytest.raises(ValidationError):
        services.criteria_set_clone(source=source, by=user, province=tree.h)
    assert not CriteriaSet.objects.filter(derived_from=source).exists()


def test_a_second_variant_for_the_same_province_is_refused(source, user, tree):
    services.criteria_set_clone(source=source, by=user, province=tree.p)
    with pytest.raises(ValidationError):
        services.criteria_set_clone(source=source, by=user, province=tree.p)
    assert CriteriaSet.objects.filter(derived_from=source).count() == 1


def test_the_copy_takes_the_same_number_of_queries_for_a_bigger_set(user):
    small = factories.make_set(criteria=[(1, "A", ["1.1"])])
    big = factories.make_set(criteria=[(n, f"T{n}", [f"{n}.{k}" for k in range(1, 6)]) for n in range(1, 11)])
    for cs in (small, big):
        factories.make_numeric(cs, "1.1", variants=[{"region": "btb", "value": 60}])
    with CaptureQueriesContext(connection) as few:
        services.criteria_set_clone(source=small, by=user)
    with CaptureQueriesContext(connection) as many:
        services.criteria_set_clone(source=big, by=user)
    assert len(many) == len(few)


def test_the_clone_records_who_made_it(source, user):
    clone = services.criteria_set_clone(source=source, by=user)
    assert clone.history.get().history_user == user
    indicator = clone.indicators.get(code="2.1")
    assert indicator.history.get().history_change_reason == "Nhân bản từ qd318"


def test_a_clone_of_a_frozen_set_can_be_edited(tree, user):
    cs = factories.make_set()
    assessment_services.assessment_create(commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 1, 1))
    cs.refresh_from_db()
    assert cs.is_frozen
    clone = services.criteria_set_clone(source=cs, by=user)
    criterion = clone.criteria.get(number=1)
    criterion.name = "Quy hoạch (sửa)"
    criterion.save()
    assert Criterion.objects.get(criteria_set=cs, number=1).name == "Quy hoạch"


def test_an_archived_set_with_assessments_stays_frozen(tree, user):
    cs = factories.make_set()
    assessment_services.assessment_create(commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 1, 1))
    cs.refresh_from_db()
    services.criteria_set_archive(criteria_set=cs, by=user)
    cs.refresh_from_db()
    assert cs.status == SetStatus.ARCHIVED and cs.is_frozen
    with pytest.raises(ValidationError):
        cs.check_editable()
