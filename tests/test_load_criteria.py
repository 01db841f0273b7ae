"""manage.py load_criteria: the bundled official sets, provincial files, validation, idempotency."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError

from communes.models import Era
from criteria import loader
from criteria.models import (
    CriteriaSet,
    Criterion,
    Department,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    SetStatus,
    SourceDocument,
)
from tests import factories
from tests.helpers import HIEN_DAI, NANG_CAO, QD51, QD318, QD1980, load_criteria

pytestmark = pytest.mark.django_db


def from_file(path: Path) -> dict:
    """What the file itself says: code, criteria and indicator counts, and the stated totals."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts = data.get("counts") or {}
    stated = lambda thing: next((v for k, v in counts.items() if k.startswith(f"{thing}_stated")), None)  # noqa: E731
    return {
        "code": data["code"],
        "criteria": len(data["criteria"]),
        "indicators": sum(len(c.get("indicators") or []) for c in data["criteria"]),
        "stated_criteria": stated("criteria"),
        "stated_indicators": stated("indicators"),
    }


def ind(set_code: str, code: str) -> Indicator:
    return Indicator.objects.get(criteria_set__code=set_code, code=code)


@pytest.fixture
def bundled():
    return load_criteria()


@pytest.mark.parametrize(
    "path, expected",
    [
        (QD318, (19, 56, 19, 57)),
        (NANG_CAO, (19, 1, 19, 75)),
        (QD1980, (19, 49, 19, None)),
        (QD51, (10, 0, 10, 47)),
        (HIEN_DAI, (0, 0, None, None)),
    ],
)
def test_each_bundled_set_loads_as_a_draft_with_the_counts_of_its_file(bundled, path, expected):
    facts = from_file(path)
    assert (facts["criteria"], facts["indicators"], facts["stated_criteria"], facts["stated_indicators"]) == expected
    cs = CriteriaSet.objects.with_counts().get(code=facts["code"])
    assert (cs.criteria_count, cs.indicator_count) == (facts["criteria"], facts["indicators"])
    assert cs.stated_criteria_count == facts["stated_criteria"]
    assert cs.stated_indicator_count == facts["stated_indicators"]
    assert cs.status == SetStatus.DRAFT
    assert cs.source_file == path.name
    assert len(cs.source_hash) == 64


def test_the_report_gives_counts_against_the_stated_totals(bundled):
    assert (
        "qd318-ntm-2021-2025 (qd318-xa-ntm-2021-2025.yaml): đã tạo — tiêu chí 19/19, chỉ tiêu 56/57 "
        "(thiếu 1), đã kiểm chứng 0, có ngưỡng 1, chưa có ngưỡng 55 → Nháp"
    ) in bundled
    assert "qd51-ntm-2026-2030 (qd51-2025-xa-ntm-2026-2030.yaml): đã tạo — tiêu chí 10/10, chỉ tiêu 0/47" in bundled
    assert "nguồn: 50 (tạo 50, cập nhật 0)" in bundled


def test_set_columns_come_from_the_file(bundled):
    cs = CriteriaSet.objects.get(code="qd51-ntm-2026-2030")
    assert (cs.decision_number, str(cs.decision_date), str(cs.effective_date)) == (
        "51/2025/QĐ-TTg",
        "2025-12-29",
        "2026-02-15",
    )
    assert (cs.issuer, cs.signer, cs.appendix) == ("Thủ tướng Chính phủ", "Phó Thủ tướng Trần Hồng Hà", "Phụ lục I")
    assert (cs.period_start, cs.period_end, cs.completeness, cs.level) == (2026, 2030, "skeleton", "ntm")
    assert cs.provenance["commune_groups"][2]["code"] == "nhom3"
    assert cs.provenance["criteria_extra"]["1"] == {"indicators_retrieved": False}


def test_1980_income_has_a_target_for_each_of_the_seven_regions(bundled):
    income = ind("qd1980-ntm-2016-2020", "10")
    variants = {t.region: t for t in income.targets.all()}
    assert len(variants) == 7
    assert (variants["tdmnpb"].operator, variants["tdmnpb"].value, variants["dnb"].value) == (
        ">=",
        Decimal("36"),
        Decimal("59"),
    )
    assert variants["tdmnpb"].unit == "triệu đồng/người/năm"
    assert (income.kind, income.operator, income.target_value) == (IndicatorKind.NUMERIC, ">=", Decimal("45"))


