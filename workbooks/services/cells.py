"""Reading one cell of a filled-in template: a yes/no answer, a number, a date, a note.

Each parser returns the value or raises CellError with a Vietnamese message for the officer.
People type numbers the Vietnamese way ("75,5") as often as Excel stores them as numbers, so
both are accepted; anything else is refused rather than guessed.
"""

import datetime
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from assessments.services import values
from ntm.lib import notes
from workbooks import layout as L


class CellError(Exception):
    pass


def is_formula(cell) -> bool:
    """A cell holding a formula (the workbook is read with formulas, not their cached results)."""
    return getattr(cell, "data_type", None) == "f"


def formula_error(cell) -> str:
    return _("Ô chứa công thức (%(formula)s); hãy nhập giá trị, ví dụ dán đặc biệt chỉ lấy giá trị.") % {
        "formula": str(getattr(cell.value, "text", None) or cell.value)[:60]
    }


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def parse_yes_no(raw) -> bool:
    if isinstance(raw, str):
        answer = {_normal(L.YES): True, _normal(L.NO): False}.get(_normal(raw))
        if answer is not None:
            return answer
    raise CellError(
        _("Ô này chỉ nhận “%(yes)s” hoặc “%(no)s”, không nhận “%(value)s”.")
        % {
            "yes": L.YES,
            "no": L.NO,
            "value": shown(raw),
        }
    )


def parse_number(raw, *, indicator, target=None) -> Decimal:
    """The value of a numeric indicator's cell, by the entry service's rules (assessments.services.values):
    the same as the entry page and the API."""
    try:
        return values.clean_value(raw, indicator=indicator, target=target)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from exc


def parse_date(raw) -> datetime.date:
    if is_blank(raw):
        raise CellError(_("Chưa nhập ngày đánh giá."))
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 2958466:
        return from_excel(raw).date()  # a date typed into a cell formatted as a number
    if isinstance(raw, str):
        for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(raw.strip(), fmt).date()
            except ValueError:
                continue
    raise CellError(_("“%(value)s” không phải là ngày hợp lệ (ngày/tháng/năm).") % {"value": shown(raw)})


def parse_note(raw) -> str:
    if is_blank(raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def parse_note_cell(raw) -> str:
    """An evidence note's cell: at most NTM_NOTE_MAX_CHARS characters, as on the entry page."""
    try:
        return notes.clean_note(parse_note(raw))
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from exc


def shown(raw) -> str:
    """The cell's content as the officer would recognise it in a message."""
    return values.shown(raw)
