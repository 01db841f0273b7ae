"""The roll-up and the report sentence, as plain functions."""

from assessments.rollup import (
    CriterionShape,
    Summary,
    met_criteria,
    sentence,
    sentence_met,
    set_note,
    shorter_sentence,
    status_label,
    summarize,
)

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
        {"number": 2, "name": "Giao thông", "codes": ["2.1", "2.2"], "single": False, "total": 4},
        {"number": 11, "name": "Nghèo đa chiều", "codes": ["11"], "single": True, "total": 1},
        {"number": 14, "name": "Y tế", "codes": ["14.2", "14.3"], "single": False, "total": 4},
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


def test_the_english_sentence_names_the_level_and_a_wholly_failed_criterion_alone():
    met = _all_met() | {"11": False, "2.4": False, "1.1": False, "1.2": False}
    assert sentence(summarize(SHAPE, met, level="ntm_nang_cao"), "en") == (
        "meets 1/4 criteria, 7/11 indicators of advanced NTM. Criteria and indicators of advanced NTM not met: "
        "Quy hoạch; Giao thông (indicator 2.4); Nghèo đa chiều."
    )


def test_a_criterion_without_indicators_is_never_met():
    s = summarize([CriterionShape(1, "Quy hoạch", ())], {})
    assert (s.criteria_met, s.criteria_total, s.indicators_total) == (0, 1, 0)
    assert not s.meets_standard


def test_an_empty_summary_does_not_meet_the_standard():
    assert not Summary().meets_standard


# The sentence as district reports write it (issue 12, item 4)

REPORT_SHAPE = [
    CriterionShape(1, "Quy hoạch", ("1.1", "1.2")),
    CriterionShape(2, "Tiêu chí giao thông", ("2.1", "2.2", "2.3", "2.4")),
    CriterionShape(11, "Nghèo đa chiều", ("11.1", "11.2")),
    CriterionShape(14, "Y tế", ("14.1", "14.2", "14.3")),
]


def _report_met(**overrides):
    return {code: True for c in REPORT_SHAPE for code in c.codes} | overrides


def test_a_criterion_whose_every_indicator_failed_is_named_alone():
    s = summarize(REPORT_SHAPE, _report_met() | {"11.1": False, "11.2": False, "2.1": False, "2.2": False})
    assert s.unmet[1] == {
        "number": 11,
        "name": "Nghèo đa chiều",
        "codes": ["11.1", "11.2"],
        "single": False,
        "total": 2,
    }
    assert sentence(s, "vi") == (
        "đạt 2/4 tiêu chí, 7/11 chỉ tiêu. Các tiêu chí chưa đạt gồm: tiêu chí giao thông (chỉ tiêu 2.1, 2.2); "
        "tiêu chí nghèo đa chiều."
    )


def test_the_sentence_names_the_level_of_the_set():
    s = summarize(
        REPORT_SHAPE, _report_met() | {"2.1": False, "2.2": False, "11.1": False, "11.2": False}, level="ntm_nang_cao"
    )
    assert sentence(s, "vi") == (
        "đạt 2/4 tiêu chí, 7/11 chỉ tiêu xây dựng NTM nâng cao. Các tiêu chí, chỉ tiêu NTM nâng cao chưa đạt, gồm: "
        "tiêu chí giao thông (chỉ tiêu 2.1, 2.2); tiêu chí nghèo đa chiều."
    )


def test_a_name_starting_with_tieu_chi_is_not_doubled():
    s = summarize(REPORT_SHAPE, _report_met() | {"2.3": False}, level="ntm")
    text = sentence(s, "vi")
    assert "tiêu chí tiêu chí" not in text.lower()
    assert text.endswith("gồm: tiêu chí giao thông (chỉ tiêu 2.3).")


def test_undetermined_results_are_neither_unmet_nor_without_a_result():
    s = summarize(
        REPORT_SHAPE, _report_met() | {"14.2": None, "14.3": None, "1.2": None}, undetermined={"14.2", "14.3"}
    )
    assert s.unmet == [{"number": 1, "name": "Quy hoạch", "codes": ["1.2"], "single": False, "total": 2}]
    assert s.undetermined == [{"number": 14, "name": "Y tế", "codes": ["14.2", "14.3"]}]
    assert (s.criteria_met, s.indicators_unknown, s.without_result) == (2, 3, 1)
    assert sentence(s, "vi") == (
        "đạt 2/4 tiêu chí, 8/11 chỉ tiêu. Các tiêu chí chưa đạt gồm: tiêu chí quy hoạch (chỉ tiêu 1.2). "
        "2 chỉ tiêu chưa xác định được (chưa có ngưỡng áp dụng): 14.2, 14.3. Chưa có kết quả: 1 chỉ tiêu."
    )


def test_the_met_form_names_the_criteria_met():
    s = summarize(REPORT_SHAPE, _report_met() | {"2.1": False, "11.1": False, "14.1": False}, level="ntm_nang_cao")
    names = {c.number: c.name for c in REPORT_SHAPE}
    assert met_criteria(s, names) == [{"number": 1, "name": "Quy hoạch"}]
    assert sentence_met(s, names, "vi") == "đạt 1/4 tiêu chí xã NTM nâng cao gồm: quy hoạch."
    assert shorter_sentence(s, names, "vi") == "đạt 1/4 tiêu chí xã NTM nâng cao gồm: quy hoạch."
    assert sentence_met(s, names, "en") == "meets 1/4 criteria of advanced NTM: Quy hoạch."


def test_the_shorter_form_is_the_unmet_one_near_the_standard():
    s = summarize(REPORT_SHAPE, _report_met() | {"2.1": False})
    names = {c.number: c.name for c in REPORT_SHAPE}
    assert shorter_sentence(s, names, "vi") == sentence(s, "vi")


# Never "Đạt chuẩn" on an incomplete set (issue 12, item 3)


def test_an_incomplete_set_never_meets_the_standard():
    s = summarize(REPORT_SHAPE, _report_met(), set_complete=False, indicators_stated=12, level="ntm")
    assert s.meets_held and not s.meets_standard
    assert status_label(s) == "Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)"
    assert set_note(s) == "bộ tiêu chí chưa đầy đủ: 11/12 chỉ tiêu"
    assert (
        sentence(s, "vi") == "đạt 4/4 tiêu chí, 11/11 chỉ tiêu xây dựng NTM (bộ tiêu chí chưa đầy đủ: 11/12 chỉ tiêu)."
    )


def test_a_complete_set_meets_the_standard():
    s = summarize(REPORT_SHAPE, _report_met(), set_complete=True, indicators_stated=11)
    assert s.meets_standard and status_label(s) == "Đạt chuẩn" and set_note(s) == ""