def test_1980_stunting_is_a_ceiling_in_every_region(bundled):
    stunting = ind("qd1980-ntm-2016-2020", "15.3")
    tdmnpb = stunting.targets.get(region="tdmnpb")
    assert (tdmnpb.operator, tdmnpb.value, tdmnpb.text) == ("<=", Decimal("26.7"), "≤26,7%")
    assert set(stunting.targets.values_list("operator", flat=True)) == {"<="}


def test_qd318_income_whose_values_are_all_null_has_no_target_at_all(bundled):
    income = ind("qd318-ntm-2021-2025", "10")
    assert not income.targets.exists()
    assert (income.kind, income.operator, income.target_value, income.target_text) == (
        IndicatorKind.BOOLEAN,
        "",
        None,
        "",
    )
    assert income.target_missing
    assert len(income.provenance["targets_not_retrieved"]) == 4 * 8
    assert "2022/chung" in income.provenance["targets_not_retrieved"]


def test_the_kind_follows_the_target(bundled):
    irrigation = ind("qd318-ntm-2021-2025", "3.1")
    assert (irrigation.kind, irrigation.operator, irrigation.target_value, irrigation.unit) == (
        IndicatorKind.NUMERIC,
        ">=",
        Decimal("80"),
        "%",
    )
    assert (ind("qd1980-ntm-2016-2020", "1.1").kind, ind("qd1980-ntm-2016-2020", "1.1").target_text) == (
        IndicatorKind.BOOLEAN,
        "Đạt",
    )
    assert ind("qd1980-ntm-2016-2020", "9.1").target_text == "Không"
    planning = ind("qd318-ntm-2021-2025", "1.1")
    assert (planning.kind, planning.target_text, planning.target_missing) == (IndicatorKind.BOOLEAN, "", True)


def test_provenance_keeps_what_has_no_column(bundled):
    stunting = ind("qd318-ntm-2021-2025", "15.3")
    assert stunting.provenance["source_values_by_region"]["tdmnpb"] == "≥24%"
    assert not stunting.targets.exists() and stunting.target_missing
    assert (stunting.confidence, stunting.sources, stunting.verified) == ("low", "S7", False)
    assert ind("qd1980-ntm-2016-2020", "1.1").provenance == {"applies_to_all_regions": True}
    cs = CriteriaSet.objects.get(code="qd318-ntm-2021-2025")
    assert cs.provenance["special_rule"]["apply_region"] == "tdmnpb"
    assert cs.provenance["related_sets"][1]["issued"] == "2022-03-08"


def test_criteria_get_their_group_and_verification(bundled):
    politics = Criterion.objects.get(criteria_set__code="qd318-ntm-2021-2025", number=18)
    assert (politics.group_number, politics.group_name, politics.name_verified, politics.sources) == (
        5,
        "Hệ thống chính trị",
        True,
        "S1, S2",
    )
    assert Criterion.objects.get(criteria_set__code="qd1980-ntm-2016-2020", number=1).name_verified
    nang_cao = Criterion.objects.get(criteria_set__code="qd318-ntm-nang-cao-2021-2025", number=5)
    assert (nang_cao.group_number, nang_cao.name_verified) == (None, False)


def test_every_source_key_cited_by_a_bundled_file_is_a_source_document(bundled):
    cited = {key for path in loader.bundled_files() for key in re.findall(r"\b[SQ]\d+\b", path.read_text())}
    assert cited <= set(SourceDocument.objects.values_list("key", flat=True))
    q1 = SourceDocument.objects.get(key="Q1")
    assert q1.url.startswith("https://xaydungchinhsach.chinhphu.vn/") and "S9" in q1.description


def _snapshot():
    models = (CriteriaSet, Criterion, Indicator, IndicatorTarget)
    return (
        sorted(CriteriaSet.objects.values_list("id", "updated_at")),
        sorted(Indicator.objects.values_list("id", "code")),
        sorted(IndicatorTarget.objects.values_list("id", flat=True)),
        [m.history.model.objects.count() for m in models],
        sorted(SourceDocument.objects.values_list("id", "key")),
    )


