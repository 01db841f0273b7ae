"""The target rule of criteria/targets.py on ladders as FORMAT.md writes them: the latest year not
after the as-of year first, then the commune's region / group over the general target; a variant
left null gives "unknown" with the reason, never the general target."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from assessments import services
from communes.models import CommuneGroup, Era, Region
from criteria.models import CriteriaSet, Indicator, IndicatorTarget, SetStatus
from tests import factories

pytestmark = pytest.mark.django_db

NOT_COLLECTED = "(chưa thu thập được từ văn bản)"

HEAD = """\
code: {code}
name: Bộ tiêu chí thử bậc thang giai đoạn 2021-2025
level: ntm
criteria:
  - number: 10
    name: Thu nhập
    indicators:
      - code: "10"
        name: Thu nhập bình quân đầu người khu vực nông thôn
        unit: triệu đồng/người/năm
"""

# FORMAT.md's own example, word for word.
FORMAT_EXAMPLE = (
    HEAD
    + """\
        targets_by_year:
          2024: {chung: {text: "≥60", op: ">=", value: 60}, tdmnpb: {text: "≥50", op: ">=", value: 50}, dbsh: null}
          2025: {text: "≥65", op: ">=", value: 65}
"""
)

# A year with regional targets only, then a year with one target for every column, over a general target.
REGIONAL_THEN_GENERAL = (
    HEAD
    + """\
        target: {text: "≥45", op: ">=", value: 45}
        targets_by_year:
          2022: {dbsh: {text: "≥48", op: ">=", value: 48}, tdmnpb: {text: "≥40", op: ">=", value: 40}}
          2023: {text: "≥60", op: ">=", value: 60}
"""
)

REGION_NULL = (
    HEAD
    + """\
        target: {text: "≥45", op: ">=", value: 45}
        targets_by_region:
          btb: null
          dbsh: {text: "≥50", op: ">=", value: 50}
"""
)

YEAR_NULL = (
    HEAD
    + """\
        targets_by_year:
          2023: {text: "≥55", op: ">=", value: 55}
          2024: {chung: null, tdmnpb: {text: "≥50", op: ">=", value: 50}}
          2025: null
"""
)

GROUP_NULL = (
    HEAD
    + """\
        target: {text: "≥45", op: ">=", value: 45}
        targets_by_group:
          nhom1: {text: "≥70", op: ">=", value: 70}
          nhom3: null
