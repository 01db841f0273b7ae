"""Workbook imports within bounds: a file is read in one streaming pass and refused at the first limit
breached (size unzipped, rows, columns, cells), so that no upload ties up a worker. The bombs are built
from a real template with filler written straight into the sheet's XML."""

import gc
import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from assessments.models import Assessment
from criteria import workbook as criteria_io
from ntm.lib import sheets as xlsx
from tests.helpers import as_file, criteria_as_file, filled_template, refused, set_field, workbook_of
from workbooks.models import ImportRecord
from workbooks.services import import_workbook

pytestmark = pytest.mark.django_db

# The target for any file within the limits: refused or imported in under 5 s and 100 MB, measured in
# the test process: the CPU time the process spent (the worker's cost, whatever else the shared machine
# runs), a generous wall clock, and the peak of Python's allocations (tracemalloc).
MAX_SECONDS = 5
MAX_WALL_SECONDS = 20
MAX_MEGABYTES = 100


def rebuild(data: bytes, part: str, filler, *, before: bytes = b"</sheetData>", level: int = 6) -> bytes:
    """The workbook `data` with the chunks of `filler` written into `part` just before `before`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != part:
                target.writestr(info.filename, content)
                continue
            head, _sep, tail = content.partition(before)
            with target.open(part, "w", force_zip64=True) as stream:
                stream.write(head)
                for chunk in filler:
                    stream.write(chunk)
                stream.write(before + tail)
    return out.getvalue()


def commune_part(data: bytes) -> str:
    # Sheet 1 is the guide; the commune sheets follow in order (the template of xã A has one).
    assert "xl/worksheets/sheet3.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    return "xl/worksheets/sheet2.xml"


def filler_rows(first_row: int, rows: int, columns: range, value: bytes = b"1"):
    """Rows of numeric cells, written 500 rows at a time."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c).encode() for c in columns]
    batch = []
    for row in range(first_row, first_row + rows):
        r = str(row).encode()
        batch.append(
            b'<row r="'
            + r
            + b'">'
            + b"".join(b'<c r="' + letter + r + b'"><v>' + value + b"</v></c>" for letter in letters)
            + b"</row>"
        )
        if len(batch) == 500:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)


