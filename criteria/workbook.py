"""Criteria sets as workbooks: export any set to .xlsx, import one back as a new draft set or as the
update of an existing draft — the practical way to type a decision's table into the product.

Sheets: "Bộ tiêu chí" (the set's fields, one per row), "Tiêu chí", "Chỉ tiêu", "Chỉ tiêu theo vùng-nhóm-năm"
(targets that differ by region, commune group or year) and "Nguồn" (provenance JSON). Since format 2 the
"Chỉ tiêu" sheet also has one column per commune group (nhóm 1/2/3 of QĐ 51/2025): a 2026-2030 set is typed
as one row per indicator with its three targets ("≥80", "Đạt"); format-1 files, without those columns,
still import. On the table sheets
row 1 holds the machine keys (hidden) and row 2 the Vietnamese headers, so a column is found by its key,
never by its translatable label, and columns may be reordered. The import is all-or-nothing: every
problem is reported with its sheet and cell, and then nothing is written.
"""

import datetime
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from communes.models import AdministrativeUnit, CommuneGroup, Level, Region
from criteria.models import (
    Confidence,
    CriteriaSet,
    Criterion,
    Department,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    Operator,
    SetLevel,
    SetStatus,
)
from criteria.targets import format_target_cell, parse_target_cell
from ntm.lib import sheets as xlsx
from ntm.lib.sheets import Problem

MARKER = "ntm-criteria-set"
VERSION = "2"
SET_SHEET, CRITERIA_SHEET, INDICATORS_SHEET, TARGETS_SHEET, PROVENANCE_SHEET = (
    "Bộ tiêu chí",
    "Tiêu chí",
    "Chỉ tiêu",
    "Chỉ tiêu theo vùng-nhóm-năm",
    "Nguồn",
)
FIRST_ROW = 3  # row 1: keys (hidden), row 2: headers
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
YES, NO = "có", "không"

# (key, header) of each sheet, in export order. The sheet titles and headers stay Vietnamese in every
# language: the workbook is a data format, shared between offices.
SET_FIELDS = [
    ("code", "Mã bộ tiêu chí"),
    ("name", "Tên"),
    ("level", "Mức (ntm, ntm_nang_cao, ntm_kieu_mau, ntm_hien_dai, other)"),
    ("decision_number", "Số quyết định"),
    ("decision_date", "Ngày ban hành"),
    ("effective_date", "Ngày hiệu lực"),
    ("issuer", "Cơ quan ban hành"),
    ("signer", "Người ký"),
    ("appendix", "Phụ lục"),
    ("period_start", "Giai đoạn từ năm"),
    ("period_end", "Giai đoạn đến năm"),
    ("province", "Phạm vi tỉnh (thời kỳ/mã, để trống nếu là bộ quốc gia)"),
    ("derived_from", "Xây dựng từ bộ (mã)"),
    ("completeness", "Mức đầy đủ"),
    ("stated_criteria_count", "Số tiêu chí theo quyết định"),
    ("stated_indicator_count", "Số chỉ tiêu theo quyết định"),
    ("notes", "Ghi chú"),
    ("is_synthetic", "Dữ liệu tổng hợp, không chính thức (có/không)"),
]
CRITERIA_COLUMNS = [
    ("number", "Số"),
    ("name", "Tên tiêu chí"),
    ("group_number", "Nhóm số"),
    ("group_name", "Nhóm"),
    ("department", "Mã phòng, ban phụ trách"),
    ("name_verified", "Tên đã kiểm chứng (có/không)"),
    ("sources", "Nguồn"),
    ("note", "Ghi chú"),
]
INDICATOR_COLUMNS = [
    ("criterion", "Tiêu chí số"),
    ("code", "Mã chỉ tiêu"),
    ("position", "Thứ tự"),
    ("name", "Nội dung chỉ tiêu"),
    ("kind", "Loại (boolean: đạt/chưa đạt, numeric: số)"),
    ("operator", "Phép so sánh (>=, <=, >, <, =)"),
    ("target_value", "Ngưỡng"),
    ("target_text", "Chỉ tiêu theo văn bản"),
    ("unit", "Đơn vị"),
    ("evidence_guidance", "Hướng dẫn minh chứng"),
    ("verified", "Đã kiểm chứng (có/không)"),
    ("confidence", "Độ tin cậy (medium, low)"),
    ("sources", "Nguồn"),
    ("note", "Ghi chú nguồn"),
]
TARGET_COLUMNS = [
    ("indicator", "Mã chỉ tiêu"),
    ("region", "Vùng (mã)"),
    ("commune_group", "Nhóm xã (mã)"),
    ("year", "Năm (0 = mọi năm)"),
    ("operator", "Phép so sánh"),
    ("value", "Ngưỡng"),
    ("text", "Chỉ tiêu theo văn bản"),
    ("unit", "Đơn vị"),
]
# Format 2: a commune group's all-year target in the indicator's own row (optional when importing).
GROUP_COLUMNS = [
    ("nhom1", "Ngưỡng nhóm 1 (xã ven đô; ví dụ ≥80, Đạt)"),
    ("nhom2", "Ngưỡng nhóm 2 (xã còn lại)"),
    ("nhom3", "Ngưỡng nhóm 3 (xã DTTS, miền núi KV II, III)"),
]
GROUP_KEYS = [key for key, _label in GROUP_COLUMNS]
PROVENANCE_COLUMNS = [("object", "Đối tượng (bộ, hoặc mã chỉ tiêu)"), ("json", "Thông tin nguồn (JSON)")]
SET_OBJECT = "bộ"


