"""The dashboard as an Excel workbook for the meeting: the table and the heatmap, one sheet each.

Headers are Vietnamese whatever the interface language (the file goes into official papers), the
header rows stay frozen while scrolling, and heatmap cells are coloured by conditional formatting so
that a committee secretary who edits a cell in Excel sees its colour follow.
"""

import io

from django.utils import translation
from django.utils.formats import date_format
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboards import figures
from ntm.lib import sheets

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MET_TEXT, UNMET_TEXT, NONE_TEXT = "Đạt", "Chưa đạt", "Chưa đánh giá"
STATUS_TEXT = {figures.MET: "Đạt chuẩn", figures.UNMET: "Chưa đạt", figures.NONE: "Chưa đánh giá"}
CELL_TEXT = {figures.MET: MET_TEXT, figures.UNMET: UNMET_TEXT, figures.NONE: ""}
GREEN, RED, GREY = "C6EFCE", "FFC7CE", "EDEDED"
HEADER_ROW = 3  # row 1: title, row 2: set and date, row 3: headers


def table_headers(shows_parent: bool, with_recognition: bool) -> list[str]:
    headers = ["STT", "Xã"]
    if shows_parent:
        headers.append("Đơn vị cấp trên")
    headers += [
        "Tiêu chí đạt",
        "Tổng số tiêu chí",
        "Chỉ tiêu đạt",
        "Tổng số chỉ tiêu",
        "Trạng thái",
        "Ngày đánh giá",
        "Đang chờ thẩm định",
        "Bị trả lại chưa gửi lại",
    ]
    if with_recognition:
        headers.append("Công nhận")
    headers.append("Ghi chú")  # the incomplete set's note next to the x/N ("bộ tiêu chí chưa đầy đủ: 56/57 chỉ tiêu")
    return headers


def _title(ws, board, title: str) -> None:
    # Every value through ntm.lib.sheets: a unit or criterion name such as "=HYPERLINK(…)" stays text.
    sheets.put_at(ws, "A1", f"{title} — {board.area.name}").font = Font(bold=True, size=13)
    sheets.put_at(
        ws,
        "A2",
        f"Bộ tiêu chí: {board.criteria_set.name if board.criteria_set else '—'} · "
        f"tính đến ngày {date_format(board.query['as_of'], 'd/m/Y')}",
    )


def _header(ws, headers: list[str], widths: list[int]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheets.put(ws, HEADER_ROW, col, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=GREY)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width


def _table_sheet(ws, board) -> None:
    ws.title = "Bảng theo dõi"
    _title(ws, board, "Bảng theo dõi xây dựng nông thôn mới")
    shows_parent, with_recognition = board.area.shows_parent, board.recognitions.installed
    headers = table_headers(shows_parent, with_recognition)
    widths = (
        [6, 28]
        + ([28] if shows_parent else [])
        + [11, 11, 11, 11, 15, 13, 12, 12]
        + ([30] if with_recognition else [])
        + [30]
    )
    _header(ws, headers, widths)
    for index, row in enumerate(board.rows, start=1):
        s = row.summary or {}
        values = [index, row.commune.name] + ([row.parent_name] if shows_parent else [])
        values += [
            s.get("criteria_met"),
            s.get("criteria_total"),
            s.get("indicators_met"),
            s.get("indicators_total"),
            _status_text(row),
            s.get("as_of"),
            row.pending.submitted if row.pending else 0,
            row.pending.returned if row.pending else 0,
        ]
        if with_recognition:
            values.append(_recognition_text(row))
        values.append(row.set_note)
        row_number = sheets.append(ws, values)
        date_cell = ws.cell(row=row_number, column=headers.index("Ngày đánh giá") + 1)
        date_cell.number_format = "DD/MM/YYYY"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def _status_text(row) -> str:
    if row.status == figures.MET and row.set_note:
        return "Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)"
    return STATUS_TEXT[row.status]


def _recognition_text(row) -> str:
    rec = row.recognition
    text = f"Đã công nhận {rec.get_level_display()} · QĐ {rec.decision_number}" if rec else ""
    return f"{text} — có nguy cơ rớt chuẩn" if row.at_risk else text


def _heatmap_sheet(ws, board, criteria) -> None:
    ws.title = "Bản đồ nhiệt"
    _title(ws, board, "Bản đồ nhiệt tiêu chí")
    headers = ["Xã"] + [f"{c.number}. {c.name}" for c in criteria]
    _header(ws, headers, [28] + [12] * len(criteria))
    ws.row_dimensions[HEADER_ROW].height = 60
    for row in board.rows:
        sheets.append(
            ws, [row.commune.name] + [CELL_TEXT[cell] or NONE_TEXT for cell in figures.heatmap_cells(row, criteria)]
        )
    # Column B onwards, the data rows: green for met, red for not met, grey for not assessed.
    if criteria and board.rows:
        area = f"B{HEADER_ROW + 1}:{get_column_letter(len(criteria) + 1)}{HEADER_ROW + len(board.rows)}"
        for text, colour in ((MET_TEXT, GREEN), (UNMET_TEXT, RED), (NONE_TEXT, GREY)):
            ws.conditional_formatting.add(
                area, CellIsRule(operator="equal", formula=[f'"{text}"'], fill=PatternFill("solid", bgColor=colour))
            )
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)


