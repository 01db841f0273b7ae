"""Number formats of the dashboards, in the active language (15,3 in Vietnamese, 15.3 in English)."""

from django import template
from django.utils import formats

from dashboards.rows_html import commune_rows_html
from ntm.lib import numbers

register = template.Library()


@register.filter
def one_decimal(value) -> str:
    """Bình quân tiêu chí/xã: one decimal, "—" when there is nothing to average."""
    if value is None:
        return "—"
    return numbers.one_decimal(value)


@register.filter
def signed(value, decimals: int = 0) -> str:
    """A change with its sign: +2, −1, ±0 (the true minus sign, which reads better than a hyphen)."""
    if value is None:
        return "—"
    if decimals:
        text = (
            numbers.one_decimal(abs(value))
            if decimals == 1
            else formats.number_format(abs(value), decimal_pos=decimals, use_l10n=True)
        )
    else:
        text = numbers.grouped(abs(value))
    if value > 0:
        return f"+{text}"
    return f"−{text}" if value < 0 else f"±{text}"


@register.filter
def percent(value) -> str:
    """A share 0..1 as a whole percentage."""
    return f"{round(100 * (value or 0))}%"


@register.simple_tag
def commune_rows(rows, board, area):
    """The table's commune rows, one page of board.rows (dashboards.rows_html: one string per row)."""
    return commune_rows_html(rows, shows_parent=area.shows_parent, recognitions_installed=board.recognitions.installed)