# Export


def criteria_set_export(criteria_set: CriteriaSet) -> bytes:
    """The set as an .xlsx file (any status: a published set is exported to be cloned by hand)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SET_SHEET
    # Every value through xlsx.put: a name such as "=HYPERLINK(…)" is written as text and reads back unchanged.
    xlsx.append(ws, [MARKER, VERSION, _status_note(criteria_set)])
    xlsx.append(ws, ["key", "Trường", "Giá trị"])
    for key, label in SET_FIELDS:
        xlsx.append(ws, [key, label, _set_value(criteria_set, key)])
    _style(ws, [24, 52, 70], keys_hidden=False)
    criteria = list(criteria_set.criteria.select_related("department").order_by("number"))
    _table(wb, CRITERIA_SHEET, CRITERIA_COLUMNS, [_criterion_row(c) for c in criteria])
    indicators = list(
        Indicator.objects.filter(criteria_set=criteria_set)
        .select_related("criterion")
        .prefetch_related("targets")
        .order_by("criterion__number", "position", "code")
    )
    _table(
        wb,
        INDICATORS_SHEET,
        INDICATOR_COLUMNS + GROUP_COLUMNS,
        [_indicator_row(i) + _group_cells(i) for i in indicators],
    )
    _table(
        wb,
        TARGETS_SHEET,
        TARGET_COLUMNS,
        [_target_row(i, t) for i in indicators for t in i.targets.all() if not _in_group_column(t)],
    )
    provenance = [(SET_OBJECT, _json(criteria_set.provenance))] if criteria_set.provenance else []
    provenance += [(i.code, _json(i.provenance)) for i in indicators if i.provenance]
    _table(wb, PROVENANCE_SHEET, PROVENANCE_COLUMNS, provenance)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_file_name(criteria_set: CriteriaSet) -> str:
    return f"bo-tieu-chi-{slugify(criteria_set.code)}.xlsx"


def _status_note(cs: CriteriaSet) -> str:
    return f"{cs.get_status_display()} · {datetime.date.today():%d/%m/%Y}"


def _set_value(cs: CriteriaSet, key: str):
    if key == "province":
        return f"{cs.province.era}/{cs.province.code}" if cs.province else None
    if key == "derived_from":
        return cs.derived_from.code if cs.derived_from else None
    if key == "is_synthetic":
        return YES if cs.is_synthetic else NO
    return getattr(cs, key)


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _criterion_row(c: Criterion) -> list:
    return [
        c.number,
        c.name,
        c.group_number,
        c.group_name,
        c.department.code if c.department else None,
        _yes_no(c.name_verified),
        c.sources,
        c.note,
    ]


def _indicator_row(i: Indicator) -> list:
    return [
        i.criterion.number,
        i.code,
        i.position,
        i.name,
        i.kind,
        i.operator,
        _number(i.target_value),
        i.target_text,
        i.unit,
        i.evidence_guidance,
        _yes_no(i.verified),
        i.confidence,
        i.sources,
        i.note,
    ]


def _in_group_column(t: IndicatorTarget) -> bool:
    return bool(t.commune_group) and not t.region and not t.year


def _group_cells(i: Indicator) -> list:
    by_group = {t.commune_group: t for t in i.targets.all() if _in_group_column(t)}
    return [format_target_cell(t.operator, t.value, t.text) if (t := by_group.get(g)) else None for g in GROUP_KEYS]


def _target_row(i: Indicator, t: IndicatorTarget) -> list:
    return [i.code, t.region, t.commune_group, t.year, t.operator, _number(t.value), t.text, t.unit]


def _number(value: Decimal | None):
    # Written as a number when exact in a float, else as text, so 12.345 never comes back 12.3449999.
    if value is None:
        return None
    normal = value.normalize()
    return float(normal) if Decimal(repr(float(normal))) == normal else f"{normal:f}"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _table(wb: Workbook, title: str, columns: list[tuple[str, str]], rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    for col, (key, label) in enumerate(columns, start=1):
        xlsx.put(ws, 1, col, key)
        xlsx.put(ws, 2, col, label)
    for r, values in enumerate(rows, start=FIRST_ROW):
        for col, value in enumerate(values, start=1):
            xlsx.put(ws, r, col, value if value != "" else None)
    _style(ws, [14 if len(label) < 20 else 40 for _key, label in columns], keys_hidden=True)


def _style(ws, widths: list[int], *, keys_hidden: bool) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(2, col)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    ws.row_dimensions[1].hidden = keys_hidden
    ws.freeze_panes = f"A{FIRST_ROW}"


# Import


@dataclass
class CriteriaImport:
    ok: bool = False
    errors: list[Problem] = field(default_factory=list)
    criteria_set: CriteriaSet | None = None
    counts: dict = field(default_factory=dict)


def criteria_set_import(fileobj, *, update: CriteriaSet | None = None, may_own=None) -> CriteriaImport:
    """Read a criteria set workbook; create a new draft set, or replace the content of the draft `update`.

    Every problem is reported with its sheet and cell, and then nothing is written. A set that is not
    a draft (published or archived) is refused: change those through a new version (clone). `may_own`
    (the admin passes the user's scope): a function of the set's province (None: national) that says
    whether the importing user may hold such a set; a set they may not is refused.
    """
    result = CriteriaImport()
    if update is not None and update.status != SetStatus.DRAFT:
        result.errors.append(
            Problem(
                "",
                "",
                _("Chỉ cập nhật được bộ tiêu chí nháp; bộ “%(code)s” đang ở trạng thái %(status)s.")
                % {"code": update.code, "status": update.get_status_display()},
            )
        )
        return result
    # Read within the import limits (size, size unzipped, rows, columns, cells), as an assessment workbook.
    data, _sha, size = xlsx.read_upload(fileobj, settings.NTM_IMPORT_MAX_BYTES)
    try:
        if data is None:
            raise xlsx.Refused(xlsx.too_large_message(size, settings.NTM_IMPORT_MAX_BYTES))
        wb = xlsx.read_workbook(data)
    except xlsx.Refused as exc:
        result.errors.append(Problem("", "", str(exc)))
        return result
    reader = _Reader(wb, update)
    plan = reader.read()
    result.errors = reader.problems
    if not result.errors and may_own is not None and not may_own(plan["set"].get("province")):
        result.errors.append(
            Problem(
                SET_SHEET,
                "",
                _("Bạn chỉ nhập được bộ tiêu chí của tỉnh mình quản trị; ghi mã tỉnh đó ở dòng “province”."),
            )
        )
    if result.errors:
        return result
    try:
        with transaction.atomic():
            result.criteria_set = _write(plan, update)
    except ValidationError as exc:
        result.errors.append(Problem("", "", " ".join(exc.messages)))
        return result
    result.ok = True
    result.counts = {
        "criteria": len(plan["criteria"]),
        "indicators": len(plan["indicators"]),
        "targets": len(plan["targets"]),
    }
    return result


class _Reader:
    def __init__(self, wb, update: CriteriaSet | None):
        self.wb, self.update, self.problems = wb, update, []

    def problem(self, sheet: str, cell: str, message: str) -> None:
        self.problems.append(Problem(sheet, cell, message))

    def read(self) -> dict:
        if SET_SHEET not in self.wb.sheetnames or self.wb[SET_SHEET]["A1"].value != MARKER:
            self.problem("", "", _("Sổ tính không theo mẫu bộ tiêu chí; hãy xuất một bộ tiêu chí ra Excel để có mẫu."))
            return {}
        plan = {"set": self._set_fields()}
        plan["criteria"] = self._rows(CRITERIA_SHEET, CRITERIA_COLUMNS, self._criterion, key="number")
        numbers = {c["number"] for c in plan["criteria"]}
        plan["indicators"] = self._rows(
            INDICATORS_SHEET,
            INDICATOR_COLUMNS,
            lambda cell: self._indicator(cell, numbers),
            key="code",
            optional=GROUP_COLUMNS,
        )
        codes = {i["code"] for i in plan["indicators"]}
        plan["targets"] = self._rows(
            TARGETS_SHEET,
            TARGET_COLUMNS,
            lambda cell: self._target(cell, codes),
            key=("indicator", "region", "commune_group", "year"),
        )
        self._merge_group_targets(plan)
        plan["provenance"] = self._provenance(codes)
        return plan

    # Cells

    def _cell(self, sheet, row, columns):
        def cell(key, parse=None, **kw):
            coordinate = f"{get_column_letter(columns[key])}{row}"
            raw = sheet[coordinate].value
            # A problem is recorded and reading goes on, so that every bad cell of a row is reported.
            if getattr(sheet[coordinate], "data_type", None) == "f":
                self.problem(sheet.title, coordinate, _("Ô chứa công thức; hãy nhập giá trị."))
                return None
            try:
                return (parse or _text)(raw, **kw)
            except ValueError as exc:
                self.problem(sheet.title, coordinate, str(exc))
                return None

        return cell

    def _set_fields(self) -> dict:
        ws, values = self.wb[SET_SHEET], {}
        rows = {str(ws.cell(r, 1).value or "").strip(): r for r in range(FIRST_ROW, ws.max_row + 1)}
        parsers = {
            "name": _required,
            "level": _choice(SetLevel),
            "decision_date": _date,
            "effective_date": _date,
            "period_start": _year,
            "period_end": _year,
            "province": _province,
            "derived_from": _set_code,
            "stated_criteria_count": _count,
            "stated_indicator_count": _count,
            "is_synthetic": _bool,
            "code": _code,
        }
        for key, _label in SET_FIELDS:
            if key not in rows:
                self.problem(ws.title, "A", _("Thiếu dòng “%(key)s”.") % {"key": key})
                continue
            before = len(self.problems)
            value = self._cell(ws, rows[key], {"value": 3})("value", parsers.get(key))
            if len(self.problems) == before:
                values[key] = value
        if "code" in values and self.update is None and CriteriaSet.objects.filter(code=values["code"]).exists():
            self.problem(
                ws.title,
                f"C{rows['code']}",
                _("Đã có bộ tiêu chí mã “%(code)s”; hãy đặt mã mới, hoặc cập nhật bộ nháp đó.")
                % {"code": values["code"]},
            )
        return values

    def _merge_group_targets(self, plan: dict) -> None:
        # A group's target typed in the indicator's row becomes a target row; the same target also
        # written on the targets sheet is a clash, reported on that sheet's row.
        typed = {(t["indicator"], t["region"], t["commune_group"], t["year"]): t["row"] for t in plan["targets"]}
        for indicator in plan["indicators"]:
            for group, target in indicator.pop("groups", {}).items():
                ident = (indicator["code"], "", group, 0)
                if ident in typed:
                    self.problem(
                        TARGETS_SHEET,
                        f"A{typed[ident]}",
                        _("Ngưỡng nhóm %(group)s của chỉ tiêu %(code)s đã có ở trang “%(sheet)s” (dòng %(row)s).")
                        % {
                            "group": group,
                            "code": indicator["code"],
                            "sheet": INDICATORS_SHEET,
                            "row": indicator["row"],
                        },
                    )
                    continue
                operator, value, text = target
                plan["targets"].append(
                    {
                        "indicator": indicator["code"],
                        "region": "",
                        "commune_group": group,
                        "year": 0,
                        "operator": operator,
                        "value": value,
                        "text": text,
                        "unit": indicator["unit"],
                        "row": indicator["row"],
                    }
                )

    def _rows(self, title: str, columns: list, parse, *, key, optional=()) -> list[dict]:
        if title not in self.wb.sheetnames:
            self.problem(title, "", _("Thiếu trang “%(sheet)s”.") % {"sheet": title})
            return []
        ws = self.wb[title]
        found = {str(ws.cell(1, c).value or "").strip(): c for c in range(1, ws.max_column + 1)}
        missing = [k for k, _label in columns if k not in found]
        if missing:
            self.problem(title, "1", _("Thiếu cột: %(keys)s.") % {"keys": ", ".join(missing)})
            return []
        self.present = {k for k, _label in optional if k in found}
        rows, seen = [], {}
        for row in range(FIRST_ROW, ws.max_row + 1):
            if all(ws.cell(row, c).value in (None, "") for c in found.values()):
                continue
            before = len(self.problems)
            values = parse(self._cell(ws, row, found))
            if len(self.problems) > before:
                continue
            ident = tuple(values[k] for k in key) if isinstance(key, tuple) else values[key]
            if ident in seen:
                self.problem(title, f"A{row}", _("Trùng với dòng %(row)s.") % {"row": seen[ident]})
                continue
            seen[ident] = row
            values["row"] = row
            rows.append(values)
        return rows

    def _criterion(self, cell) -> dict:
        return {
            "number": cell("number", _count, required=True),
            "name": cell("name", _required),
            "group_number": cell("group_number", _count),
            "group_name": cell("group_name"),
            "department": cell("department", _department),
            "name_verified": cell("name_verified", _bool),
            "sources": cell("sources"),
            "note": cell("note"),
        }

    def _indicator(self, cell, numbers: set) -> dict:
        values = {
            "criterion": cell("criterion", _member, allowed=numbers, message=_("Không có tiêu chí số %(v)s.")),
            "code": cell("code", _required),
            "position": cell("position", _count) or 0,
            "name": cell("name", _required),
            "kind": cell("kind", _choice(IndicatorKind), required=True),
            "operator": cell("operator", _choice(Operator)),
            "target_value": cell("target_value", _decimal),
            "target_text": cell("target_text"),
            "unit": cell("unit"),
            "evidence_guidance": cell("evidence_guidance"),
            "verified": cell("verified", _bool),
            "confidence": cell("confidence", _choice(Confidence)),
        }
        values.update(sources=cell("sources"), note=cell("note"))
        if values["kind"] == IndicatorKind.NUMERIC and bool(values["operator"]) != (values["target_value"] is not None):
            cell(
                "operator", _fail, message=_("Chỉ tiêu dạng số cần có cả phép so sánh và ngưỡng, hoặc để trống cả hai.")
            )
        groups = {}
        for key in GROUP_KEYS:
            if key in self.present:
                target = cell(key, _group_target, default_operator=values["operator"] or "")
                if target and any(part not in ("", None) for part in target):
                    groups[key] = target
        values["groups"] = groups
        return values

    def _target(self, cell, codes: set) -> dict:
        values = {
            "indicator": cell("indicator", _member, allowed=codes, message=_("Không có chỉ tiêu mã %(v)s.")),
            "region": cell("region", _choice(Region)),
            "commune_group": cell("commune_group", _choice(CommuneGroup)),
            "year": cell("year", _count) or 0,
            "operator": cell("operator", _choice(Operator)),
            "value": cell("value", _decimal),
            "text": cell("text"),
            "unit": cell("unit"),
        }
        if bool(values["operator"]) != (values["value"] is not None):
            cell("operator", _fail, message=_("Cần có cả phép so sánh và ngưỡng, hoặc để trống cả hai."))
        return values

    def _provenance(self, codes: set) -> dict:
        rows = self._rows(
            PROVENANCE_SHEET,
            PROVENANCE_COLUMNS,
            lambda cell: {
                "object": cell(
                    "object", _member, allowed=codes | {SET_OBJECT}, message=_("Không có chỉ tiêu mã %(v)s.")
                ),
                "json": cell("json", _json_object),
            },
            key="object",
        )
        return {r["object"]: r["json"] for r in rows}


# Parsers: each returns the value or raises ValueError with the message for the cell.


def _text(raw, **kw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _required(raw, **kw) -> str:
    text = _text(raw)
    if not text:
        raise ValueError(_("Ô này không được để trống."))
    return text


def _code(raw, **kw) -> str:
    text = _required(raw)
    if slugify(text) != text:
        raise ValueError(_("Mã “%(code)s” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.") % {"code": text})
    return text


def _count(raw, required=False, **kw) -> int | None:
    text = _text(raw)
    if not text:
        if required:
            raise ValueError(_("Ô này không được để trống."))
        return None
    if not text.isdigit():
        raise ValueError(_("“%(value)s” không phải là số nguyên không âm.") % {"value": text})
    return int(text)


def _year(raw, **kw) -> int | None:
    year = _count(raw)
    if year is not None and not 1900 <= year <= 2100:
        raise ValueError(_("“%(value)s” không phải là năm.") % {"value": year})
    return year


def _decimal(raw, **kw) -> Decimal | None:
    text = _text(raw).replace(",", ".") if not isinstance(raw, (int, float)) else repr(raw)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” không phải là số.") % {"value": _text(raw)}) from None
    if not number.is_finite() or abs(number) >= Decimal("1e11"):
        raise ValueError(_("“%(value)s” không phải là số.") % {"value": _text(raw)})
    return number.quantize(Decimal("0.001"))


def _date(raw, **kw) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = _text(raw)
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” không phải là ngày hợp lệ (ngày/tháng/năm).") % {"value": text})


def _bool(raw, **kw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).casefold()
    if text in (YES, "x", "true", "1"):
        return True
    if text in (NO, "", "false", "0"):
        return False
    raise ValueError(_("Ô này chỉ nhận “có” hoặc “không”, không nhận “%(value)s”.") % {"value": _text(raw)})


def _choice(choices):
    def parse(raw, required=False, **kw) -> str:
        text = _text(raw)
        if not text and not required:
            return ""
        allowed = [value for value in choices.values if value]
        if text in allowed:
            return text
        raise ValueError(
            _("“%(value)s” không hợp lệ; chọn một trong: %(allowed)s.") % {"value": text, "allowed": ", ".join(allowed)}
        )

    return parse


def _group_target(raw, *, default_operator: str, **kw) -> tuple:
    return parse_target_cell(raw, default_operator=default_operator)


def _member(raw, *, allowed: set, message: str, **kw):
    text = _text(raw)
    value = int(text) if text.isdigit() and any(isinstance(a, int) for a in allowed) else text
    if value not in allowed:
        raise ValueError(message % {"v": text})
    return value


def _fail(raw, *, message: str, **kw):
    raise ValueError(message)


def _department(raw, **kw) -> Department | None:
    code = _text(raw)
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise ValueError(_("Không có phòng, ban mã “%(code)s”.") % {"code": code})
    return department


def _province(raw, **kw) -> AdministrativeUnit | None:
    text = _text(raw)
    if not text:
        return None
    era, _sep, code = text.partition("/")
    unit = AdministrativeUnit.objects.filter(era=era, code=code, level=Level.PROVINCE).first()
    if unit is None:
        raise ValueError(_("Không có tỉnh “%(value)s” (viết thời kỳ/mã, ví dụ pre2025/42).") % {"value": text})
    return unit


def _set_code(raw, **kw) -> CriteriaSet | None:
    code = _text(raw)
    if not code:
        return None
    found = CriteriaSet.objects.filter(code=code).first()
    if found is None:
        raise ValueError(_("Không có bộ tiêu chí mã “%(code)s”.") % {"code": code})
    return found


def _json_object(raw, **kw) -> dict:
    try:
        value = json.loads(_text(raw) or "{}")
    except json.JSONDecodeError as exc:
        raise ValueError(_("Không đọc được JSON: %(error)s.") % {"error": exc.msg}) from None
    if not isinstance(value, dict):
        raise ValueError(_("Cần một đối tượng JSON ({…})."))
    return value


# Writing


def _write(plan: dict, update: CriteriaSet | None) -> CriteriaSet:
    fields = {k: v for k, v in plan["set"].items() if k != "code"}
    fields = {k: ("" if v is None and k in _TEXT_SET_FIELDS else v) for k, v in fields.items()}
    fields["provenance"] = plan["provenance"].get(SET_OBJECT, {})
    if update is None:
        cs = CriteriaSet.objects.create(code=plan["set"]["code"], status=SetStatus.DRAFT, **fields)
    else:
        cs = CriteriaSet.objects.select_for_update().get(pk=update.pk)
        if cs.status != SetStatus.DRAFT:
            raise ValidationError(_("Chỉ cập nhật được bộ tiêu chí nháp."))
        for key, value in fields.items():
            setattr(cs, key, value)
        cs.save()
        Indicator.objects.filter(criteria_set=cs).delete()  # targets go with them
        cs.criteria.all().delete()
    criteria = {}
    for c in plan["criteria"]:
        criteria[c["number"]] = Criterion.objects.create(criteria_set=cs, **{k: v for k, v in c.items() if k != "row"})
    indicators = {}
    for i in plan["indicators"]:
        values = {k: v for k, v in i.items() if k not in ("row", "criterion")}
        indicators[i["code"]] = Indicator.objects.create(
            criterion=criteria[i["criterion"]], provenance=plan["provenance"].get(i["code"], {}), **values
        )
    for t in plan["targets"]:
        values = {k: v for k, v in t.items() if k not in ("row", "indicator")}
        IndicatorTarget.objects.create(indicator=indicators[t["indicator"]], **values)
    return cs


_TEXT_SET_FIELDS = {"decision_number", "issuer", "signer", "appendix", "completeness", "notes"}