CHILD_HEADERS = [
    "STT",
    "Đơn vị",
    "Số xã",
    "Xã đạt chuẩn",
    "Bình quân tiêu chí/xã",
    "Còn thiếu 1 tiêu chí",
    "Còn thiếu 2 tiêu chí",
    "Chưa có đánh giá được duyệt",
    "Phường, thị trấn, đặc khu (không tính)",
]


def _children_sheet(ws, summary) -> None:
    """Above a district: one row per child unit, the figures of its xã (as the summary page)."""
    ws.title = "Theo đơn vị"
    _title(ws, summary, "Tổng hợp theo đơn vị trực thuộc")
    _header(ws, CHILD_HEADERS, [6, 30, 9, 11, 12, 12, 12, 14, 16])
    for index, row in enumerate(summary.children, start=1):
        f = row.figures
        average = round(f.average, 1) if f.average is not None else None
        ws.append(
            [
                index,
                row.unit.name,
                f.communes,
                f.reaching,
                average,
                f.short_one,
                f.short_two,
                f.not_assessed,
                row.others,
            ]
        )
    h = summary.headline
    ws.append(
        [
            "",
            "Tổng cộng",
            h.communes,
            h.reaching,
            round(h.average, 1) if h.average is not None else None,
            h.short_one,
            h.short_two,
            h.not_assessed,
            sum(row.others for row in summary.children),
        ]
    )
    ws.cell(row=ws.max_row, column=2).font = Font(bold=True)
    ws.append([])
    ws.append(["", "Chỉ các xã được tính; phường, thị trấn và đặc khu được đếm riêng."])
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def _others_sheet(ws, board) -> None:
    ws.title = "Phường, thị trấn"
    _title(ws, board, "Phường, thị trấn, đặc khu (không tính vào số xã)")
    _header(ws, ["STT", "Đơn vị", "Đơn vị cấp trên", "Tiêu chí đạt", "Tổng số tiêu chí"], [6, 28, 28, 11, 11])
    for index, row in enumerate(board.other_rows, start=1):
        s = row.summary or {}
        ws.append([index, row.commune.name, row.parent_name, s.get("criteria_met"), s.get("criteria_total")])


def workbook_bytes(board, criteria, summary=None) -> bytes:
    """The communes' table and heatmap; above a district (`summary`) the child units' sheet first."""
    workbook = Workbook()
    with translation.override("vi"):  # level names and dates as in the headers, whatever the UI language
        if summary is not None:
            _children_sheet(workbook.active, summary)
            _table_sheet(workbook.create_sheet(), board)
        else:
            _table_sheet(workbook.active, board)
        _heatmap_sheet(workbook.create_sheet(), board, criteria)
        if board.other_rows:
            _others_sheet(workbook.create_sheet(), board)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
