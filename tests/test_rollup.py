"""The roll-up and the report sentence, as plain functions."""

from assessments.rollup import CriterionShape, Summary, sentence, summarize

SHAPE = [
    CriterionShape(1, "Quy hoạch", ("1.1", "1.2")),
    CriterionShape(2, "Giao thông", ("2.1", "2.2", "2.3", "2.4")),
    CriterionShape(11, "Nghèo đa chiều", ("11",)),
    CriterionShape(14, "Y tế", ("14.1", "14.2", "14.3", "14.4")),
]


def _all_met():
    return {code: True for c in SHAPE for code in c.codes}


def test_a_criterion_is_met_only_when_all_its_indicators_are():
    met = _all_met() | {"2.1": False, "2.2": False, "11": False, "14.2": False, "14.3": None}
    s = summarize(SHAPE, met)
    assert (s.criteria_met, s.criteria_total) == (1, 4)
    assert (s.indicators_met, s.indicators_total, s.indicators_unknown) == (6, 11, 1)
    assert s.unmet == [
        {"number": 2, "name": "Giao thông", "codes": ["2.1", "2.2"], "single": False},
        {"number": 11, "name": "Nghèo đa chiều", "codes": ["11"], "single": True},
        {"number": 14, "name": "Y tế", "codes": ["14.2", "14.3"], "single": False},
    ]
    assert not s.meets_standard


def test_the_sentence_names_single_indicator_criteria_without_a_list():
    met = _all_met() | {"2.1": False, "2.2": False, "11": False, "14.2": False, "14.3": False}
    assert sentence(summarize(SHAPE, met), "vi") == (
        "đạt 1/4 tiêu chí, 6/11 chỉ tiêu. Các tiêu chí chưa đạt gồm: tiêu chí giao thông (chỉ tiêu 2.1, 2.2); "
        "tiêu chí nghèo đa chiều; tiêu chí y tế (chỉ tiêu 14.2, 14.3)."
    )


def test_the_sentence_with_nothing_unmet():
    s = summarize(SHAPE, _all_met())
    assert s.meets_standard
    assert sentence(s, "vi") == "đạt 4/4 tiêu chí, 11/11 chỉ tiêu."


def test_the_sentence_counts_indicators_without_a_result():
    s = summarize(SHAPE, _all_met() | {"1.2": None})
    assert sentence(s, "vi") == (
        "đạt 3/4 tiêu chí, 10/11 chỉ tiêu. Các tiêu chí chưa đạt gồm: tiêu chí quy hoạch (chỉ tiêu 1.2). "
        "Chưa có kết quả: 1 chỉ tiêu."
    )


def test_the_sentence_in_english():
    met = _all_met() | {"11": False, "2.4": False}
    assert sentence(summarize(SHAPE, met), "en") == (
        "meets 2/4 criteria, 9/11 indicators. Criteria not met: Giao thông (indicator 2.4); Nghèo đa chiều."
    )


def test_a_criterion_without_indicators_is_never_met():
    s = summarize([CriterionShape(1, "Quy hoạch", ())], {})
    assert (s.criteria_met, s.criteria_total, s.indicators_total) == (0, 1, 0)
    assert not s.meets_standard


def test_an_empty_summary_does_not_meet_the_standard():
    assert not Summary().meets_standard