def test_a_second_run_writes_nothing(bundled):
    before = _snapshot()
    out = load_criteria()
    assert _snapshot() == before
    assert out.count(": không đổi — ") == 5
    assert "nguồn: 50 (tạo 0, cập nhật 0)" in out


def test_a_changed_file_updates_the_draft_in_place(bundled, tmp_path):
    cs = CriteriaSet.objects.get(code="qd1980-ntm-2016-2020")
    kept = {i.code: i.pk for i in cs.indicators.all()}
    lines = QD1980.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(line for line in lines if 'code: "8.4"' not in line)
    text = text.replace("indicators_in_this_file: 49", "indicators_in_this_file: 48")
    text = text.replace('dnb:    {text: "≥59", op: ">=", value: 59', 'dnb:    {text: "≥60", op: ">=", value: 60')
    path = tmp_path / "qd1980.yaml"
    path.write_text(text, encoding="utf-8")
    out = load_criteria(path)
    assert "qd1980-ntm-2016-2020 (qd1980.yaml): đã cập nhật — tiêu chí 19/19, chỉ tiêu 48" in out
    cs.refresh_from_db()
    assert cs.source_file == "qd1980.yaml"
    assert {i.code: i.pk for i in cs.indicators.all()} == {c: pk for c, pk in kept.items() if c != "8.4"}
    assert ind("qd1980-ntm-2016-2020", "10").targets.get(region="dnb").value == Decimal("60")
    assert ind("qd1980-ntm-2016-2020", "10").history.count() == 1  # the indicator row itself did not change


SYNTAX_ERROR = "code: broken\nname: Bộ lỗi\nlevel: ntm\ncriteria:\n  - number: 1\n    name: [Quy hoạch\n"


