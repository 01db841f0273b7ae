"""Criteria sets as workbooks: export, import as a new draft or as a draft's update, all or nothing."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Region
from criteria import workbook as io_
from criteria.models import CriteriaSet, Indicator, IndicatorTarget, SetStatus
from tests import factories
from tests.helpers import (
    QD318,
    QD1980,
    criteria_as_file,
    criteria_refused,
    load_criteria,
    problems,
    set_field,
    snapshot,
    workbook_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundled(db):
    load_criteria(QD318, QD1980)
    return CriteriaSet.objects.get(code__startswith="qd1980")  # income targets for each of the seven regions


def test_a_bundled_set_comes_back_the_same_as_a_new_draft(bundled):
    assert IndicatorTarget.objects.filter(indicator__criteria_set=bundled).exists()
    wb = workbook_of(bundled)
    set_field(wb, "code", "qd318-ban-go-lai")
    result = io_.criteria_set_import(criteria_as_file(wb))
    assert result.ok, problems(result)
    copy = result.criteria_set
    assert (copy.code, copy.status) == ("qd318-ban-go-lai", SetStatus.DRAFT)
    assert snapshot(copy) == snapshot(bundled)
    assert result.counts["indicators"] == Indicator.objects.filter(criteria_set=bundled).count()


def test_a_province_set_keeps_its_province_and_origin(tree):
    source = factories.make_set(code="goc")
    cs = factories.make_set(code="tinh-p", province=tree.p, derived_from=source)
    factories.make_numeric(cs, "2.1", value="70.125", variants=[{"region": Region.DBSH, "year": 2024, "value": 90}])
    wb = workbook_of(cs)
    set_field(wb, "code", "tinh-p-2")
    copy = io_.criteria_set_import(criteria_as_file(wb)).criteria_set
    assert (copy.province, copy.derived_from) == (tree.p, source)
    assert snapshot(copy) == snapshot(cs)


def test_a_draft_is_updated_from_its_edited_workbook(db):
    draft = factories.make_set(status=SetStatus.DRAFT, code="nhap")
    wb = workbook_of(draft)
    ws = wb[io_.INDICATORS_SHEET]
    ws.cell(io_.FIRST_ROW, 4, "Có quy hoạch chung xây dựng xã được phê duyệt")
    ws.append([3, "3.2", 1, "Thu nhập bình quân đầu người", "numeric", ">=", 60, None, "triệu đồng"])
    result = io_.criteria_set_import(criteria_as_file(wb), update=draft)
    assert result.ok, problems(result)
    assert result.criteria_set.pk == draft.pk and draft.indicators.count() == 6
    assert draft.indicators.get(code="1.1").name == "Có quy hoạch chung xây dựng xã được phê duyệt"
    income = draft.indicators.get(code="3.2")
    assert (income.kind, income.operator, str(income.target_value)) == ("numeric", ">=", "60.000")


@pytest.mark.parametrize("status", [SetStatus.PUBLISHED, SetStatus.ARCHIVED])
def test_a_published_or_archived_set_is_never_updated(db, status):
    cs = factories.make_set(status=status, code="da-cong-bo")
    result = criteria_refused(criteria_as_file(workbook_of(cs)), update=cs)
    assert "Chỉ cập nhật được bộ tiêu chí nháp" in problems(result)[0][2]


def test_an_existing_code_is_refused_for_a_new_set(db):
    cs = factories.make_set(code="trung-ma")
    result = criteria_refused(criteria_as_file(workbook_of(cs)))
    assert problems(result) == [
        ("Bộ tiêu chí", "C3", "Đã có bộ tiêu chí mã “trung-ma”; hãy đặt mã mới, hoặc cập nhật bộ nháp đó.")
    ]


def test_every_bad_cell_is_listed_and_nothing_is_written(db):
    cs = factories.make_set(code="goc-loi")
    factories.make_numeric(cs, "2.1", value="70")
    wb = workbook_of(cs)
    set_field(wb, "code", "Mã Có Dấu")
    level_cell = set_field(wb, "level", "xa-ntm")
    ws = wb[io_.INDICATORS_SHEET]
    rows = {ws.cell(r, 2).value: r for r in range(io_.FIRST_ROW, ws.max_row + 1)}
    ws.cell(rows["1.2"], 1, 9)  # criterion 9 does not exist
    ws.cell(rows["1.2"], 5, "yes/no")
    ws.cell(rows["2.1"], 7).value = None  # numeric with an operator but no threshold
    ws.cell(rows["2.2"], 2, "1.1")  # a second 1.1
    ws.cell(rows["3"], 7, "=60+1")
    wb[io_.TARGETS_SHEET].append(["7.7", "XYZ", "", 0, ">=", 1])
    result = criteria_refused(criteria_as_file(wb))
    assert problems(result) == [
        ("Bộ tiêu chí", "C3", "Mã “Mã Có Dấu” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang."),
        (
            "Bộ tiêu chí",
            level_cell,
            "“xa-ntm” không hợp lệ; chọn một trong: ntm, ntm_nang_cao, ntm_kieu_mau, ntm_hien_dai, other.",
        ),
        ("Chỉ tiêu", f"A{rows['1.2']}", "Không có tiêu chí số 9."),
        ("Chỉ tiêu", f"E{rows['1.2']}", "“yes/no” không hợp lệ; chọn một trong: boolean, numeric."),
        ("Chỉ tiêu", f"F{rows['2.1']}", "Chỉ tiêu dạng số cần có cả phép so sánh và ngưỡng, hoặc để trống cả hai."),
        ("Chỉ tiêu", f"A{rows['2.2']}", f"Trùng với dòng {rows['1.1']}."),
        ("Chỉ tiêu", f"G{rows['3']}", "Ô chứa công thức; hãy nhập giá trị."),
        ("Chỉ tiêu theo vùng-nhóm-năm", "A3", "Không có chỉ tiêu mã 7.7."),
        (
            "Chỉ tiêu theo vùng-nhóm-năm",
            "B3",
            "“XYZ” không hợp lệ; chọn một trong: " + ", ".join(v for v in Region.values if v) + ".",
        ),
    ]


def test_a_file_that_is_not_a_criteria_workbook_is_refused(db):
    assert problems(criteria_refused(io.BytesIO(b"not a workbook"))) == [
        ("", "", "Tệp không phải là sổ tính Excel (.xlsx) đọc được.")
    ]
    from openpyxl import Workbook

    assert "không theo mẫu bộ tiêu chí" in problems(criteria_refused(criteria_as_file(Workbook())))[0][2]


def test_the_commands_export_and_import(db, tmp_path):
    cs = factories.make_set(code="lenh")
    path = tmp_path / "lenh.xlsx"
    call_command("export_criteria_set", "lenh", "-o", str(path), stdout=io.StringIO())
    wb = load_workbook(path)
    set_field(wb, "code", "lenh-2")
    wb.save(path)
    out = io.StringIO()
    call_command("import_criteria_set", str(path), stdout=out)
    assert "Created draft set lenh-2: criteria=3, indicators=5, targets=0." in out.getvalue()
    assert snapshot(CriteriaSet.objects.get(code="lenh-2")) == snapshot(cs)
    with pytest.raises(CommandError, match="Import refused"):
        call_command("import_criteria_set", str(path), "--update", "lenh", stderr=io.StringIO())  # published
    with pytest.raises(CommandError, match="No criteria set"):
        call_command("export_criteria_set", "khong-co", "-o", str(path))


def test_the_admin_action_exports_one_set_or_a_zip(client, db):
    admin = factories.make_user("quantri", is_superuser=True, is_staff=True)
    a, b = factories.make_set(code="xuat-a"), factories.make_set(code="xuat-b")
    client.force_login(admin)
    url = reverse("admin:criteria_criteriaset_changelist")
    one = client.post(url, {"action": "export_excel", "_selected_action": [a.pk]})
    assert load_workbook(io.BytesIO(one.content))[io_.SET_SHEET]["C3"].value == "xuat-a"
    both = client.post(url, {"action": "export_excel", "_selected_action": [a.pk, b.pk]})
    assert sorted(zipfile.ZipFile(io.BytesIO(both.content)).namelist()) == [
        "bo-tieu-chi-xuat-a.xlsx",
        "bo-tieu-chi-xuat-b.xlsx",
    ]


def test_the_admin_import_page_creates_a_draft_or_lists_the_problems(client, db):
    admin = factories.make_user("quantri", is_superuser=True, is_staff=True)
    cs = factories.make_set(code="nhap-admin")
    client.force_login(admin)
    url = reverse("admin:criteria_criteriaset_import_excel")
    assert url in client.get(reverse("admin:criteria_criteriaset_changelist")).content.decode()
    bad = criteria_as_file(workbook_of(cs))
    bad.name = "bo.xlsx"
    page = client.post(url, {"file": bad}).content.decode()
    assert "Đã có bộ tiêu chí mã “nhap-admin”" in page and CriteriaSet.objects.count() == 1
    # The admin's one import page (admin/criteria/_workbook_import.html): errors by sheet and cell, one button.
    assert 'id="criteria-import-errors"' in page and 'name="template"' not in page
    wb = workbook_of(cs)
    set_field(wb, "code", "nhap-admin-2")
    good = criteria_as_file(wb)
    good.name = "bo.xlsx"
    response = client.post(url, {"file": good})
    copy = CriteriaSet.objects.get(code="nhap-admin-2")
    assert response.status_code == 302 and response["Location"].endswith(f"/{copy.pk}/change/")


def test_the_import_page_is_refused_to_a_user_without_the_add_permission(client, db):
    client.force_login(factories.make_user("nhanvien", is_staff=True))
    assert client.get(reverse("admin:criteria_criteriaset_import_excel")).status_code == 403
