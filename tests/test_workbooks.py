"""Assessment workbooks: the template a commune officer fills in, and the all-or-nothing import."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from assessments import services as assessment_services
from assessments.models import Assessment, IndicatorResult, Status
from criteria.models import CriteriaSet
from tests import factories
from tests.factories import D, make_approved, make_draft, make_submitted
from tests.helpers import FILLED, as_file, fill, filled_template, problems, refused, row_counts, row_of, sheet_of
from workbooks import layout as L
from workbooks import services
from workbooks.models import ImportRecord

pytestmark = pytest.mark.django_db

SAME_ANSWERS = {
    "1.1": {"met": True, "note": "Quyết định 12/QĐ-UBND"},
    "1.2": {"met": False},
    "2.1": {"value": "75", "note": "Báo cáo giao thông"},
    "2.2": {"met": True},
    "3": {"value": "61.5"},
}


# The template


def test_template_has_a_guide_and_one_protected_sheet_per_commune(workbook_set, tree):
    wb = load_workbook(as_file(services.template_for(workbook_set, tree.h, D)))
    assert wb.sheetnames == ["Hướng dẫn", "18436 Xã A", "18439 Xã B"]
    ws = wb["18436 Xã A"]
    assert [ws[f"{c}5"].value for c in "ABCDEF"] == [
        "Mã chỉ tiêu",
        "Nội dung chỉ tiêu",
        "Chỉ tiêu áp dụng cho xã",
        "Đơn vị",
        "Kết quả",
        "Ghi chú minh chứng",
    ]
    assert (ws["B1"].value, ws["B2"].value, ws["D2"].value) == (workbook_set.name, "Xã A", "18436")
    assert ws["F2"].value == "Trước 01/07/2025 (3 cấp)"
    assert ws["B3"].value.date() == D
    assert [ws[c].value for c in ("H1", "H2", "H3", "H4", "H5")] == [
        L.MARKER,
        "1",
        workbook_set.code,
        "pre2025",
        "18436",
    ]
    assert ws.column_dimensions["H"].hidden
    assert ws.freeze_panes == "A6"
    assert ws.column_dimensions["B"].width > 40
    assert wb.security.lockStructure


def test_indicators_are_grouped_under_criterion_rows(workbook_set, tree):
    ws = load_workbook(as_file(services.template_for(workbook_set, tree.a, D)))["18436 Xã A"]
    rows = [(ws[f"A{r}"].value, ws[f"H{r}"].value) for r in range(6, ws.max_row + 1)]
    assert rows == [
        ("Tiêu chí 1. Quy hoạch", "criterion"),
        ("1.1", "indicator"),
        ("1.2", "indicator"),
        ("Tiêu chí 2. Giao thông", "criterion"),
        ("2.1", "indicator"),
        ("2.2", "indicator"),
        ("Tiêu chí 3. Thu nhập", "criterion"),
        ("3", "indicator"),
    ]


def test_targets_are_those_of_each_commune(workbook_set, tree):
    wb = load_workbook(as_file(services.template_for(workbook_set, tree.h, D)))
    a, b = wb["18436 Xã A"], wb["18439 Xã B"]
    # Xã A: region BTB, group 1; xã B: Red River delta, group 3.
    assert a[f"C{row_of(a, '2.1')}"].value == "≥70%"
    assert b[f"C{row_of(b, '2.1')}"].value == "≥90%"
    assert a[f"C{row_of(a, '3')}"].value == "≥60 triệu đồng"
    assert b[f"C{row_of(b, '3')}"].value == "≥45 triệu đồng"
    assert a[f"D{row_of(a, '3')}"].value == "triệu đồng"
    assert a[f"C{row_of(a, '1.1')}"].value == "Đạt"


def test_a_numeric_indicator_without_a_target_for_the_commune_says_so(workbook_set, tree):
    tree.a.commune_group = ""
    tree.a.save()
    ws = load_workbook(as_file(services.template_for(workbook_set, tree.a, D)))["18436 Xã A"]
    assert ws[f"C{row_of(ws, '3')}"].value == (
        "Chưa có chỉ tiêu áp dụng: xã chưa được xếp nhóm nên chưa chọn được ngưỡng theo nhóm xã"
    )


def test_result_cells_carry_data_validation_by_kind(workbook_set, tree):
    ws = load_workbook(as_file(services.template_for(workbook_set, tree.a, D)))["18436 Xã A"]
    by_cell = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            by_cell[cell_range.coord] = dv
    yes_no, percent, number = (by_cell[f"E{row_of(ws, code)}"] for code in ("1.1", "2.1", "3"))
    assert (yes_no.type, yes_no.formula1) == ("list", '"Đạt,Chưa đạt"')
    assert by_cell[f"E{row_of(ws, '2.2')}"] is yes_no
    assert (percent.type, percent.operator, percent.formula1, percent.formula2) == ("decimal", "between", "0", "100")
    assert (number.type, number.operator, number.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert by_cell["B3"].type == "date"
    assert all(dv.showErrorMessage for dv in (yes_no, percent, number))


def test_only_the_input_cells_are_unlocked(workbook_set, tree):
    ws = load_workbook(as_file(services.template_for(workbook_set, tree.a, D)))["18436 Xã A"]
    assert ws.protection.sheet
    unlocked = {
        cell.coordinate
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=8)
        for cell in row
        if not cell.protection.locked
    }
    rows = [row_of(ws, code) for code in ("1.1", "1.2", "2.1", "2.2", "3")]
    assert unlocked == {"B3"} | {f"{c}{r}" for r in rows for c in "EF"}


def test_template_of_a_draft_set_is_refused(tree):
    draft = factories.make_set(status="draft")
    with pytest.raises(ValidationError, match="chưa được công bố"):
        services.template_for(draft, tree.a, D)


# Round trip


def test_a_filled_template_creates_the_assessment_as_the_entry_page_would(workbook_set, tree, cast):
    before = ImportRecord.objects.count()
    outcome = services.import_workbook(as_file(filled_template(workbook_set, tree, unit=tree.h)), cast.staff)
    assert outcome.ok, problems(outcome)
    assert outcome.counts == {"sheets": 2, "empty": 1, "created": 1, "updated": 0, "unchanged": 0, "results_changed": 5}
    imported = Assessment.objects.get(commune=tree.a, criteria_set=workbook_set, as_of=D)
    assert imported.status == Status.DRAFT and imported.created_by == cast.staff
    by_hand = make_draft(cast, workbook_set, tree.a, answers=SAME_ANSWERS, as_of=datetime.date(2024, 6, 29))
    assert imported.summary == by_hand.summary
    assert imported.sentence("vi") == by_hand.sentence("vi")
    assert (imported.criteria_met, imported.indicators_met) == (2, 4)
    got = {r.indicator.code: (r.value, r.met, r.note, r.target_applied) for r in imported.results.all()}
    assert got["2.1"] == (Decimal("75"), True, "Báo cáo giao thông", "≥70%")
    assert got["3"] == (Decimal("61.5"), True, "", "≥60 triệu đồng")
    assert got["1.2"][:2] == (None, False)
    assert not Assessment.objects.filter(commune=tree.b).exists()  # its sheet was left empty
    assert ImportRecord.objects.count() == before + 1


def test_the_import_is_recorded_in_the_history_naming_the_file(workbook_set, tree, cast):
    services.import_workbook(as_file(filled_template(workbook_set, tree), name="thang-6.xlsx"), cast.staff)
    assessment = Assessment.objects.get(commune=tree.a)
    reasons = set(assessment.history.values_list("history_change_reason", "history_user__username"))
    assert reasons == {("Nhập từ tệp thang-6.xlsx", "canbo.xa-a")}
    changes = IndicatorResult.history.filter(history_type="~")
    assert set(changes.values_list("history_change_reason", flat=True)) == {"Nhập từ tệp thang-6.xlsx"}


def test_the_import_record_keeps_who_what_and_the_counts(workbook_set, tree, cast):
    upload = as_file(filled_template(workbook_set, tree), name="thang-6.xlsx")
    outcome = services.import_workbook(upload, cast.staff)
    record = outcome.record
    assert (record.who, record.file_name, record.outcome) == (cast.staff, "thang-6.xlsx", "ok")
    assert record.sha256 == hashlib.sha256(upload.getvalue()).hexdigest()
    assert record.counts["created"] == 1 and record.errors == []


def test_importing_the_same_file_twice_changes_nothing_the_second_time(workbook_set, tree, cast):
    data = as_file(filled_template(workbook_set, tree)).getvalue()
    assert services.import_workbook(io.BytesIO(data), cast.staff).ok
    assessment = Assessment.objects.get(commune=tree.a)
    counts, revision = row_counts(), assessment.revision
    again = services.import_workbook(io.BytesIO(data), cast.staff)
    assert again.ok
    assert again.counts["unchanged"] == 1 and again.counts["results_changed"] == 0
    assert row_counts() == counts
    assessment.refresh_from_db()
    assert assessment.revision == revision


def test_an_existing_draft_is_updated_and_empty_cells_keep_what_is_stored(workbook_set, tree, cast):
    draft = make_draft(cast, workbook_set, tree.a, answers=SAME_ANSWERS, as_of=D)
    wb = filled_template(
        workbook_set, tree, answers={"1.2": ("Đạt", "Đã có biên bản"), "2.1": (75, "Báo cáo giao thông")}
    )
    outcome = services.import_workbook(as_file(wb), cast.staff)
    assert outcome.ok, problems(outcome)
    assert [(a["action"], a["changed"]) for a in outcome.actions] == [("updated", ["1.2"])]
    draft.refresh_from_db()
    assert draft.criteria_met == 3
    results = {r.indicator.code: r for r in draft.results.all()}
    assert (results["1.2"].met, results["1.2"].note) == (True, "Đã có biên bản")
    assert results["1.1"].note == "Quyết định 12/QĐ-UBND" and results["3"].value == Decimal("61.5")


def test_a_returned_assessment_can_be_corrected_by_import(workbook_set, tree, cast):
    returned = make_submitted(cast, workbook_set, tree.a, answers=SAME_ANSWERS)
    assessment_services.assessment_return(assessment=returned, by=cast.reviewer, reason="Thiếu biên bản.")
    outcome = services.import_workbook(
        as_file(filled_template(workbook_set, tree, answers={"1.2": ("Đạt", None)})), cast.staff
    )
    assert outcome.ok, problems(outcome)
    returned.refresh_from_db()
    assert returned.status == Status.RETURNED and returned.criteria_met == 3


def test_as_of_replaces_the_date_written_in_the_sheets(workbook_set, tree, cast):
    other = datetime.date(2024, 12, 31)
    assert services.import_workbook(as_file(filled_template(workbook_set, tree)), cast.staff, as_of=other).ok
    assert list(Assessment.objects.values_list("as_of", flat=True)) == [other]


def test_a_date_typed_as_text_is_read_day_first(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    sheet_of(wb, tree.a)["B3"] = "05/03/2024"
    assert services.import_workbook(as_file(wb), cast.staff).ok
    assert Assessment.objects.get().as_of == datetime.date(2024, 3, 5)


def test_progress_is_reported_up_to_the_total(workbook_set, tree, cast):
    calls = []
    services.import_workbook(
        as_file(filled_template(workbook_set, tree, unit=tree.h)),
        cast.staff,
        progress=lambda done, total, message: calls.append((done, total, message)),
    )
    assert calls[-1][:2] == (4, 4)
    assert [done for done, _total, _message in calls] == sorted(done for done, _total, _message in calls)
    assert all(message for *_counts, message in calls)


# Dry run


def test_a_dry_run_writes_nothing_but_says_what_it_would_do(workbook_set, tree, cast):
    before, records = row_counts(), ImportRecord.objects.count()
    outcome = services.import_workbook(as_file(filled_template(workbook_set, tree)), cast.staff, dry_run=True)
    assert outcome.ok and outcome.dry_run
    assert [(a["sheet"], a["action"], a["changed"]) for a in outcome.actions] == [
        ("18436 Xã A", "created", ["1.1", "1.2", "2.1", "2.2", "3"]),
    ]
    assert outcome.counts["created"] == 1
    assert row_counts() == before and ImportRecord.objects.count() == records
    assert not CriteriaSet.objects.get(pk=workbook_set.pk).in_use


def test_a_dry_run_reports_problems_too(workbook_set, tree, cast):
    outcome = services.import_workbook(
        as_file(filled_template(workbook_set, tree, answers={"2.1": (120, None)})), cast.staff, dry_run=True
    )
    assert not outcome.ok and outcome.actions == []
    assert problems(outcome)[0][:2] == (
        "18436 Xã A",
        f"E{row_of(sheet_of(filled_template(workbook_set, tree), tree.a), '2.1')}",
    )


# Refusals: every problem with its sheet and cell, and nothing written


CELL_ERRORS = [
    ("2.1", "abc", "“abc” không phải là số."),
    ("2.1", 150, "Tỷ lệ phần trăm phải từ 0 đến 100, không phải 150."),
    ("2.1", -5, "Tỷ lệ phần trăm phải từ 0 đến 100, không phải -5."),
    ("3", -1, "Giá trị phải là số không âm, không phải -1."),
    ("3", "nhiều", "“nhiều” không phải là số."),
    ("1.1", "Có", "Ô này chỉ nhận “Đạt” hoặc “Chưa đạt”, không nhận “Có”."),
    ("1.1", 1, "Ô này chỉ nhận “Đạt” hoặc “Chưa đạt”, không nhận “1”."),
]


@pytest.mark.parametrize("code, value, message", CELL_ERRORS)
def test_a_bad_value_is_refused_with_its_cell(workbook_set, tree, cast, code, value, message):
    wb = filled_template(workbook_set, tree, answers={**FILLED, code: (value, None)})
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [("18436 Xã A", f"E{row_of(sheet_of(wb, tree.a), code)}", message)]


def test_an_unknown_indicator_code_is_refused_with_its_cell(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    ws = sheet_of(wb, tree.a)
    row = row_of(ws, "2.2")
    ws[f"A{row}"] = "2.9"
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [("18436 Xã A", f"A{row}", "Không có chỉ tiêu mã “2.9” trong bộ tiêu chí.")]


def test_an_unknown_commune_code_is_refused_with_its_cell(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    sheet_of(wb, tree.a)["D2"] = "99999"
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [("18436 Xã A", "D2", "Không có xã mã “99999”.")]


def test_a_commune_outside_the_uploaders_scope_is_refused(workbook_set, tree, cast):
    wb = services.template_for(workbook_set, tree.h, D)
    fill(sheet_of(wb, tree.a), FILLED)
    fill(sheet_of(wb, tree.b), FILLED)
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [
        ("18439 Xã B", "D2", "Bạn không có quyền nhập đánh giá của Xã B (mã 18439)."),
    ]
    assert not Assessment.objects.filter(commune=tree.a).exists()  # the good sheet is not written either


@pytest.mark.parametrize("who", ["reviewer", "viewer", "outsider", "officer"])
def test_only_commune_staff_may_import(workbook_set, tree, cast, who):
    outcome = refused(as_file(filled_template(workbook_set, tree)), getattr(cast, who))
    assert [p[1] for p in problems(outcome)] == ["D2"]


def test_an_approved_assessment_is_refused(workbook_set, tree, cast):
    make_approved(cast, workbook_set, tree.a, answers=SAME_ANSWERS)
    outcome = refused(as_file(filled_template(workbook_set, tree, answers={"1.2": ("Đạt", None)})), cast.staff)
    assert problems(outcome) == [
        ("18436 Xã A", "B3", "Đánh giá của Xã A ngày 30/06/2024 đã được duyệt nên không sửa được."),
    ]


def test_a_submitted_assessment_is_refused(workbook_set, tree, cast):
    make_submitted(cast, workbook_set, tree.a, answers=SAME_ANSWERS)
    outcome = refused(as_file(filled_template(workbook_set, tree, answers={"1.2": ("Đạt", None)})), cast.staff)
    assert problems(outcome) == [
        ("18436 Xã A", "B3", "Đánh giá của Xã A ngày 30/06/2024 đã gửi đi thẩm định nên không sửa được."),
    ]


def test_a_missing_or_impossible_date_is_refused(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    sheet_of(wb, tree.a)["B3"] = None
    assert problems(refused(as_file(wb), cast.staff)) == [("18436 Xã A", "B3", "Chưa nhập ngày đánh giá.")]
    sheet_of(wb, tree.a)["B3"] = "31/02/2024"
    assert problems(refused(as_file(wb), cast.staff))[0][1:] == (
        "B3",
        "“31/02/2024” không phải là ngày hợp lệ (ngày/tháng/năm).",
    )
    sheet_of(wb, tree.a)["B3"] = datetime.date(2025, 8, 1)  # xã A was merged away on 1 July 2025
    assert problems(refused(as_file(wb), cast.staff))[0][1] == "B3"


def test_every_problem_of_the_file_is_listed_at_once(workbook_set, tree, cast):
    wb = services.template_for(workbook_set, tree.h, D)
    fill(sheet_of(wb, tree.a), {**FILLED, "1.1": ("x", None), "2.1": ("80%%", None), "3": (-2, None)})
    fill(sheet_of(wb, tree.b), FILLED)
    outcome = refused(as_file(wb), cast.staff)
    a = sheet_of(wb, tree.a)
    assert [(p[0], p[1]) for p in problems(outcome)] == [
        ("18436 Xã A", f"E{row_of(a, '1.1')}"),
        ("18436 Xã A", f"E{row_of(a, '2.1')}"),
        ("18436 Xã A", f"E{row_of(a, '3')}"),
        ("18439 Xã B", "D2"),
    ]


def test_a_file_that_is_not_a_workbook_is_refused(cast, tree):
    outcome = refused(io.BytesIO(b"%PDF-1.7 not a workbook"), cast.staff, file_name="bao-cao.pdf")
    assert problems(outcome) == [("", "", "Tệp không phải là sổ tính Excel (.xlsx) đọc được.")]
    assert outcome.record.file_name == "bao-cao.pdf"


def test_a_workbook_not_made_from_the_template_is_refused(cast, tree):
    wb = Workbook()
    wb.active["A1"] = "Mã chỉ tiêu"
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [("", "", "Sổ tính không theo mẫu nhập đánh giá; hãy tải mẫu từ hệ thống.")]


def test_a_file_over_the_size_limit_is_refused(workbook_set, tree, cast, settings):
    data = as_file(filled_template(workbook_set, tree)).getvalue()
    settings.NTM_IMPORT_MAX_BYTES = len(data) - 1
    outcome = refused(io.BytesIO(data), cast.staff)
    assert problems(outcome)[0][2].startswith("Tệp quá lớn")
    assert outcome.record.size == len(data)


def test_a_workbook_with_too_many_rows_is_refused(workbook_set, tree, cast, settings):
    settings.NTM_IMPORT_MAX_ROWS = 20
    wb = filled_template(workbook_set, tree)
    wb.create_sheet("Ghi chép")["A30"] = "x"
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome)[0][2].startswith("Sổ tính có quá nhiều dòng")


def test_the_same_commune_twice_in_one_file_is_refused(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree)
    copy = wb.copy_worksheet(sheet_of(wb, tree.a))
    copy.title = "Bản sao"
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [
        ("Bản sao", "D2", "Đánh giá của Xã A ngày 30/06/2024 đã có ở trang “18436 Xã A”."),
    ]


# Commands


def test_export_template_command_writes_the_workbook(workbook_set, tree, tmp_path):
    out = io.StringIO()
    path = tmp_path / "mau.xlsx"
    call_command(
        "export_template",
        "--set",
        workbook_set.code,
        "--unit",
        "pre2025/443",
        "--as-of",
        "2024-06-30",
        "-o",
        str(path),
        stdout=out,
    )
    assert "2 commune sheet(s)" in out.getvalue()
    wb = load_workbook(path)
    assert wb.sheetnames[1:] == ["18436 Xã A", "18439 Xã B"]
    assert wb["18436 Xã A"]["B3"].value.date() == D


def test_export_template_command_names_what_it_cannot_find(workbook_set, tree, tmp_path):
    with pytest.raises(CommandError, match="No unit"):
        call_command(
            "export_template", "--set", workbook_set.code, "--unit", "2025/443", "-o", str(tmp_path / "x.xlsx")
        )
    with pytest.raises(CommandError, match="No criteria set"):
        call_command("export_template", "--set", "nope", "--unit", "pre2025/443", "-o", str(tmp_path / "x.xlsx"))


def test_import_command_imports_and_dry_run_does_not(workbook_set, tree, cast, tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    filled_template(workbook_set, tree).save(path)
    out = io.StringIO()
    call_command("import_assessments", str(path), "--user", cast.staff.username, "--dry-run", stdout=out)
    assert "Dry run, nothing written" in out.getvalue() and not Assessment.objects.exists()
    call_command("import_assessments", str(path), "--user", cast.staff.username, stdout=out)
    assert "created=1" in out.getvalue()
    assert Assessment.objects.get().history.first().history_change_reason == "Nhập từ tệp ket-qua.xlsx"


def test_import_command_lists_the_problems_and_fails(workbook_set, tree, cast, tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    filled_template(workbook_set, tree, answers={"2.1": (150, None)}).save(path)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing written"):
        call_command("import_assessments", str(path), "--user", cast.staff.username, stderr=err)
    assert "18436 Xã A!E" in err.getvalue() and "từ 0 đến 100" in err.getvalue()
    assert not Assessment.objects.exists()
    assert ImportRecord.objects.get().outcome == "failed"


def test_import_command_with_as_of(workbook_set, tree, cast, tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    filled_template(workbook_set, tree).save(path)
    call_command(
        "import_assessments", str(path), "--user", cast.staff.username, "--as-of", "2024-09-30", stdout=io.StringIO()
    )
    assert Assessment.objects.get().as_of == datetime.date(2024, 9, 30)


def test_a_commune_staff_of_the_district_may_import_several_communes(workbook_set, tree):
    district_staff = factories.make_user("canbo.huyen", unit=tree.h, role=Role.COMMUNE_STAFF)
    wb = services.template_for(workbook_set, tree.h, D)
    fill(sheet_of(wb, tree.a), FILLED)
    fill(sheet_of(wb, tree.b), FILLED)
    outcome = services.import_workbook(as_file(wb), district_staff)
    assert outcome.ok, problems(outcome)
    met = dict(Assessment.objects.values_list("commune__code", "indicators_met"))
    # Xã B needs ≥90% on 2.1 (Red River delta) but has 75%; its group target for 3 is ≥45.
    assert met == {"18436": 4, "18439": 3}


def test_a_refusal_while_writing_undoes_the_sheets_already_written(workbook_set, tree, monkeypatch):
    district_staff = factories.make_user("canbo.huyen", unit=tree.h, role=Role.COMMUNE_STAFF)
    wb = services.template_for(workbook_set, tree.h, D)
    fill(sheet_of(wb, tree.a), FILLED)
    fill(sheet_of(wb, tree.b), FILLED)
    create = assessment_services.assessment_create

    def refuse_b(**kw):
        if kw["commune"] == tree.b:
            raise ValidationError("Không tạo được.")
        return create(**kw)

    monkeypatch.setattr(assessment_services, "assessment_create", refuse_b)
    outcome = refused(as_file(wb), district_staff)
    assert problems(outcome) == [("18439 Xã B", "B3", "Không tạo được.")]
    assert outcome.counts["created"] == 0
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "typed, stored",
    [(75, "75"), (75.25, "75.25"), ("75", "75"), ("75%", "75"), ("75,5", "75.5"), (" 80 ", "80"), (66.6666, "66.667")],
)
def test_numbers_are_read_as_officers_type_them(workbook_set, tree, cast, typed, stored):
    assert services.import_workbook(
        as_file(filled_template(workbook_set, tree, answers={"2.1": (typed, None)})), cast.staff
    ).ok
    assert IndicatorResult.objects.get(indicator__code="2.1").value == Decimal(stored)
