"""The workbook a commune officer fills in: one sheet per commune, indicators grouped under their
criterion, with the target that applies to THAT commune (its region, group and the year).

Only the date, result and note cells are unlocked; Excel's data validation catches most typing
mistakes on the spot, and the import (workbooks.services.importer) checks everything again,
since validation does not stop a paste.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessments.services import TargetBook
from communes.models import AdministrativeUnit, Level
from criteria import applicability
from criteria.models import CriteriaSet, IndicatorKind, SetStatus
from ntm.lib.sheets import put, put_at, set_text_safe
from workbooks import layout as L

BOLD = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="E2EFDA")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
# Kept out of the msgids: a bare "75%" there would read as a format directive to gettext tools.
EXAMPLE = {"number": "75", "percent": "75%"}


def communes_of(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The unit itself if it is a commune, else every commune under it, in code order."""
    if unit.level == Level.COMMUNE:
        return [unit]
    return list(AdministrativeUnit.objects.under(unit).communes().order_by("path"))


def template_for(
    criteria_set: CriteriaSet, unit: AdministrativeUnit, as_of: datetime.date | None = None, progress=None
) -> Workbook:
    """A workbook with a guide sheet and one sheet per commune of `unit` (a commune or any unit above).

    Targets are resolved for `as_of` (default today), which is also written in each date cell.
    `progress(done, total, message)`, if given, is called after each commune sheet.
    """
    as_of = as_of or timezone.localdate()
    communes = template_check(criteria_set, unit, as_of)
    book = TargetBook(criteria_set)
    wb = Workbook()
    _guide_sheet(wb.active, criteria_set)
    titles: set[str] = set()
    for done, commune in enumerate(communes, start=1):
        ws = wb.create_sheet(_sheet_title(commune, titles))
        _commune_sheet(ws, book, commune, as_of)
        if progress:
            progress(done, len(communes), _("Đã lập trang %(sheet)s") % {"sheet": ws.title})
    # Sheets may be neither added, renamed nor unhidden; their order and names stay as exported.
    wb.security.lockStructure = True
    return wb


def template_check(criteria_set: CriteriaSet, unit: AdministrativeUnit, as_of: datetime.date) -> list:
    """The communes of the template, or the ValidationError that refuses it: an unpublished set, a
    unit without communes, or a set that does not apply to one of them on `as_of` (the rule the
    create service and the import apply again)."""
    if criteria_set.status != SetStatus.PUBLISHED:
        raise ValidationError(_("Bộ tiêu chí chưa được công bố nên chưa dùng để đánh giá được."))
    communes = communes_of(unit)
    if not communes:
        raise ValidationError(_("%(unit)s không có xã nào.") % {"unit": unit.name})
    for commune in communes:
        applicability.check_applies(criteria_set=criteria_set, commune=commune, as_of=as_of)
    return communes


def _sheet_title(commune: AdministrativeUnit, taken: set[str]) -> str:
    base = f"{commune.code} {commune.name}".translate(L.TITLE_FORBIDDEN)[: L.TITLE_MAX].strip()
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: L.TITLE_MAX - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _guide_sheet(ws: Worksheet, criteria_set: CriteriaSet) -> None:
    ws.title = _("Hướng dẫn")
    lines = [
        _("Phiếu nhập kết quả đánh giá nông thôn mới"),
        _("Bộ tiêu chí: %(name)s (%(code)s)") % {"name": criteria_set.name, "code": criteria_set.code},
        "",
        _("Mỗi trang là một xã. Chỉ nhập vào các ô nền vàng: ngày đánh giá, cột Kết quả và cột Ghi chú minh chứng."),
        _("Chỉ tiêu dạng Đạt/Chưa đạt: chọn “Đạt” hoặc “Chưa đạt” trong danh sách."),
        _(
            "Chỉ tiêu dạng số: nhập số không âm; tỷ lệ phần trăm nhập từ 0 đến 100 (ví dụ %(number)s nghĩa là "
            "%(percent)s)."
        )
        % EXAMPLE,
        _("Ô để trống nghĩa là giữ nguyên kết quả đã có (hoặc chưa có kết quả)."),
        _("Khi nhập tệp, nếu có bất kỳ lỗi nào thì không ghi gì cả; danh sách lỗi ghi rõ trang và ô cần sửa."),
    ]
    for row, text in enumerate(lines, start=1):
        put(ws, row, 1, text)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 110
    put_at(ws, f"{L.META_COLUMN}1", L.GUIDE_MARKER)
    ws.column_dimensions[L.META_COLUMN].hidden = True
    ws.protection.sheet = True


def _commune_sheet(ws: Worksheet, book: TargetBook, commune: AdministrativeUnit, as_of: datetime.date) -> None:
    _header_block(ws, book.criteria_set, commune, as_of)
    validations = _validations(ws)
    row = L.FIRST_ROW
    for shape in book.shape:
        _criterion_row(ws, row, shape)
        row += 1
        for code in shape.codes:
            _indicator_row(ws, row, book, book.by_code[code], commune, as_of, validations)
            row += 1
    _finish(ws)


