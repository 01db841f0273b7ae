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
    headers += ["Tiêu chí đạt", "Tổng số tiêu chí", "Chỉ tiêu đạt", "Tổng số chỉ tiêu", "Trạng thái",
                "Ngày đánh giá", "Đang chờ thẩm định", "Bị trả lại chưa gửi lại"]
    if with_recognition:
        headers.append("Công nhận")
    return headers


def _title(ws, board, title: str) -> None:
    ws["A1"] = f"{title} — {board.area.name}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"Bộ tiêu chí: {board.criteria_set.name if board.criteria_set else '—'} · " \
               f"tính đến ngày {date_format(board.query['as_of'], 'd/m/Y')}"


def _header(ws, headers: list[str], widths: list[int]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=GREY)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width


def _table_sheet(ws, board) -> None:
    ws.title = "Bảng theo dõi"
    _title(ws, board, "Bảng theo dõi xây dựng nông thôn mới")
    shows_parent, with_recognition = board.area.shows_parent, board.recognitions.installed
    headers = table_headers(shows_parent, with_recognition)
    widths = [6, 28] + ([28] if shows_parent else []) + [11, 11, 11, 11, 15, 13, 12, 12] + ([30] if with_recognition else [])
    _header(ws, headers, widths)
    for index, row in enumerate(board.rows, start=1):
        s = row.summary or {}
        values = [index, row.commune.name] + ([row.parent_name] if shows_parent else [])
        values += [s.get("criteria_met"), s.get("criteria_total"), s.get("indicators_met"), s.get("indicators_total"),
                   STATUS_TEXT[row.status], s.get("as_of"),
                   row.pending.submitted if row.pending else 0, row.pending.returned if row.pending else 0]
        if with_recognition:
            values.append(_recognition_text(row))
        ws.append(values)
        date_cell = ws.cell(row=ws.max_row, column=headers.index("Ngày đánh giá") + 1)
        date_cell.number_format = "DD/MM/YYYY"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


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
        ws.append([row.commune.name] + [CELL_TEXT[cell] or NONE_TEXT for cell in figures.heatmap_cells(row, criteria)])
    # Column B onwards, the data rows: green for met, red for not met, grey for not assessed.
    if criteria and board.rows:
        area = f"B{HEADER_ROW + 1}:{get_column_letter(len(criteria) + 1)}{HEADER_ROW + len(board.rows)}"
        for text, colour in ((MET_TEXT, GREEN), (UNMET_TEXT, RED), (NONE_TEXT, GREY)):
            ws.conditional_formatting.add(
                area, CellIsRule(operator="equal", formula=[f'"{text}"'], fill=PatternFill("solid", bgColor=colour))
            )
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)


def workbook_bytes(board, criteria) -> bytes:
    workbook = Workbook()
    with translation.override("vi"):  # level names and dates as in the headers, whatever the UI language
        _table_sheet(workbook.active, board)
        _heatmap_sheet(workbook.create_sheet(), board, criteria)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