def test_a_syntax_error_names_file_and_line_and_loads_nothing(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text(SYNTAX_ERROR, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(f"{bad}:7: YAML syntax error")):
        load_criteria(QD318, bad)
    assert not CriteriaSet.objects.exists()
    assert not SourceDocument.objects.exists()


def _set_with(indicators: str) -> str:
    return (
        "code: test-set\nname: Bộ thử giai đoạn 2021-2025\nlevel: ntm\ncriteria:\n"
        "  - number: 1\n    name: Quy hoạch\n    indicators:\n" + indicators
    )


@pytest.mark.parametrize(
    "text, line, message",
    [
        (
            _set_with('      - {code: "1.1", name: A}\n      - {code: "1.1", name: B}\n'),
            9,
            "duplicate indicator code '1.1' (first at line 8)",
        ),
        (
            _set_with('      - {code: "1.1", name: A}\n      - {name: B, target: null}\n'),
            9,
            "an indicator has no `code`",
        ),
        (_set_with("      - {code: 17.10, name: A}\n"), 8, '(put it in quotes, e.g. "17.10"'),
        (
            _set_with('      - code: "1.1"\n        name: A\n        target: {text: "≥80%", op: "=>", value: 80}\n'),
            10,
            "`op` must be one of",
        ),
        (
            _set_with('      - code: "1.1"\n        name: A\n        target: {op: ">=", value: "80%"}\n'),
            10,
            "`value` must be a number",
        ),
        (
            _set_with(
                '      - code: "1.1"\n        name: A\n        targets_by_region:\n          mekong: {text: Đạt}\n'
            ),
            11,
            "`mekong` is not a valid key of targets_by_region",
        ),
        (
            _set_with('      - code: "1.1"\n        name: A\n        targets_by_group:\n          nhom4: null\n'),
            11,
            "`nhom4` is not a valid key of targets_by_group",
        ),
        (
            _set_with(
                '      - code: "1.1"\n        name: A\n        targets_by_year:\n          "2022": {chung: null}\n'
            ),
            11,
            "year '2022' of targets_by_year must be like 2022",
        ),
        (_set_with('      - code: "1.1"\n        name: A\n        name: B\n'), 10, "duplicate key 'name'"),
        (
            "code: test-set\nname: Bộ thử\nlevel: ntm\ncounts: {criteria_in_this_file: 2}\ncriteria:\n"
            "  - {number: 1, name: Quy hoạch}\n",
            4,
            "counts.criteria_in_this_file is 2 but the file lists 1 criteria",
        ),
        (
            'code: test-set\nname: Bộ thử 2021-2025\nlevel: ntm\nprovince: "99"\ncriteria: []\n',
            4,
            "province 99 (pre2025) is not loaded",
        ),
        (
            "code: test-set\nname: Bộ thử\nlevel: tinh\n"
            "criteria:\n  - {number: 1, name: A}\n  - {number: 1, name: B}\n",
            3,
            "`level` must be one of",
        ),
    ],
)
def test_a_structural_error_names_file_and_line_and_loads_nothing(tmp_path, text, line, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        load_criteria(QD1980, bad)
    assert f"{bad}:{line}: " in str(excinfo.value)
    assert message in str(excinfo.value)
    assert not CriteriaSet.objects.exists()


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: test-set\nname: Bộ thử\nlevel: ntm\ncriteria:\n  - {number: 1, name: A}\n"
        "  - {number: 1, name: B}\n  - {name: C}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as excinfo:
        load_criteria(bad)
    lines = str(excinfo.value).splitlines()
    assert f"{bad}:6: duplicate criterion number 1 (first at line 5)" in lines
    assert f"{bad}:7: a criterion has no `number`" in lines


def _criterion(number: int) -> str:
    return f'  - {{number: {number}, name: "Tiêu chí {number}", name_verified: false, indicators: []}}\n'


PROVINCIAL = """\
# A provincial NTM nâng cao set with 20 criteria (test data, not an official text).
code: test-tinh-42-ntm-nang-cao-2022-2025
name: Bộ tiêu chí xã nông thôn mới nâng cao của tỉnh thử nghiệm giai đoạn 2022-2025
level: ntm_nang_cao
province: "42"
derived_from: qd318-ntm-nang-cao-2021-2025
completeness: partial
departments:
  nong-nghiep: Phòng Nông nghiệp và Phát triển nông thôn
counts:
  criteria_stated_by_sources: 20
  indicators_stated_by_sources: 3
criteria:
  - number: 1
    name: Quy hoạch
    name_verified: true
    department: nong-nghiep
    sources: [S40]
    indicators:
      - code: "1.1"
        name: Có quy hoạch chung xây dựng xã
        target: {text: Đạt}
        verified: true
      - code: "1.2"
        name: Thu nhập bình quân đầu người
        unit: triệu đồng/người/năm
        targets_by_year:
          2023: {chung: {text: "≥55", op: ">=", value: 55}, tdmnpb: {text: "≥50", op: ">=", value: 50}, dbsh: null}
          2024: {text: "≥60", op: ">=", value: 60}
          2025: null
      - code: "1.3"
        name: Tỷ lệ hộ nghèo đa chiều
        target: {text: "≤2%", op: "<=", value: 2, unit: "%"}
        targets_by_region:
          tdmnpb: {text: "≤4%", op: "<=", value: 4}
          btb: null
""" + "".join(_criterion(n) for n in range(2, 21))


def test_a_provincial_set_with_20_criteria_loads_with_province_and_derived_from(tmp_path):
    province = factories.make_unit(code="42", name="Tỉnh Hà Tĩnh", era=Era.PRE_2025)
    path = tmp_path / "tinh-42.yaml"
    path.write_text(PROVINCIAL, encoding="utf-8")
    out = load_criteria(path, NANG_CAO)
    cs = CriteriaSet.objects.with_counts().get(code="test-tinh-42-ntm-nang-cao-2022-2025")
    assert (cs.criteria_count, cs.indicator_count, cs.stated_criteria_count) == (20, 3, 20)
    assert cs.province == province
    assert cs.derived_from == CriteriaSet.objects.get(code="qd318-ntm-nang-cao-2021-2025")
    assert (cs.period_start, cs.period_end, cs.status) == (2022, 2025, SetStatus.DRAFT)
    assert Criterion.objects.get(criteria_set=cs, number=1).department == Department.objects.get(code="nong-nghiep")
    assert "tiêu chí 20/20, chỉ tiêu 3/3, đã kiểm chứng 1, có ngưỡng 3, chưa có ngưỡng 0 → Nháp" in out


def test_targets_by_year_become_year_variants_and_nulls_are_skipped(tmp_path):
    factories.make_unit(code="42", era=Era.PRE_2025)
    path = tmp_path / "tinh-42.yaml"
    path.write_text(PROVINCIAL, encoding="utf-8")
    load_criteria(NANG_CAO, path)
    income = Indicator.objects.get(criteria_set__code="test-tinh-42-ntm-nang-cao-2022-2025", code="1.2")
    rows = sorted(income.targets.values_list("year", "region", "operator", "value", "unit"))
    assert rows == [
        (2023, "", ">=", Decimal("55"), "triệu đồng/người/năm"),
        (2023, "tdmnpb", ">=", Decimal("50"), "triệu đồng/người/năm"),
        (2024, "", ">=", Decimal("60"), "triệu đồng/người/năm"),
    ]
    assert (income.kind, income.operator, income.target_value) == (IndicatorKind.NUMERIC, "", None)
    assert income.provenance["targets_not_retrieved"] == ["2023/dbsh", "2025"]
    poverty = Indicator.objects.get(criteria_set__code="test-tinh-42-ntm-nang-cao-2022-2025", code="1.3")
    assert list(poverty.targets.values_list("region", "value", "unit")) == [("tdmnpb", Decimal("4"), "%")]


QD51_STYLE = """\
code: test-qd51-style
name: Bộ tiêu chí thử theo nhóm xã giai đoạn 2026-2030
level: ntm
criteria:
  - number: 1
    name: Quy hoạch
    indicators:
      - code: "1.1"
        name: Tỷ lệ thôn có nhà văn hóa
        targets_by_group:
          nhom1: {text: "100%", op: ">=", value: 100, unit: "%"}
          nhom2: {text: "≥90%", op: ">=", value: 90, unit: "%"}
          nhom3: null
"""


def test_targets_by_group_become_commune_group_variants(tmp_path):
    path = tmp_path / "qd51-style.yaml"
    path.write_text(QD51_STYLE, encoding="utf-8")
    load_criteria(path)
    indicator = Indicator.objects.get(criteria_set__code="test-qd51-style", code="1.1")
    assert sorted(indicator.targets.values_list("commune_group", "region", "year", "value")) == [
        ("nhom1", "", 0, Decimal("100")),
        ("nhom2", "", 0, Decimal("90")),
    ]
    assert indicator.kind == IndicatorKind.NUMERIC
    assert indicator.provenance == {"targets_not_retrieved": ["nhom3"]}


def test_a_published_set_is_skipped(bundled, tmp_path):
    CriteriaSet.objects.filter(code="qd318-ntm-2021-2025").update(status=SetStatus.PUBLISHED)
    before = _snapshot()
    path = tmp_path / "qd318.yaml"
    path.write_text(QD318.read_text(encoding="utf-8").replace("Nhà tạm, dột nát", "Nhà tạm"), encoding="utf-8")
    out = load_criteria(path)
    assert "qd318-ntm-2021-2025 (qd318.yaml): bỏ qua (đã công bố; hãy sao chép bộ để sửa)" in out
    assert _snapshot() == before


def test_a_set_used_by_an_assessment_is_skipped(bundled, tmp_path):
    CriteriaSet.objects.filter(code="qd318-ntm-2021-2025").update(in_use=True)
    path = tmp_path / "qd318.yaml"
    path.write_text(QD318.read_text(encoding="utf-8").replace("Nhà tạm, dột nát", "Nhà tạm"), encoding="utf-8")
    assert "bỏ qua (đang được dùng; hãy sao chép bộ để sửa)" in load_criteria(path)
    assert ind("qd318-ntm-2021-2025", "9.1").name == "Nhà tạm, dột nát"


def test_dry_run_validates_and_reports_but_writes_nothing():
    out = load_criteria(dry_run=True)
    assert out.startswith("Chạy thử: không ghi gì.")
    assert "qd1980-ntm-2016-2020 (qd1980-xa-ntm-2016-2020.yaml): sẽ tạo — tiêu chí 19/19" in out
    assert not CriteriaSet.objects.exists()
    assert not SourceDocument.objects.exists()
    assert not Department.objects.exists()