def measured(run):
    """(result, CPU seconds, peak MB): the time of a plain run, the memory of a second, traced, run.
    The wall clock of the plain run is checked here, generously."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = run()
    seconds, wall = time.process_time() - cpu, time.perf_counter() - start
    assert wall < MAX_WALL_SECONDS, wall
    gc.collect()
    tracemalloc.start()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1] / 1048576
    finally:
        tracemalloc.stop()
    return result, seconds, peak


@pytest.fixture
def template_bytes(workbook_set, tree):
    return as_file(filled_template(workbook_set, tree)).getvalue()


def import_bytes(data: bytes, user):
    return import_workbook(io.BytesIO(data), user, file_name="bom.xlsx")


def assert_refused_in_bounds(data: bytes, user, message: str):
    outcome, seconds, peak = measured(lambda: import_bytes(data, user))
    assert not outcome.ok and [p.message for p in outcome.errors] == [message]
    assert seconds < MAX_SECONDS and peak < MAX_MEGABYTES, (seconds, peak)
    assert Assessment.objects.count() == 0
    return outcome


def test_the_issues_bomb_many_filler_cells_under_the_row_limit_is_refused_at_once(template_bytes, cast, settings):
    # 2.3 M filler cells in 19,000 rows of 121 columns: 74 MB of XML in a file of a few MB.
    settings.NTM_IMPORT_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # so that the reading itself is what stops it
    data = rebuild(template_bytes, commune_part(template_bytes), filler_rows(100, 19_000, range(9, 130)))
    assert len(data) < settings.NTM_IMPORT_MAX_BYTES
    assert_refused_in_bounds(data, cast.staff, "Trang “18436 Xã A” có dữ liệu ở ô AY100; tối đa 50 cột (đến cột AX).")


def test_filler_cells_within_the_columns_are_refused_at_the_cell_limit(template_bytes, cast, settings):
    # 42 columns × 6,000 rows: 252,000 cells, in the columns allowed and under the row limit.
    data = rebuild(template_bytes, commune_part(template_bytes), filler_rows(100, 6_000, range(9, 51)))
    outcome = assert_refused_in_bounds(
        data,
        cast.staff,
        "Sổ tính có quá nhiều ô (hơn 200.000); hãy xoá các ô, dòng, cột thừa hoặc chia thành nhiều tệp.",
    )
    assert ImportRecord.objects.filter(outcome=ImportRecord.Outcome.FAILED).count() == 2  # both runs recorded
    assert outcome.record.errors == [{"sheet": "", "cell": "", "message": outcome.errors[0].message}]


def test_a_highly_compressible_huge_sheet_is_refused_from_the_zip_directory(template_bytes, cast):
    # 300 MB of blank rows compress to under a MB: refused on the declared sizes, before any parsing.
    blank = b"<row/>" * 100_000
    data = rebuild(template_bytes, commune_part(template_bytes), (blank for _ in range(500)), level=9)
    assert len(data) < 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = sum(info.file_size for info in archive.infolist()) / 1048576
    assert inflated > 286
    shown = f"{inflated:.1f}".replace(".", ",")
    assert_refused_in_bounds(
        data, cast.staff, f"Tệp quá lớn khi giải nén ({shown} MB); tối đa 30,0 MB. Hãy xoá các trang, dòng, cột thừa."
    )


def test_padding_elements_within_the_unzipped_size_are_refused(template_bytes, cast):
    # 29 MB of empty elements (7 M of them, no cell at all): refused when they outnumber what the cells need.
    padding = b"<x/>" * 250_000
    data = rebuild(template_bytes, commune_part(template_bytes), (padding for _ in range(29)), level=9)
    assert_refused_in_bounds(
        data,
        cast.staff,
        "Sổ tính có quá nhiều ô (hơn 200.000); hãy xoá các ô, dòng, cột thừa hoặc chia thành nhiều tệp.",
    )


def test_rows_beyond_the_limit_are_refused_at_the_first_one(template_bytes, cast, settings):
    settings.NTM_IMPORT_MAX_ROWS = 1000
    data = rebuild(template_bytes, commune_part(template_bytes), filler_rows(100, 2000, range(9, 10)))
    assert_refused_in_bounds(
        data,
        cast.staff,
        "Sổ tính có quá nhiều dòng (trang “18436 Xã A” đã đến dòng 993); tối đa 1.000 dòng cho cả tệp.",
    )  # the guide has 8


def test_a_cell_far_down_the_sheet_is_refused_as_too_many_rows(template_bytes, cast):
    far = b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>'
    outcome = refused(io.BytesIO(rebuild(template_bytes, commune_part(template_bytes), [far])), cast.staff)
    assert outcome.errors[0].message == (
        "Sổ tính có quá nhiều dòng (trang “18436 Xã A” đã đến dòng 1000000); tối đa 20.000 dòng cho cả tệp."
    )


def test_a_file_just_within_every_limit_is_read_whole_in_bounds(template_bytes, cast):
    # 19,000 rows of 10 cells (190,000 in all), each row with a result but no indicator code: read to
    # the end, every row checked, and refused with one problem per row.
    data = rebuild(template_bytes, commune_part(template_bytes), filler_rows(100, 19_000, range(5, 15)))
    outcome, seconds, peak = measured(lambda: import_bytes(data, cast.staff))
    assert len(outcome.errors) == 19_000
    assert outcome.errors[0].as_dict() == {
        "sheet": "18436 Xã A",
        "cell": "A100",
        "message": "Dòng có kết quả nhưng không có mã chỉ tiêu.",
    }
    assert seconds < MAX_SECONDS and peak < MAX_MEGABYTES, (seconds, peak)


def test_the_same_limits_apply_to_the_criteria_set_import(settings, workbook_set):
    data = criteria_io.criteria_set_export(workbook_set)
    data = rebuild(data, "xl/worksheets/sheet3.xml", filler_rows(100, 8_000, range(20, 51)))  # 248,000 cells
    result, seconds, peak = measured(lambda: criteria_io.criteria_set_import(io.BytesIO(data)))
    assert not result.ok and [p.message for p in result.errors] == [
        "Sổ tính có quá nhiều ô (hơn 200.000); hãy xoá các ô, dòng, cột thừa hoặc chia thành nhiều tệp."
    ]
    assert seconds < MAX_SECONDS and peak < MAX_MEGABYTES, (seconds, peak)


CELLS_REFUSED = "Sổ tính có quá nhiều ô (hơn 50); hãy xoá các ô, dòng, cột thừa hoặc chia thành nhiều tệp."


@pytest.fixture
def criteria_file(tmp_path, workbook_set):
    """The set's export under a new code, so that an import within the limits would create a draft."""
    wb = workbook_of(workbook_set)
    set_field(wb, "code", "bo-moi")
    path = tmp_path / "bo-moi.xlsx"
    path.write_bytes(criteria_as_file(wb).getvalue())
    return path


def test_the_criteria_set_command_obeys_the_cell_limit(criteria_file, settings):
    from django.core.management import CommandError, call_command

    from criteria.models import CriteriaSet

    settings.NTM_IMPORT_MAX_CELLS = 50
    err = io.StringIO()
    with pytest.raises(CommandError, match="Import refused"):
        call_command("import_criteria_set", str(criteria_file), stderr=err)
    assert CELLS_REFUSED in err.getvalue() and not CriteriaSet.objects.filter(code="bo-moi").exists()
    settings.NTM_IMPORT_MAX_CELLS = 200_000
    call_command("import_criteria_set", str(criteria_file), stdout=io.StringIO())
    assert CriteriaSet.objects.filter(code="bo-moi").exists()


