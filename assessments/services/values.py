"""What a result may hold, whichever way it comes in: the entry page, the API or a workbook import.

One set of rules, called by indicator_results_update (so nothing else can store what they refuse)
and by the entry form and the workbook reader (so that their messages sit next to the field or
cell in error):

- a numeric indicator takes a number: not negative (unless its target is), at most 100 for a
  percentage, and no larger than IndicatorResult.value stores (rounded to its decimal places); its
  đạt / chưa đạt is computed from the value, so an answer sent with it is dropped;
- a yes/no indicator takes đạt / chưa đạt (true / false) only, never a number;
- a note is at most settings.NTM_NOTE_MAX_CHARS characters (ntm.lib.notes).

Each check raises a ValidationError with a message the officer can act on; `clean_entries` gathers
them keyed by indicator code.
"""

import datetime
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from assessments.models import IndicatorResult
from criteria.models import IndicatorKind
from ntm.lib import notes

_VALUE = IndicatorResult._meta.get_field("value")
MAX_DIGITS, DECIMAL_PLACES = _VALUE.max_digits, _VALUE.decimal_places
PLACES = Decimal(1).scaleb(-DECIMAL_PLACES)
# The first number too large for the column: 10^(14 - 3) = 100.000.000.000.
LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)


def is_percent(indicator, target=None) -> bool:
    """A percentage is entered as 0-100 ("75" for 75%), whichever of the indicator or its variant says so."""
    return "%" in ((indicator.unit or "").strip(), (getattr(target, "unit", "") or "").strip() if target else "")


def parse_number(text: str) -> Decimal:
    """A number as people type it in Việt Nam or elsewhere: "75", "75,5", "75.5", "1.234,5", "1,234.5".

    With both separators the last one is the decimal mark; a single separator written once is the
    decimal mark (an indicator value is far more often 45,5 triệu than 45.500 triệu); repeated, it
    groups thousands. Raises InvalidOperation on anything else.
    """
    text = re.sub(r"\s", "", text)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", text):
        raise InvalidOperation(text)
    return Decimal(text)


def to_decimal(raw) -> Decimal | None:
    """`raw` (a typed text, a JSON or spreadsheet number, a Decimal) as a finite Decimal, or None."""
    if isinstance(raw, (bool, datetime.date, datetime.time)):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw)) if math.isfinite(raw) else None
    if not isinstance(raw, str):
        return None
    text = raw.replace("\u00a0", "").strip()
    if text.endswith("%"):
        text = text[:-1]
    try:
        return parse_number(text)
    except InvalidOperation:
        return None


def shown(raw) -> str:
    """The value as the officer typed it, for a message."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return formats.number_format(raw, use_l10n=True)
    if isinstance(raw, (datetime.date, datetime.datetime)):
        return formats.date_format(raw, "SHORT_DATE_FORMAT")
    return str(raw).strip()[:60]


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_value(raw, *, indicator, target=None) -> Decimal | None:
    """The value to store for `indicator` (None when blank), or a ValidationError saying why not.

    `target` is the target that applies (TargetBook.target_for); without it the indicator's own.
    """
    if _blank(raw):
        return None
    if indicator.kind != IndicatorKind.NUMERIC:
        raise ValidationError(
            _("Chỉ tiêu này chỉ nhận “Đạt” hoặc “Chưa đạt”, không nhận một giá trị số."), code="not_numeric"
        )
    number = to_decimal(raw)
    if number is None:
        raise ValidationError(_("“%(value)s” không phải là số."), code="invalid", params={"value": shown(raw)})
    target_value = getattr(target, "value", None) if target is not None else indicator.target_value
    allow_negative = target_value is not None and target_value < 0
    if is_percent(indicator, target) and (number > 100 or (number < 0 and not allow_negative)):
        raise ValidationError(
            _("Tỷ lệ phần trăm phải từ 0 đến 100, không phải %(value)s."), code="over_100", params={"value": shown(raw)}
        )
    if number < 0 and not allow_negative:
        raise ValidationError(
            _("Giá trị phải là số không âm, không phải %(value)s."), code="negative", params={"value": shown(raw)}
        )
    rounded = number.quantize(PLACES, rounding=ROUND_HALF_UP) if abs(number) < LIMIT else None
    if rounded is None or abs(rounded) >= LIMIT:
        raise ValidationError(
            _("Số %(value)s quá lớn; tối đa %(max)s."),
            code="too_large",
            params={
                "value": shown(raw),
                "max": formats.number_format(LIMIT - PLACES, DECIMAL_PLACES, use_l10n=True, force_grouping=True),
            },
        )
    return rounded


def clean_answer(raw, *, indicator) -> bool | None:
    """The đạt / chưa đạt answer of a yes/no indicator (None when blank): true / false only."""
    if _blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    # Boolean-ish spellings an API client may send (1 / 0, "true" / "false"); nothing else, not 42.
    answer = {"1": True, "0": False, "true": True, "false": False}.get(str(raw).strip().lower())
    if answer is not None and not isinstance(raw, float):
        return answer
    raise ValidationError(
        _("Chỉ tiêu này chỉ nhận “Đạt” hoặc “Chưa đạt”, không nhận “%(value)s”."),
        code="invalid_answer",
        params={"value": shown(raw)},
    )


def clean_entry(entry: dict, *, indicator, target=None) -> dict:
    """`entry` (value / met / note / reason) with every part checked and normalised; a ValidationError
    listing every problem of the entry otherwise."""
    cleaned, errors = dict(entry), []
    if indicator.kind == IndicatorKind.NUMERIC:
        cleaned.pop("met", None)  # computed from the value (TargetBook.evaluate), never taken as sent
    checks = (
        ("value", lambda raw: clean_value(raw, indicator=indicator, target=target)),
        ("met", lambda raw: clean_answer(raw, indicator=indicator)),
        ("note", notes.clean_note),
        ("reason", notes.clean_note),
    )
    for key, check in checks:
        if key in cleaned:
            try:
                cleaned[key] = check(entry[key])
            except ValidationError as exc:
                errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_entries(entries: dict, *, book, commune, as_of) -> dict:
    """Every entry (keyed by indicator code, as indicator_results_update takes them) checked;
    a ValidationError keyed by code naming each problem otherwise. Codes must be in the book."""
    cleaned, errors = {}, {}
    for code, entry in entries.items():
        indicator = book.by_code[code]
        target = book.target_for(indicator, commune, as_of) if "value" in entry else None
        try:
            cleaned[code] = clean_entry(entry, indicator=indicator, target=target)
        except ValidationError as exc:
            errors[code] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned
