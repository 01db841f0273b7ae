"""Why a state: assessments.why explains each đạt / chưa đạt / chưa xác định of an indicator or a criterion
(the target applied and why that one, its source, the value, the evidence, the verification, and
for an unknown state the reason)."""

import datetime

import pytest
from django.http import Http404

from assessments import services, why
from assessments.models import VerificationState
from communes.models import CommuneGroup, Region
from criteria.models import CriteriaSet, Criterion, Indicator, SourceDocument
from tests import factories
from tests.factories import D, make_draft, make_submitted
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def numeric_set(variants=(), *, value="70", **kw) -> CriteriaSet:
    """make_flow_set, with 2.1 (≥`value`%) carrying `variants`."""
    cs = factories.make_set(**kw)
    factories.make_numeric(cs, "2.1", value=value, variants=variants)
    return cs


def explain(cast, cs, commune, answers, code="2.1", as_of=D):
    return why.indicator_explanation(make_draft(cast, cs, commune, answers=answers, as_of=as_of), code)


# Met and not met


def test_a_numeric_indicator_met_says_value_target_and_that_the_general_target_applies(tree, cast, cs):
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})
    assert (w.state, w.value, w.target, w.target_applied) == (why.MET, 75, "≥70%", "≥70%")
    assert w.basis == ["Ngưỡng chung của chỉ tiêu, áp dụng cho mọi xã."]
    assert (w.reason_code, w.reason) == ("", "")


def test_a_numeric_indicator_below_its_target_is_not_met(tree, cast, cs):
    w = explain(cast, cs, tree.a, {"2.1": {"value": "65,5"}})
    assert (w.state, w.value, w.target) == (why.NOT_MET, 65.5, "≥70%")


def test_a_yes_no_indicator_is_explained_by_the_communes_answer(tree, cast, cs):
    w = explain(cast, cs, tree.a, {"1.2": {"met": False}}, code="1.2")
    assert (w.state, w.answer, w.is_numeric) == (why.NOT_MET, False, False)


# Chưa xác định, each reason


def test_unknown_because_a_yes_no_indicator_is_not_answered(tree, cast, cs):
    w = explain(cast, cs, tree.a, {}, code="1.1")
    assert (w.state, w.reason_code) == (why.UNKNOWN, why.NO_ANSWER)
    assert "chưa trả lời" in w.reason


def test_unknown_because_no_value_was_entered(tree, cast, cs):
    w = explain(cast, cs, tree.a, {})
    assert (w.state, w.reason_code) == (why.UNKNOWN, why.NO_VALUE)
    assert w.reason == "Xã chưa nhập giá trị của chỉ tiêu này."


def test_unknown_because_the_set_has_no_target_for_the_indicator(tree, cast):
    cs = factories.make_set()
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(kind="numeric", unit="%")
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})
    assert (w.state, w.reason_code, w.target) == (why.UNKNOWN, why.NO_TARGET, "")
    assert "chưa có ngưỡng" in w.reason


def test_unknown_because_the_communes_regional_target_was_not_retrieved(tree, cast):
    cs = numeric_set([{"region": Region.DBSH, "value": 80}])
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(
        target_value=None, operator="", provenance={"targets_not_retrieved": ["btb"]}
    )
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})  # xã A is in Bắc Trung Bộ
    assert (w.state, w.reason_code) == (why.UNKNOWN, why.TARGET_GAP)
    assert w.reason == "ngưỡng của vùng Bắc Trung Bộ chưa có (chưa thu thập được từ văn bản)"


def test_unknown_because_the_commune_has_no_region(tree, cast):
    cs = numeric_set([{"region": Region.BTB, "value": 60}])
    tree.a.region = ""
    tree.a.save()
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})
    assert (w.state, w.reason_code) == (why.UNKNOWN, why.NO_REGION)
    assert "chưa được ghi vùng" in w.reason