@pytest.mark.parametrize(
    "limit, message",
    [
        ("NTM_IMPORT_MAX_CELLS", CELLS_REFUSED),
        ("NTM_IMPORT_MAX_BYTES", "Tệp quá lớn ("),
        ("NTM_IMPORT_MAX_UNZIPPED_BYTES", "Tệp quá lớn khi giải nén ("),
    ],
)
def test_the_criteria_set_admin_page_obeys_the_limits(client, criteria_file, settings, limit, message):
    from django.urls import reverse

    from criteria.models import CriteriaSet
    from tests import factories

    setattr(settings, limit, 50)
    client.force_login(factories.make_user("quantri", is_superuser=True, is_staff=True))
    with criteria_file.open("rb") as upload:
        page = client.post(reverse("admin:criteria_criteriaset_import_excel"), {"file": upload})
    assert page.status_code == 200 and message in page.content.decode()
    assert not CriteriaSet.objects.filter(code="bo-moi").exists()


def test_the_refusals_read_in_english_too(template_bytes, settings):
    from django.utils import translation

    settings.NTM_IMPORT_MAX_CELLS = 50
    with translation.override("en"), pytest.raises(xlsx.Refused) as refusal:
        xlsx.read_workbook(template_bytes)
    assert str(refusal.value) == (
        "The workbook has too many cells (over 50); delete the unused cells, rows and "
        "columns or split it into several files."
    )


# The streaming reader gives what openpyxl's own reader gives, on the parts openpyxl never writes
# (shared strings, rich text, phonetic readings, cells without a coordinate, shared formulas)

SHARED_STRINGS = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">'
    "<si><t>Xã A</t></si>"
    '<si><r><t>Đạt</t></r><r><rPr><b/></rPr><t xml:space="preserve"> chuẩn</t></r></si>'
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si></sst>'
)
SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    '<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="str"><v>văn bản</v></c>'
    '<c r="C2" t="inlineStr"><is><t>nội tuyến</t></is></c></row>'
    '<row r="3"><c r="A3" s="{date_style}"><v>45473</v></c><c r="B3"><v>75.5</v></c><c r="C3"><v>12</v></c></row>'
    '<row r="4"><c r="A4"><f t="shared" si="0" ref="A4:A5">B3*2</f><v>151</v></c><c r="B4"><f>SUM(B3:C3)</f></c>'
    '<c r="C4" s="1"/></row>'
    '<row r="5"><c r="A5"><f t="shared" si="0"/><v>1</v></c><c><v>7</v></c><c t="s"><v>0</v></c></row>'
    '<row><c r="A6" t="e"><v>#N/A</v></c></row>'
    '</sheetData><mergeCells count="1"><mergeCell ref="A7:B8"/></mergeCells></worksheet>'
)


def crafted_workbook(sheet_xml: str = SHEET) -> bytes:
    import datetime
    import re

    wb = Workbook()
    wb.active["A1"] = datetime.date(2024, 6, 30)
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        date_style = re.search(rb'<c r="A1" s="(\d+)"', source.read("xl/worksheets/sheet1.xml")).group(1).decode()
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace("{date_style}", date_style).encode()
    parts["xl/sharedStrings.xml"] = SHARED_STRINGS.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.sharedStrings+xml"/></Types>'
        ),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def test_the_streaming_reader_reads_cells_as_openpyxl_does():
    from openpyxl import load_workbook

    data = crafted_workbook()
    full = load_workbook(io.BytesIO(data)).active
    expected = {
        (c.row, c.column): (c.value, c.data_type) for row in full.iter_rows() for c in row if c.value is not None
    }
    ws = xlsx.read_workbook(data).worksheets[0]
    assert {key: (c.value, c.data_type) for key, c in ws.cells.items()} == expected
    assert expected[(1, 2)] == ("Đạt chuẩn", "s") and expected[(1, 3)] == ("東京", "s")
    assert expected[(5, 1)] == ("=B4*2", "f") and expected[(5, 2)] == (7, "n") and expected[(6, 1)][1] == "e"
    assert ws["A3"].value.date().isoformat() == "2024-06-30"
    assert [r.coord for r in ws.merged_cells.ranges] == [r.coord for r in full.merged_cells.ranges] == ["A7:B8"]
    assert (ws.max_row, ws.max_column) == (6, 3)


def test_a_part_that_declares_a_dtd_is_not_read():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        + SHEET.replace("văn bản", "&lol2;")
    )
    with pytest.raises(xlsx.Refused, match="không phải là sổ tính Excel"):
        xlsx.read_workbook(crafted_workbook(laughs))


def test_a_flood_of_merged_ranges_is_refused(template_bytes, cast):
    merges = b"".join(b'<mergeCell ref="I%d:J%d"/>' % (row, row) for row in range(100, 5200))
    data = rebuild(template_bytes, commune_part(template_bytes), [merges], before=b"</mergeCells>")
    assert_refused_in_bounds(data, cast.staff, "Sổ tính có quá nhiều vùng ô gộp (hơn 5.000); hãy bỏ gộp ô.")
