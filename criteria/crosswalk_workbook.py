"""Crosswalks as workbooks (criteria.crosswalks): export a crosswalk, or a blank template for two sets, to
.xlsx; import one back, creating the crosswalk or replacing all its links.

Sheets: "Bảng chuyển đổi" (the two sets' codes and the note), "Liên kết" (one row per link: old indicator
code, new indicator code, relation, verified, note; the names are shown for reading and ignored on import)
and "Chỉ tiêu bộ mới" (the new set's indicators, for reference). As in the criteria workbook, row 1 of the
table sheet holds the machine keys (hidden) and row 2 the headers. A row with neither a new indicator nor
a relation is a link not decided yet, and is skipped (its indicator will need re-assessment).

The import is all-or-nothing: every problem is reported with its row and cell, and then nothing is written.
The rules are criteria.crosswalks', as for the admin.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from criteria.crosswalks import LinkSpec, crosswalk_save, links_errors
from criteria.models import CriteriaSet, Crosswalk, Indicator, LinkKind
from criteria.workbook import FIRST_ROW, NO, YES, _style
from ntm.lib import sheets as xlsx
from ntm.lib.sheets import Problem

MARKER = "ntm-crosswalk"
VERSION = "1"
HEAD_SHEET, LINKS_SHEET, NEW_SHEET = "Bảng chuyển đổi", "Liên kết", "Chỉ tiêu bộ mới"
HEAD_FIELDS = [("from_set", "Mã bộ tiêu chí cũ"), ("to_set", "Mã bộ tiêu chí mới"), ("note", "Ghi chú")]
LINK_COLUMNS = [
    ("from_code", "Mã chỉ tiêu bộ cũ"),
    ("from_name", "Nội dung chỉ tiêu bộ cũ (chỉ để đọc)"),
    ("to_code", "Mã chỉ tiêu bộ mới"),
    ("to_name", "Nội dung chỉ tiêu bộ mới (chỉ để đọc)"),
    ("kind", "Quan hệ"),
    ("verified", "Đã kiểm chứng (có/không)"),
    ("note", "Ghi chú"),
]
NEW_COLUMNS = [("code", "Mã chỉ tiêu"), ("criterion", "Tiêu chí"), ("name", "Nội dung"), ("kind", "Loại")]
# The relation as typed: the Vietnamese label (what the export writes) or the key.
KIND_LABELS = {
    LinkKind.SAME: "Cùng nội dung",
    LinkKind.VALUE_CARRIES: "Giá trị chuyển sang, ngưỡng khác",
    LinkKind.NONE: "Không có tương đương",
}


def _indicators(criteria_set: CriteriaSet) -> list[Indicator]:
    return list(
        Indicator.objects.filter(criteria_set=criteria_set)
        .select_related("criterion")
        .order_by("criterion__number", "position", "id")
    )


def crosswalk_export(*, from_set: CriteriaSet, to_set: CriteriaSet, crosswalk: Crosswalk | None = None) -> bytes:
    """The crosswalk's links, then a blank row for each old indicator without a link (the template when
    there is no crosswalk yet)."""
    wb = Workbook()
    ws = wb.active
    ws.title = HEAD_SHEET
    xlsx.append(ws, [MARKER, VERSION])
    xlsx.append(ws, ["key", "Trường", "Giá trị"])
    values = {"from_set": from_set.code, "to_set": to_set.code, "note": crosswalk.note if crosswalk else ""}
    for key, label in HEAD_FIELDS:
        xlsx.append(ws, [key, label, values[key] or None])
    _style(ws, [14, 30, 90], keys_hidden=False)

    links = list(crosswalk.links.select_related("from_indicator__criterion", "to_indicator")) if crosswalk else []
    linked = {link.from_indicator_id for link in links}
    rows = [
        [
            link.from_indicator.code,
            link.from_indicator.name,
            link.to_indicator.code if link.to_indicator_id else None,
            link.to_indicator.name if link.to_indicator_id else None,
            KIND_LABELS[link.kind],
            YES if link.verified else NO,
            link.note or None,
        ]
        for link in links
    ]
    rows += [[i.code, i.name, None, None, None, None, None] for i in _indicators(from_set) if i.id not in linked]
    ws = wb.create_sheet(LINKS_SHEET)
    for col, (key, label) in enumerate(LINK_COLUMNS, start=1):
        xlsx.put(ws, 1, col, key)
        xlsx.put(ws, 2, col, label)
    for r, values_row in enumerate(rows, start=FIRST_ROW):
        for col, value in enumerate(values_row, start=1):
            xlsx.put(ws, r, col, value)
    _style(ws, [12, 50, 12, 50, 30, 14, 40], keys_hidden=True)
    choices = DataValidation(type="list", formula1='"' + ",".join(KIND_LABELS.values()) + '"', allow_blank=True)
    ws.add_data_validation(choices)
    choices.add(f"E{FIRST_ROW}:E{FIRST_ROW + max(len(rows), 1) + 200}")

    ws = wb.create_sheet(NEW_SHEET)
    for col, (key, label) in enumerate(NEW_COLUMNS, start=1):
        xlsx.put(ws, 1, col, key)
        xlsx.put(ws, 2, col, label)
    for r, i in enumerate(_indicators(to_set), start=FIRST_ROW):
        for col, value in enumerate(
            [i.code, f"{i.criterion.number}. {i.criterion.name}", i.name, i.get_kind_display()], start=1
        ):
            xlsx.put(ws, r, col, value)
    _style(ws, [12, 40, 70, 20], keys_hidden=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_file_name(from_set: CriteriaSet, to_set: CriteriaSet) -> str:
    return f"chuyen-doi-{from_set.code}-sang-{to_set.code}.xlsx"


@dataclass
class CrosswalkImport:
    ok: bool = False
    errors: list[Problem] = field(default_factory=list)
    crosswalk: Crosswalk | None = None
    links: int = 0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _kind(text: str) -> str | None:
    lowered = text.lower()
    for key, label in KIND_LABELS.items():
        if lowered in (key, label.lower()):
            return key
    return None


def crosswalk_import(fileobj) -> CrosswalkImport:
    """Read a crosswalk workbook; create the crosswalk of its two sets or replace all the links of the one
    that exists. Any problem and nothing is written."""
    result = CrosswalkImport()
    data, _sha, size = xlsx.read_upload(fileobj, settings.NTM_IMPORT_MAX_BYTES)
    try:
        if data is None:
            raise xlsx.Refused(xlsx.too_large_message(size, settings.NTM_IMPORT_MAX_BYTES))
        wb = xlsx.read_workbook(data)
    except xlsx.Refused as exc:
        result.errors.append(Problem("", "", str(exc)))
        return result
    problems = result.errors

    def problem(sheet, cell, message, row=None):
        if row is not None:
            message = _("Dòng %(row)s: %(message)s") % {"row": row, "message": message}
        problems.append(Problem(sheet, cell, message))

    if HEAD_SHEET not in wb.sheetnames or _text(wb[HEAD_SHEET]["A1"].value) != MARKER:
        problem("", "", _("Sổ tính không theo mẫu bảng chuyển đổi chỉ tiêu; hãy tải mẫu từ trang quản trị."))
        return result
    head = wb[HEAD_SHEET]
    rows = {_text(head.cell(r, 1).value): r for r in range(FIRST_ROW, head.max_row + 1)}
    values = {}
    for key, _label in HEAD_FIELDS:
        if key not in rows:
            problem(HEAD_SHEET, "A", _("Thiếu dòng “%(key)s”.") % {"key": key})
            continue
        values[key] = _text(head.cell(rows[key], 3).value)
    sets = {}
    for key in ("from_set", "to_set"):
        if key not in values:
            continue
        found = CriteriaSet.objects.filter(code=values[key]).first()
        if found is None:
            problem(
                HEAD_SHEET,
                f"C{rows[key]}",
                _("Không có bộ tiêu chí mã “%(code)s”.") % {"code": values[key]},
                row=rows[key],
            )
        sets[key] = found
    if problems:
        return result
    from_set, to_set = sets["from_set"], sets["to_set"]
    if LINKS_SHEET not in wb.sheetnames:
        problem(LINKS_SHEET, "", _("Thiếu trang “%(sheet)s”.") % {"sheet": LINKS_SHEET})
        return result
    ws = wb[LINKS_SHEET]
    columns = {_text(ws.cell(1, c).value): c for c in range(1, ws.max_column + 1)}
    missing = [key for key, _label in LINK_COLUMNS if key not in columns and not key.endswith("_name")]
    if missing:
        problem(LINKS_SHEET, "", _("Thiếu cột: %(keys)s.") % {"keys": ", ".join(missing)})
        return result
    old = {i.code: i for i in _indicators(from_set)}
    new = {i.code: i for i in _indicators(to_set)}
    links, link_rows = [], []
    for r in range(FIRST_ROW, ws.max_row + 1):

        def cell(key, r=r):
            c = ws.cell(r, columns[key])
            return f"{get_column_letter(columns[key])}{r}", c

        coords = {key: cell(key) for key, _label in LINK_COLUMNS if key in columns}
        if any(getattr(c, "data_type", None) == "f" for _coord, c in coords.values()):
            problem(LINKS_SHEET, f"A{r}", _("Ô chứa công thức; hãy nhập giá trị."), row=r)
            continue
        text = {key: _text(c.value) for key, (_coord, c) in coords.items()}
        if not text["to_code"] and not text["kind"]:
            continue  # not decided yet: the new indicators stay "cần đánh giá lại"
        before = len(problems)
        from_indicator = old.get(text["from_code"])
        if from_indicator is None:
            problem(
                LINKS_SHEET,
                coords["from_code"][0],
                _("Bộ cũ “%(set)s” không có chỉ tiêu mã “%(code)s”.")
                % {"set": from_set.code, "code": text["from_code"]},
                row=r,
            )
        to_indicator = None
        if text["to_code"]:
            to_indicator = new.get(text["to_code"])
            if to_indicator is None:
                problem(
                    LINKS_SHEET,
                    coords["to_code"][0],
                    _("Bộ mới “%(set)s” không có chỉ tiêu mã “%(code)s”.")
                    % {"set": to_set.code, "code": text["to_code"]},
                    row=r,
                )
        kind = _kind(text["kind"])
        if kind is None:
            problem(
                LINKS_SHEET,
                coords["kind"][0],
                _("Quan hệ “%(kind)s” không hợp lệ; chọn một trong: %(choices)s.")
                % {"kind": text["kind"], "choices": "; ".join(KIND_LABELS.values())},
                row=r,
            )
        verified = text.get("verified", "").lower()
        if verified not in ("", YES, NO, "co", "khong", "x", "yes", "no"):
            problem(
                LINKS_SHEET,
                coords["verified"][0],
                _("Ghi “có” hoặc “không”, không phải “%(value)s”.") % {"value": text["verified"]},
                row=r,
            )
        if len(problems) > before:
            continue
        links.append(
            LinkSpec(
                from_indicator, to_indicator, kind, verified in (YES, "co", "x", "yes"), text.get("note", "")[:300]
            )
        )
        link_rows.append(r)
    crosswalk = Crosswalk.objects.filter(from_set=from_set, to_set=to_set).first()
    if not problems:
        for index, messages in sorted(links_errors(from_set, to_set, links).items()):
            for message in messages:
                problem(LINKS_SHEET, f"A{link_rows[index]}", message, row=link_rows[index])
    if problems:
        return result
    try:
        result.crosswalk = crosswalk_save(
            from_set=from_set, to_set=to_set, note=values.get("note", ""), links=links, crosswalk=crosswalk
        )
    except ValidationError as exc:
        for message in exc.messages:
            problem(HEAD_SHEET, "", message)
        return result
    result.ok, result.links = True, len(links)
    return result
