"""Reading one cell of a filled-in template: a yes/no answer, a number, a date, a note.

Each parser returns the value or raises CellError with a Vietnamese message for the officer.
People type numbers the Vietnamese way ("75,5") as often as Excel stores them as numbers, so
both are accepted; anything else is refused rather than guessed.
"""

import datetime
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from workbooks import layout as L

# IndicatorResult.value is a DecimalField(max_digits=14, decimal_places=3).
PLACES = Decimal("0.001")
LIMIT = Decimal("1e11")


class CellError(Exception):
    pass


def is_formula(cell) -> bool:
    """A cell holding a formula (the workbook is read with formulas, not their cached results)."""
    return getattr(cell, "data_type", None) == "f"


def formula_error(cell) -> str:
    return _("Ô chứa công thức (%(formula)s); hãy nhập giá trị, ví dụ dán đặc biệt chỉ lấy giá trị.") % {
        "formula": str(getattr(cell.value, "text", None) or cell.value)[:60]}


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _normal(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def parse_yes_no(raw) -> bool:
    if isinstance(raw, str):
        answer = {_normal(L.YES): True, _normal(L.NO): False}.get(_normal(raw))
        if answer is not None:
            return answer
    raise CellError(_("Ô này chỉ nhận “%(yes)s” hoặc “%(no)s”, không nhận “%(value)s”.") % {
        "yes": L.YES, "no": L.NO, "value": shown(raw),
    })


def parse_number(raw, *, percent: bool) -> Decimal:
    """A non-negative number, at most 0-100 for a percentage, rounded to the 3 places stored."""
    number = _to_decimal(raw, percent)
    if number is None:
        raise CellError(_("“%(value)s” không phải là số.") % {"value": shown(raw)})
    if percent and not 0 <= number <= 100:
        raise CellError(_("Tỷ lệ phần trăm phải từ 0 đến 100, không phải %(value)s.") % {"value": shown(raw)})
    if number < 0:
        raise CellError(_("Giá trị phải là số không âm, không phải %(value)s.") % {"value": shown(raw)})
    if number >= LIMIT:
        raise CellError(_("Số %(value)s quá lớn.") % {"value": shown(raw)})
    return number.quantize(PLACES, rounding=ROUND_HALF_UP)


def _to_decimal(raw, percent: bool) -> Decimal | None:
    if isinstance(raw, bool) or isinstance(raw, (datetime.date, datetime.time)):
        return None
    if isinstance(raw, (int, float)):
        return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if percent and text.endswith("%"):
        text = text[:-1]
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 75,5: the Vietnamese decimal comma
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


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


def shown(raw) -> str:
    """The cell's content as the officer would recognise it in a message."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return formats.number_format(raw, use_l10n=True)
    if isinstance(raw, (datetime.date, datetime.datetime)):
        return formats.date_format(raw, "SHORT_DATE_FORMAT")
    return str(raw).strip()
