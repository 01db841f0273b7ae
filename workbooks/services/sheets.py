"""Reading one commune sheet of a filled-in template into a plan of what to write, or problems.

Nothing here writes: the plan names the commune, set, date, the existing assessment (if any)
and the entries in the shape assessments.services.indicator_results_update takes.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from assessments import permissions
from assessments.models import Assessment, Status
from assessments.services import TargetBook
from communes.models import AdministrativeUnit, Level
from criteria import applicability
from criteria.models import CriteriaSet, IndicatorKind, SetStatus
from ntm.lib.sheets import Problem, Sheet
from workbooks import layout as L
from workbooks.services import cells


@dataclass
class SheetPlan:
    sheet: str
    commune: AdministrativeUnit
    criteria_set: CriteriaSet
    as_of: datetime.date | None = None
    entries: dict = field(default_factory=dict)
    assessment: Assessment | None = None


def is_template_sheet(ws: Sheet) -> bool:
    return ws[L.MARKER_CELL].value == L.MARKER


class SheetReader:
    """Reads sheets one by one, keeping the sets and communes already looked up."""

    def __init__(self, *, by, as_of: datetime.date | None, reason: str):
        self.by, self.as_of, self.reason = by, as_of, reason
        self.books: dict[str, TargetBook | None] = {}
        self.seen: dict[tuple, str] = {}  # (commune id, set id, date) → sheet that has it
        self.problems: list[Problem] = []

    def problem(self, ws: Sheet, cell: str, message: str) -> None:
        self.problems.append(Problem(ws.title, cell, message))

    def read(self, ws: Sheet) -> SheetPlan | None:
        """The sheet's plan; None when it has problems (recorded) or nothing was entered in it."""
        before = len(self.problems)
        if str(ws[L.VERSION_CELL].value) != L.VERSION:
            self.problem(ws, L.VERSION_CELL, _("Sổ tính theo mẫu cũ, không còn dùng được; hãy tải mẫu mới."))
            return None
        book = self._book(ws)
        if book is None:
            return None
        commune = self._commune(ws)
        plan = SheetPlan(ws.title, commune, book.criteria_set)
        self._merged(ws)
        self._rows(ws, book, plan, self._date_for_targets(ws))
        if not plan.entries or commune is None or len(self.problems) > before:
            return None
        if not self._check_scope_and_date(ws, plan):
            return None
        return plan if len(self.problems) == before else None

    def _book(self, ws: Sheet) -> TargetBook | None:
        code = str(ws[L.SET_CODE_CELL].value or "").strip()
        if code not in self.books:
            criteria_set = CriteriaSet.objects.filter(code=code).first()
            self.books[code] = TargetBook(criteria_set) if criteria_set else None
        book = self.books[code]
        if book is None:
            self.problem(ws, L.SET_CODE_CELL, _("Không có bộ tiêu chí mã “%(code)s”.") % {"code": code})
        elif book.criteria_set.status != SetStatus.PUBLISHED:
            self.problem(ws, L.SET_CODE_CELL, _("Bộ tiêu chí chưa được công bố nên chưa dùng để đánh giá được."))
            return None
        return book

    def _commune(self, ws: Sheet) -> AdministrativeUnit | None:
        era = str(ws[L.ERA_CELL].value or "").strip()
        code = cells.parse_note(ws[L.COMMUNE_CODE_CELL].value)
        commune = AdministrativeUnit.objects.filter(era=era, code=code, level=Level.COMMUNE).first()
        if commune is None:
            self.problem(ws, L.COMMUNE_CODE_CELL, _("Không có xã mã “%(code)s”.") % {"code": code})
        return commune

    def _merged(self, ws: Sheet) -> None:
        """Refuse cells merged inside the table beyond those the template merges itself.

        A merge over two result cells leaves the second one empty, which would silently read as
        "keep what is stored": refused rather than guessed."""
        allowed = {f"{L.SET_NAME_CELL}:{L.LAST_COLUMN}1", f"{L.HINT_CELL}:{L.LAST_COLUMN}3"}
        for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            if merged.min_col > L.META_INDEX or merged.coord in allowed:
                continue
            row = merged.min_row
            if (
                row == merged.max_row
                and merged.coord == f"A{row}:{L.LAST_COLUMN}{row}"
                and ws[f"{L.META_COLUMN}{row}"].value == L.ROW_CRITERION
            ):
                continue
            self.problem(
                ws,
                merged.coord,
                _("Các ô %(cells)s bị gộp; hãy bỏ gộp ô (mỗi chỉ tiêu một dòng, mỗi kết quả một ô).")
                % {"cells": merged.coord},
            )

    def _date_for_targets(self, ws: Sheet) -> datetime.date:
        # Which target applies (hence whether a value is a percentage) may depend on the year;
        # a wrong or missing date is reported later, by _check_scope_and_date.
        try:
            return self.as_of or cells.parse_date(self._date_value(ws))
        except cells.CellError:
            return timezone.localdate()

    def _rows(self, ws: Sheet, book: TargetBook, plan: SheetPlan, as_of: datetime.date) -> None:
        for row in range(L.FIRST_ROW, ws.max_row + 1):
            if ws[f"{L.META_COLUMN}{row}"].value == L.ROW_CRITERION:
                continue
            code = cells.parse_note(ws[f"{L.CODE_COLUMN}{row}"].value)
            if self._formulas(ws, row):
                continue
            raw, raw_note = ws[f"{L.VALUE_COLUMN}{row}"].value, ws[f"{L.NOTE_COLUMN}{row}"].value
            if not code:
                if not (cells.is_blank(raw) and cells.is_blank(raw_note)):
                    self.problem(ws, f"{L.CODE_COLUMN}{row}", _("Dòng có kết quả nhưng không có mã chỉ tiêu."))
                continue
            indicator = book.by_code.get(code)
            if indicator is None:
                self.problem(
                    ws,
                    f"{L.CODE_COLUMN}{row}",
                    _("Không có chỉ tiêu mã “%(code)s” trong bộ tiêu chí.") % {"code": code},
                )
                continue
            if code in plan.entries:
                self.problem(ws, f"{L.CODE_COLUMN}{row}", _("Chỉ tiêu %(code)s có hai dòng.") % {"code": code})
                continue
            target = book.target_for(indicator, plan.commune, as_of) if plan.commune else None
            entry = self._entry(ws, row, indicator, target, raw, raw_note)
            if entry:
                plan.entries[code] = entry

    def _formulas(self, ws: Sheet, row: int) -> bool:
        """Report the formulas in a row's input cells; True if there was one.

        Formulas are refused, not read through their cached results: a file saved by a program that
        does not calculate has none (the cell would read as empty, i.e. "keep what is stored"), a
        cached result may be stale, and a reviewer must see the figure the commune reports, not a
        reference to cells outside the template."""
        found = False
        for column in (L.CODE_COLUMN, L.VALUE_COLUMN, L.NOTE_COLUMN):
            cell = ws[f"{column}{row}"]
            if cells.is_formula(cell):
                self.problem(ws, cell.coordinate, cells.formula_error(cell))
                found = True
        return found

    def _entry(self, ws: Sheet, row: int, indicator, target, raw, raw_note) -> dict:
        entry = {}
        if not cells.is_blank(raw):
            try:
                if indicator.kind == IndicatorKind.NUMERIC:
                    entry["value"] = cells.parse_number(raw, indicator=indicator, target=target)
                else:
                    entry["met"] = cells.parse_yes_no(raw)
            except cells.CellError as exc:
                self.problem(ws, f"{L.VALUE_COLUMN}{row}", str(exc))
        try:
            note = cells.parse_note_cell(raw_note)
        except cells.CellError as exc:
            self.problem(ws, f"{L.NOTE_COLUMN}{row}", str(exc))
            note = ""
        if note:
            entry["note"] = note
        if entry:
            entry["reason"] = self.reason
        return entry

    def _check_scope_and_date(self, ws: Sheet, plan: SheetPlan) -> bool:
        commune = plan.commune
        if not permissions.can_create_assessment(self.by, commune):
            self.problem(
                ws,
                L.COMMUNE_CODE_CELL,
                _("Bạn không có quyền nhập đánh giá của %(name)s (mã %(code)s).")
                % {"name": commune.name, "code": commune.code},
            )
            return False
        try:
            plan.as_of = self.as_of or cells.parse_date(self._date_value(ws))
        except cells.CellError as exc:
            self.problem(ws, L.DATE_CELL, str(exc))
            return False
        return self._check_date(ws, plan) and self._check_existing(ws, plan)

    @staticmethod
    def _date_value(ws: Sheet):
        # =TODAY() would give a different date on every import: refused like any formula.
        cell = ws[L.DATE_CELL]
        if cells.is_formula(cell):
            raise cells.CellError(cells.formula_error(cell))
        return cell.value

    def _check_date(self, ws: Sheet, plan: SheetPlan) -> bool:
        commune, as_of = plan.commune, plan.as_of
        shown = formats.date_format(as_of, "SHORT_DATE_FORMAT")
        if (commune.valid_from and as_of < commune.valid_from) or (commune.valid_to and as_of > commune.valid_to):
            self.problem(
                ws,
                L.DATE_CELL,
                _("Ngày đánh giá %(date)s nằm ngoài thời gian tồn tại của %(unit)s.")
                % {"date": shown, "unit": commune.name},
            )
            return False
        refused = applicability.applicability_error(plan.criteria_set, commune, as_of)
        if refused is not None:
            cell = L.DATE_CELL if refused.code == "set_out_of_period" else L.SET_CODE_CELL
            self.problem(ws, cell, " ".join(refused.messages))
            return False
        key = (commune.pk, plan.criteria_set.pk, as_of)
        if key in self.seen:
            self.problem(
                ws,
                L.COMMUNE_CODE_CELL,
                _("Đánh giá của %(name)s ngày %(date)s đã có ở trang “%(sheet)s”.")
                % {"name": commune.name, "date": shown, "sheet": self.seen[key]},
            )
            return False
        self.seen[key] = ws.title
        return True

    def _check_existing(self, ws: Sheet, plan: SheetPlan) -> bool:
        plan.assessment = Assessment.objects.filter(
            commune=plan.commune, criteria_set=plan.criteria_set, as_of=plan.as_of
        ).first()
        if plan.assessment is None or permissions.can_edit_assessment(self.by, plan.assessment):
            return True
        params = {"name": plan.commune.name, "date": formats.date_format(plan.as_of, "SHORT_DATE_FORMAT")}
        if plan.assessment.status == Status.APPROVED:
            message = _("Đánh giá của %(name)s ngày %(date)s đã được duyệt nên không sửa được.")
        else:
            message = _("Đánh giá của %(name)s ngày %(date)s đã gửi đi thẩm định nên không sửa được.")
        self.problem(ws, L.DATE_CELL, message % params)
        return False
