"""Text in exported workbooks stays text: a name that begins with =, +, - or @ (e.g. =HYPERLINK(…)) is
never written as a live formula, in the assessment template, the criteria-set export or the dashboard
workbook. Every writer goes through ntm.lib.sheets; each is checked here on reload with openpyxl."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from communes.models import AdministrativeUnit
from criteria import workbook as criteria_io
from criteria.models import CriteriaSet, Criterion, Indicator
from ntm.lib import sheets
from tests import factories
from tests.factories import D
from tests.helpers import (
    as_file,
    criteria_as_file,
    dashboard_url,
    filled_template,
    get_as,
    row_of,
    set_field,
    sheet_of,
    snapshot,
    workbook_of,
)
from workbooks import layout as L
from workbooks import services

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://ke-gian.example/x","Bấm vào đây")'
NAMES = {"=": LINK, "+": "+cmd|' /C calc'!A0", "-": "-2+3+cmd|' /C calc'!A0", "@": "@SUM(1+1)*cmd|' /C calc'!A0"}


def reload(data: bytes):
    return load_workbook(io.BytesIO(data))


def formula_cells(wb) -> list[str]:
    return [
        f"{ws.title}!{cell.coordinate}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def assert_text(cell, value: str) -> None:
    assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)


# The helper


@pytest.mark.parametrize("value", list(NAMES.values()))
def test_put_put_at_and_append_write_text_as_text(value):
    wb = Workbook()
    ws = wb.active
    sheets.put(ws, 1, 1, value)
    sheets.put_at(ws, "B1", value)
    assert sheets.append(ws, [value, 12, None, "Xã A"]) == 2
    buffer = io.BytesIO()
    wb.save(buffer)
    again = reload(buffer.getvalue()).active
    for coordinate in ("A1", "B1", "A2"):
        assert_text(again[coordinate], value)
    assert (again["B2"].value, again["B2"].data_type) == (12, "n")
    assert (again["D2"].value, again["D2"].quotePrefix) == ("Xã A", False)  # ordinary text is left alone


# The assessment template


def test_the_template_writes_names_that_look_like_formulas_as_text(workbook_set, tree, cast):
    Criterion.objects.filter(criteria_set=workbook_set, number=1).update(name=NAMES["+"])
    Indicator.objects.filter(criteria_set=workbook_set, code="1.1").update(name=LINK)
    Indicator.objects.filter(criteria_set=workbook_set, code="2.1").update(unit=NAMES["-"])
    CriteriaSet.objects.filter(pk=workbook_set.pk).update(name=NAMES["@"])
    AdministrativeUnit.objects.filter(pk=tree.a.pk).update(name=LINK)
    tree.a.refresh_from_db()
    buffer = io.BytesIO()
    services.template_for(CriteriaSet.objects.get(pk=workbook_set.pk), tree.a, D).save(buffer)
    wb = reload(buffer.getvalue())
    assert formula_cells(wb) == []
    ws = sheet_of(wb, tree.a)
    assert_text(ws[L.SET_NAME_CELL], NAMES["@"])
    assert_text(ws[L.COMMUNE_NAME_CELL], LINK)
    assert_text(ws[f"{L.NAME_COLUMN}{row_of(ws, '1.1')}"], LINK)
    assert_text(ws[f"{L.UNIT_COLUMN}{row_of(ws, '2.1')}"], NAMES["-"])
    assert ws[f"A{row_of(ws, '1.1') - 1}"].value == f"Tiêu chí 1. {NAMES['+']}"
    assert wb["Hướng dẫn"]["A2"].value == f"Bộ tiêu chí: {NAMES['@']} ({workbook_set.code})"


def test_a_template_with_such_names_is_still_imported(workbook_set, tree, cast):
    Indicator.objects.filter(criteria_set=workbook_set, code="1.1").update(name=LINK)
    outcome = services.import_workbook(as_file(filled_template(workbook_set, tree)), cast.staff)
    assert outcome.ok, outcome.errors


# The criteria-set export, and its import back


def test_the_criteria_set_export_writes_such_names_as_text_and_they_come_back_unchanged(db):
    workbook_set = factories.make_set(code="bo-cong-thuc", name=NAMES["@"])
    Criterion.objects.filter(criteria_set=workbook_set, number=1).update(name=NAMES["+"], note=NAMES["-"])
    Indicator.objects.filter(criteria_set=workbook_set, code="1.1").update(
        name=LINK, unit=NAMES["-"], target_text="=1+1"
    )
    factories.make_numeric(workbook_set, "2.1", value="70", unit=NAMES["@"])
    data = criteria_io.criteria_set_export(workbook_set)
    wb = reload(data)
    assert formula_cells(wb) == []
    indicators = wb[criteria_io.INDICATORS_SHEET]
    names = {
        indicators.cell(r, 2).value: indicators.cell(r, 4) for r in range(criteria_io.FIRST_ROW, indicators.max_row + 1)
    }
    assert_text(names["1.1"], LINK)
    assert_text(wb[criteria_io.CRITERIA_SHEET]["B3"], NAMES["+"])
    wb = workbook_of(workbook_set)
    set_field(wb, "code", "bo-cong-thuc-2")
    result = criteria_io.criteria_set_import(criteria_as_file(wb))
    assert result.ok, result.errors
    assert snapshot(result.criteria_set) == snapshot(workbook_set)
    assert result.criteria_set.name == NAMES["@"]
    assert Indicator.objects.get(criteria_set=result.criteria_set, code="1.1").name == LINK


# The dashboard workbook


def test_the_dashboard_workbook_writes_such_names_as_text(client, dashboard_world):
    AdministrativeUnit.objects.filter(name="Xã Đông").update(name=LINK)
    Criterion.objects.filter(number=1).update(name=LINK)
    AdministrativeUnit.objects.filter(name="Xã Yên").update(name=NAMES["-"])
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("xlsx", dashboard_world.t.h, sort="-criteria"))
    wb = reload(response.content)
    assert formula_cells(wb) == []
    table, heat = wb["Bảng theo dõi"], wb["Bản đồ nhiệt"]
    names = {row[1].value: row[1] for row in table.iter_rows(min_row=4)}
    assert_text(names[LINK], LINK)
    assert_text(names[NAMES["-"]], NAMES["-"])
    heat_names = {row[0].value: row[0] for row in heat.iter_rows(min_row=4)}
    assert_text(heat_names[LINK], LINK)
    assert heat["B3"].value == f"1. {LINK}" and heat["B3"].data_type == "s"