def test_unknown_because_the_commune_has_no_group(tree, cast):
    cs = numeric_set([{"commune_group": CommuneGroup.NHOM1, "value": 90}])
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})
    assert (w.state, w.reason_code) == (why.UNKNOWN, why.NO_GROUP)
    assert "chưa được xếp nhóm" in w.reason


def test_unknown_because_the_target_is_written_in_words_only(tree, cast):
    cs = factories.make_set()
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(
        kind="numeric", unit="%", target_text="Đạt theo quy định"
    )
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})
    assert (w.state, w.reason_code) == (why.UNKNOWN, why.TARGET_IN_WORDS)
    assert "Đạt theo quy định" in w.reason


# Which target, and why that one


def test_the_communes_regional_variant_wins_over_the_general_target(tree, cast):
    cs = numeric_set([{"region": Region.BTB, "value": 60}, {"region": Region.DBSH, "value": 90}])
    w = explain(cast, cs, tree.a, {"2.1": {"value": "65"}})
    assert (w.state, w.target) == (why.MET, "≥60%")
    assert w.basis == ["Ngưỡng riêng của vùng Bắc Trung Bộ, là vùng của xã."]


def test_the_general_target_applies_when_no_variant_is_written_for_the_communes_region(tree, cast):
    cs = numeric_set([{"region": Region.DBSH, "value": 90}])
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})
    assert (w.state, w.target) == (why.MET, "≥70%")
    assert w.basis == ["Ngưỡng chung của chỉ tiêu: bộ tiêu chí không ghi ngưỡng riêng cho vùng hay nhóm của xã."]


def test_the_communes_group_variant_applies(tree, cast):
    cs = numeric_set(
        [{"commune_group": CommuneGroup.NHOM2, "value": 50}, {"commune_group": CommuneGroup.NHOM1, "value": 90}]
    )
    tree.a.commune_group = CommuneGroup.NHOM2
    tree.a.save()
    w = explain(cast, cs, tree.a, {"2.1": {"value": "55"}})
    assert (w.state, w.target) == (why.MET, "≥50%")
    assert w.basis == ["Ngưỡng riêng của Nhóm 2 (xã còn lại), là nhóm của xã."]


def test_the_ladder_applies_the_latest_year_not_after_the_assessment(tree, cast):
    cs = numeric_set([{"year": 2022, "value": 50}, {"year": 2024, "value": 60}, {"year": 2025, "value": 80}])
    w = explain(cast, cs, tree.a, {"2.1": {"value": "62"}})  # as of 30/06/2024
    assert (w.state, w.target) == (why.MET, "≥60%")
    assert w.basis[1] == ("Theo lộ trình theo năm: áp dụng mức của năm 2024, năm gần nhất không sau năm đánh giá 2024.")


def test_a_ladder_starting_after_the_assessment_year_leaves_the_yearless_target(tree, cast):
    cs = numeric_set([{"year": 2025, "value": 80}])
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})
    assert (w.state, w.target) == (why.MET, "≥70%")
    assert "bắt đầu sau năm đánh giá 2024" in w.basis[1]


# Source, evidence, verification


def test_the_source_documents_and_whether_the_indicator_was_verified(tree, cast, cs):
    SourceDocument.objects.create(key="S1", url="https://example.org/qd318", description="QĐ 318/QĐ-TTg")
    SourceDocument.objects.create(key="S2", url="javascript:alert(1)")
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(sources="S1, S2; S9", verified=True)
    w = explain(cast, cs, tree.a, {"2.1": {"value": "75"}})
    assert [(s.key, s.url, s.description) for s in w.sources] == [
        ("S1", "https://example.org/qd318", "QĐ 318/QĐ-TTg"),
        ("S2", "", ""),
        ("S9", "", ""),
    ]
    assert w.indicator.verified is True


