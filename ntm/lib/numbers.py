"""Numbers as Vietnamese offices write them: 10.051 and 13,9 (the active language's format).

One rounding rule for every average a page shows: half up, to one decimal (236/17 = 13,88… → 13,9,
never truncated to 13,8). A change between two averages is the difference of the two rounded
values as shown, so "+5,8 so với 8,1" always adds up to the 13,9 next to it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

ONE_DECIMAL = Decimal("0.1")


def round_half_up(value, places: Decimal = ONE_DECIMAL) -> Decimal | None:
    """`value` (int, float, Decimal or a Fraction-like pair's quotient) rounded half up; None stays None."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return value.quantize(places, rounding=ROUND_HALF_UP)


def average(total: int, count: int) -> Decimal | None:
    """total / count rounded half up to one decimal, computed exactly (no float on the way); None if count is 0."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def change(now: Decimal | None, then: Decimal | None) -> Decimal | None:
    """The difference of two averages as shown (both already rounded): "+5,8 so với 8,1" next to 13,9."""
    if now is None or then is None:
        return None
    return round_half_up(now) - round_half_up(then)


def grouped(value) -> str:
    """An integer with the active language's thousands separator: 10.051 (vi), 10,051 (en)."""
    if -1000 < value < 1000:  # the common case in the 10,000-row tables: no lookup
        return str(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def one_decimal(value) -> str:
    """A value rounded half up and written with one decimal in the active language: 13,9."""
    return formats.number_format(round_half_up(value), decimal_pos=1, use_l10n=True, force_grouping=True)


def _trimmed(value: Decimal) -> Decimal:
    # Thresholds are stored with three decimals: 36.000 must read "36", not "36,000" (36 in vi).
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def plain_number(value) -> str:
    """A number in the active language's format, without trailing zeros: 1.234,5 in vi, 1,234.5 in en."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        value = _trimmed(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)