def _header_block(ws: Worksheet, criteria_set: CriteriaSet, commune: AdministrativeUnit, as_of) -> None:
    # Names come from users (a set, a commune): written as text, never as a formula (ntm.lib.sheets).
    put_at(ws, "A1", _("Bộ tiêu chí")), put_at(ws, L.SET_NAME_CELL, criteria_set.name)
    ws.merge_cells(f"{L.SET_NAME_CELL}:{L.LAST_COLUMN}1")
    # "Đơn vị": the name already says xã, phường or thị trấn.
    put_at(ws, "A2", _("Đơn vị")), put_at(ws, L.COMMUNE_NAME_CELL, commune.name)
    put_at(ws, "C2", _("Mã đơn vị")), put_at(ws, L.COMMUNE_CODE_CELL, commune.code)
    put_at(ws, "E2", _("Thời kỳ")), put_at(ws, L.ERA_LABEL_CELL, commune.get_era_display())
    put_at(ws, "A3", _("Ngày đánh giá")), put_at(ws, L.DATE_CELL, as_of)
    date_cell = ws[L.DATE_CELL]
    date_cell.number_format, date_cell.protection, date_cell.fill = "dd/mm/yyyy", UNLOCKED, INPUT_FILL
    date_cell.alignment = Alignment(horizontal="left")
    put_at(ws, L.HINT_CELL, _("Nhập kết quả vào các ô nền vàng (cột E, F)."))
    ws.merge_cells(f"{L.HINT_CELL}:{L.LAST_COLUMN}3")
    for cell in ("A1", "A2", "C2", "E2", "A3", L.SET_NAME_CELL, L.COMMUNE_NAME_CELL, L.COMMUNE_CODE_CELL):
        ws[cell].font = BOLD
    dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=False)
    dv.error, dv.errorTitle, dv.showErrorMessage = _("Nhập ngày dạng ngày/tháng/năm."), _("Ngày đánh giá"), True
    ws.add_data_validation(dv)
    dv.add(L.DATE_CELL)
    meta = (L.MARKER, L.VERSION, criteria_set.code, commune.era, commune.code)
    cells = (L.MARKER_CELL, L.VERSION_CELL, L.SET_CODE_CELL, L.ERA_CELL, L.CODE_CELL)
    for cell, value in zip(cells, meta, strict=True):
        put_at(ws, cell, value)
    headers = (
        _("Mã chỉ tiêu"),
        _("Nội dung chỉ tiêu"),
        _("Chỉ tiêu áp dụng cho xã"),
        _("Đơn vị"),
        _("Kết quả"),
        _("Ghi chú minh chứng"),
    )
    for column, text in zip(L.WIDTHS, headers, strict=True):
        cell = ws[f"{column}{L.HEADER_ROW}"]
        set_text_safe(cell, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _validations(ws: Worksheet) -> dict[str, DataValidation]:
    yes_no = DataValidation(type="list", formula1=f'"{L.YES},{L.NO}"', allow_blank=True)
    yes_no.error = _("Chọn “%(yes)s” hoặc “%(no)s”.") % {"yes": L.YES, "no": L.NO}
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    number.error = _("Nhập một số không âm.")
    percent = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
    percent.error = _("Nhập tỷ lệ phần trăm từ 0 đến 100 (ví dụ %(number)s nghĩa là %(percent)s).") % EXAMPLE
    validations = {"yes_no": yes_no, "number": number, "percent": percent}
    for dv in validations.values():
        dv.showErrorMessage, dv.errorTitle = True, _("Kết quả không hợp lệ")
        # The same sentence shows as a hint when the cell is selected, before any mistake.
        dv.showInputMessage, dv.prompt = True, dv.error
        ws.add_data_validation(dv)
    return validations


def _criterion_row(ws: Worksheet, row: int, shape) -> None:
    cell = put(ws, row, 1, _("Tiêu chí %(number)s. %(name)s") % {"number": shape.number, "name": shape.name})
    cell.font, cell.fill = BOLD, HEADING_FILL
    ws.merge_cells(f"A{row}:{L.LAST_COLUMN}{row}")
    put_at(ws, f"{L.META_COLUMN}{row}", L.ROW_CRITERION)


def _indicator_row(ws, row, book: TargetBook, indicator, commune, as_of, validations) -> None:
    resolution = book.resolve(indicator, commune, as_of)
    target = resolution.target
    values = {
        L.CODE_COLUMN: indicator.code,
        L.NAME_COLUMN: indicator.name,
        L.TARGET_COLUMN: _target_text(indicator, target, resolution.reason),
        L.UNIT_COLUMN: (target.unit if target and target.unit else indicator.unit) or "",
        L.META_COLUMN: L.ROW_INDICATOR,
    }
    for column, value in values.items():
        put_at(ws, f"{column}{row}", value).alignment = WRAP
    for column in (L.VALUE_COLUMN, L.NOTE_COLUMN):
        cell = ws[f"{column}{row}"]
        cell.protection, cell.fill, cell.alignment = UNLOCKED, INPUT_FILL, WRAP
    if indicator.kind == IndicatorKind.NUMERIC:
        kind = "percent" if L.is_percent(indicator, target) else "number"
    else:
        kind = "yes_no"
    validations[kind].add(f"{L.VALUE_COLUMN}{row}")


def _target_text(indicator, target, reason: str = "") -> str:
    if target is not None and target.display():
        return target.display()
    # A yes/no indicator is met by answering "Đạt"; a number with no known threshold stays a gap.
    if indicator.kind == IndicatorKind.BOOLEAN:
        return L.YES
    return _("Chưa có chỉ tiêu áp dụng: %(reason)s") % {"reason": reason} if reason else _("Chưa có chỉ tiêu áp dụng")


def _finish(ws: Worksheet) -> None:
    for column, width in L.WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.column_dimensions["G"].width = 2
    ws.column_dimensions[L.META_COLUMN].hidden = True
    ws.freeze_panes = f"A{L.FIRST_ROW}"
    ws.print_title_rows = f"{L.HEADER_ROW}:{L.HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # No password: protection guards against slips, not against a determined user (the import re-checks).
    ws.protection.sheet = True
    ws.protection.formatColumns = True
    ws.protection.formatRows = False