def test_the_evidence_and_who_verified_it(tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    result = submitted.results.get(indicator__code="2.1")
    services.indicator_verify(
        result=result, state=VerificationState.VERIFIED, comment="Khớp biên bản.", by=cast.officer
    )
    assessment = type(submitted).objects.select_related("commune", "criteria_set").get(pk=submitted.pk)
    w = why.indicator_explanation(assessment, "2.1")
    assert (w.verification_state, w.result.verified_by, w.result.verification_comment) == (
        VerificationState.VERIFIED,
        cast.officer,
        "Khớp biên bản.",
    )
    assert w.result.verified_at is not None


def test_the_evidence_files_are_listed(tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    result = draft.results.get(indicator__code="2.1")
    services.evidence_file_add(result=result, upload=upload("bien-ban.pdf", PDF), by=cast.staff)
    w = why.indicator_explanation(draft, "2.1")
    assert [f.original_name for f in w.evidence] == ["bien-ban.pdf"]


def test_an_unknown_code_is_a_404(tree, cast, cs):
    with pytest.raises(Http404):
        why.indicator_explanation(make_draft(cast, cs, tree.a), "9.9")


# Criteria: the rule, and which indicators are met, not met or unknown


def test_a_criterion_is_met_when_all_its_indicators_are(tree, cast, cs):
    w = why.criterion_explanation(make_draft(cast, cs, tree.a), 2)
    assert (w.state, w.codes(why.MET), w.codes(why.NOT_MET), w.codes(why.UNKNOWN)) == (why.MET, ["2.1", "2.2"], [], [])


def test_a_criterion_is_not_met_as_soon_as_one_indicator_is_not(tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={"1.1": {"met": True}, "1.2": {"met": False}})
    w = why.criterion_explanation(draft, 1)
    assert (w.state, w.codes(why.MET), w.codes(why.NOT_MET)) == (why.NOT_MET, ["1.1"], ["1.2"])


def test_a_criterion_with_unknown_indicators_and_none_failed_is_unknown_with_each_reason(tree, cast, cs):
    w = why.criterion_explanation(make_draft(cast, cs, tree.a, answers={"2.2": {"met": True}}), 2)
    assert (w.state, w.reason_code, w.codes(why.UNKNOWN)) == (why.UNKNOWN, why.INDICATORS_UNKNOWN, ["2.1"])
    assert w.lines[0].reason == "Xã chưa nhập giá trị của chỉ tiêu này."


def test_an_incomplete_set_carries_its_note(tree, cast):
    cs = factories.make_set(stated_indicator_count=6)
    w = why.criterion_explanation(make_draft(cast, cs, tree.a, answers={"3": {"met": True}}), 3)
    assert (w.state, w.set_note) == (why.MET, "bộ tiêu chí chưa đầy đủ: 5/6 chỉ tiêu")


def test_a_criterion_without_indicators_is_unknown(tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={})
    # The create service refuses such a set; a criterion written straight into the table (bulk_create,
    # as an old load did) is explained rather than failing.
    Criterion.objects.bulk_create([Criterion(criteria_set=cs, number=4, name="Điện")])
    w = why.criterion_explanation(draft, 4)
    assert (w.state, w.reason_code, w.lines) == (why.UNKNOWN, why.NO_INDICATORS, [])
    assert "chưa có chỉ tiêu nào" in w.reason


def test_an_unknown_criterion_number_is_a_404(tree, cast, cs):
    with pytest.raises(Http404):
        why.criterion_explanation(make_draft(cast, cs, tree.a), 42)


def test_an_assessment_in_a_later_year_follows_the_ladder_to_that_year(tree, cast):
    cs = numeric_set([{"year": 2022, "value": 50}, {"year": 2024, "value": 60}])
    w = explain(cast, cs, tree.a, {"2.1": {"value": "55"}}, as_of=datetime.date(2022, 12, 31))
    assert (w.state, w.target) == (why.MET, "≥50%")
    assert "năm 2022" in w.basis[1]