"""
)


def _load(tmp_path, text: str, code: str) -> Indicator:
    path = tmp_path / f"{code}.yaml"
    path.write_text(text.replace("{code}", code, 1), encoding="utf-8")
    call_command("load_criteria", str(path), stdout=io.StringIO())
    return Indicator.objects.get(criteria_set__code=code, code="10")


def _commune(region="", group="", era=Era.PRE_2025):
    province = factories.make_unit(region=region, era=era)
    district = factories.make_unit(parent=province) if era == Era.PRE_2025 else None
    return factories.make_unit(parent=district or province, level=3, region=region, commune_group=group)


def _resolve(indicator, commune, date: str):
    book = services.TargetBook(indicator.criteria_set)
    return book.resolve(book.by_code["10"], commune, datetime.date.fromisoformat(date))


def _value(indicator, commune, date: str):
    target = _resolve(indicator, commune, date).target
    return None if target is None else target.value


def test_a_newer_years_single_target_beats_an_older_years_regional_one(tmp_path):
    income = _load(tmp_path, FORMAT_EXAMPLE, "ladder-format")
    tdmnpb = _commune(Region.TDMNPB)
    assert _value(income, tdmnpb, "2024-06-30") == Decimal("50")
    assert _value(income, tdmnpb, "2025-01-01") == Decimal("65")
    assert _value(income, tdmnpb, "2026-03-01") == Decimal("65")


def test_the_general_target_of_a_year_applies_to_regions_without_their_own(tmp_path):
    income = _load(tmp_path, FORMAT_EXAMPLE, "ladder-format")
    assert _value(income, _commune(Region.BTB), "2024-06-30") == Decimal("60")
    assert _value(income, _commune(Region.BTB), "2023-12-31") is None  # before the ladder, no general target


def test_a_null_regional_variant_is_unknown_with_the_reason_not_the_general_target(tmp_path):
    income = _load(tmp_path, FORMAT_EXAMPLE, "ladder-format")
    dbsh = _commune(Region.DBSH)
    resolution = _resolve(income, dbsh, "2024-05-01")
    assert resolution.target is None
    with translation.override("vi"):
        assert resolution.reason == f"ngưỡng của vùng Đồng bằng sông Hồng năm 2024 chưa có {NOT_COLLECTED}"
    with translation.override("en"):
        assert resolution.reason == "the 2024 target for the Red River Delta region has not been collected yet"
    assert _value(income, dbsh, "2025-05-01") == Decimal("65")


def test_a_year_after_a_regional_year_applies_to_every_region(tmp_path):
    income = _load(tmp_path, REGIONAL_THEN_GENERAL, "ladder-regional")
    dbsh = _commune(Region.DBSH)
    assert _value(income, dbsh, "2022-12-31") == Decimal("48")
    assert _value(income, dbsh, "2023-05-01") == Decimal("60")
    assert _value(income, _commune(Region.TDMNPB), "2024-01-01") == Decimal("60")


def test_a_year_with_regional_targets_only_leaves_other_regions_to_the_general_target(tmp_path):
    income = _load(tmp_path, REGIONAL_THEN_GENERAL, "ladder-regional")
    assert _value(income, _commune(Region.BTB), "2022-06-30") == Decimal("45")
    assert _value(income, _commune(Region.BTB), "2021-06-30") == Decimal("45")


def test_a_commune_without_region_is_unknown_only_in_years_written_by_region(tmp_path):
    income = _load(tmp_path, REGIONAL_THEN_GENERAL, "ladder-regional")
    nowhere = _commune()
    resolution = _resolve(income, nowhere, "2022-06-30")
    assert resolution.target is None and resolution.lacks == "region"
    assert _value(income, nowhere, "2023-06-30") == Decimal("60")


def test_a_null_region_of_targets_by_region_does_not_fall_back_to_the_general_target(tmp_path):
    income = _load(tmp_path, REGION_NULL, "region-null")
    resolution = _resolve(income, _commune(Region.BTB), "2022-06-30")
    assert resolution.target is None
    with translation.override("vi"):
        assert resolution.reason == "ngưỡng của vùng Bắc Trung Bộ chưa có (chưa thu thập được từ văn bản)"
    assert _value(income, _commune(Region.DBSH), "2022-06-30") == Decimal("50")
    assert _value(income, _commune(Region.DHNTB), "2022-06-30") == Decimal("45")


def test_a_null_general_target_or_a_null_year_is_unknown(tmp_path):
    income = _load(tmp_path, YEAR_NULL, "year-null")
    btb, tdmnpb = _commune(Region.BTB), _commune(Region.TDMNPB)
    assert _value(income, btb, "2023-06-30") == Decimal("55")
    assert _value(income, tdmnpb, "2024-06-30") == Decimal("50")
    with translation.override("vi"):
        assert _resolve(income, btb, "2024-06-30").reason == f"ngưỡng chung năm 2024 chưa có {NOT_COLLECTED}"
        assert _resolve(income, tdmnpb, "2025-06-30").reason == f"ngưỡng chung năm 2025 chưa có {NOT_COLLECTED}"
    assert _value(income, btb, "2026-06-30") is None


def test_a_null_group_variant_is_unknown_with_the_reason(tmp_path):
    income = _load(tmp_path, GROUP_NULL, "group-null")
    nhom3 = _commune(group=CommuneGroup.NHOM3, era=Era.CURRENT)
    resolution = _resolve(income, nhom3, "2026-06-30")
    assert resolution.target is None
    with translation.override("vi"):
        assert resolution.reason.startswith("ngưỡng của Nhóm 3 (xã vùng đồng bào DTTS")
    assert _value(income, _commune(group=CommuneGroup.NHOM1, era=Era.CURRENT), "2026-06-30") == Decimal("70")
    assert _value(income, _commune(group=CommuneGroup.NHOM2, era=Era.CURRENT), "2026-06-30") == Decimal("45")


def test_a_row_added_later_fills_the_gap(tmp_path):
    income = _load(tmp_path, FORMAT_EXAMPLE, "ladder-format")
    IndicatorTarget.objects.create(indicator=income, region=Region.DBSH, year=2024, operator=">=", value=52, text="≥52")
    assert _value(income, _commune(Region.DBSH), "2024-06-30") == Decimal("52")


def _published(indicator) -> CriteriaSet:
    cs = indicator.criteria_set
    cs.status = SetStatus.PUBLISHED
    cs.save()
    return cs


def test_the_stored_results_and_the_recompute_follow_the_same_rule(tmp_path):
    income = _load(tmp_path, FORMAT_EXAMPLE, "ladder-format")
    cs = _published(income)
    tdmnpb = _commune(Region.TDMNPB)
    assessment = services.assessment_create(commune=tdmnpb, criteria_set=cs, as_of=datetime.date(2025, 5, 1))
    services.indicator_results_update(assessment=assessment, entries={"10": {"value": "60"}})
    result = assessment.results.get()
    assert (result.met, result.target_applied) == (False, "≥65")
    assert (assessment.indicators_met, assessment.criteria_met) == (0, 0)
    result.met, result.target_applied = True, "≥50"  # as the old rule stored it
    result.save(update_fields=["met", "target_applied"])
    type(assessment).objects.filter(pk=assessment.pk).update(indicators_met=1, criteria_met=1)
    assessment.refresh_from_db()
    assert services.assessment_recompute_summary(assessment=assessment) is True
    result.refresh_from_db()
    assert (result.met, result.target_applied) == (False, "≥65")
    assert (assessment.indicators_met, assessment.criteria_met) == (0, 0)


def test_the_cached_book_of_a_frozen_set_follows_the_same_rule(tmp_path):
    income = _load(tmp_path, FORMAT_EXAMPLE, "ladder-format")
    cs = _published(income)
    dbsh = _commune(Region.DBSH)
    services.assessment_create(commune=dbsh, criteria_set=cs, as_of=datetime.date(2024, 5, 1))
    cs.refresh_from_db()
    assert cs.is_frozen
    book = services.TargetBook.of(cs)
    assert book.resolve(book.by_code["10"], dbsh, datetime.date(2024, 5, 1)).gap == Region.DBSH
    tdmnpb = _commune(Region.TDMNPB)
    assert book.target_for(book.by_code["10"], tdmnpb, datetime.date(2026, 1, 1)).value == Decimal("65")


def test_the_entry_page_shows_why_no_target_applies(tree, client):
    from tests.factories import make_cast, make_draft, make_flow_set

    cast = make_cast(tree)
    cs = make_flow_set(cast.department)
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(provenance={"targets_not_retrieved": ["btb"]})
    draft = make_draft(cast, cs, tree.a, answers={"2.1": {"value": "75"}})  # xã A is in region BTB
    assert draft.results.get(indicator__code="2.1").met is None
    client.force_login(cast.staff)
    html = client.get(reverse("web:assessment_edit", kwargs={"pk": draft.pk})).content.decode()
    assert "ngưỡng của vùng Bắc Trung Bộ chưa có (chưa thu thập được từ văn bản)" in html


def test_a_label_that_is_not_a_variant_is_ignored(tmp_path):
    income = _load(tmp_path, REGION_NULL, "region-null")
    Indicator.objects.filter(pk=income.pk).update(provenance={"targets_not_retrieved": ["btb", "x/y", "abc/dbsh"]})
    income.refresh_from_db()
    assert _value(income, _commune(Region.DBSH), "2022-06-30") == Decimal("50")
    assert _resolve(income, _commune(Region.BTB), "2022-06-30").gap == Region.BTB


def test_the_api_says_why_no_target_applies(tree, client):
    from tests.factories import make_cast, make_draft, make_flow_set

    cast = make_cast(tree)
    cs = make_flow_set(cast.department)
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(provenance={"targets_not_retrieved": ["btb"]})
    draft = make_draft(cast, cs, tree.a, answers={"2.1": {"value": "75"}})
    client.force_login(cast.staff)
    results = {r["code"]: r for r in client.get(f"/api/v1/assessments/{draft.pk}/").json()["results"]}
    assert (results["2.1"]["met"], results["2.1"]["target_applied"]) == (None, "")
    assert results["2.1"]["target_reason"] == f"ngưỡng của vùng Bắc Trung Bộ chưa có {NOT_COLLECTED}"
    assert results["1.1"]["target_reason"] == ""
