"""Presentation helpers shared by the pages: badges, Vietnamese dates and numbers, targets.

Load with {% load ntm_ui %}.
"""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from criteria.models import Operator, SetStatus
from ntm.lib import html, notes

register = template.Library()

OPERATOR_SYMBOLS = dict(Operator.choices)


@register.filter
def width_class(percent) -> str:
    """The class sizing a bar to `percent`% (no style attribute: see ntm.lib.html.width_class)."""
    return html.width_class(percent)


@register.simple_tag
def note_max_chars() -> int:
    """The most characters a note or reason may hold (settings.NTM_NOTE_MAX_CHARS), for maxlength."""
    return notes.max_chars()


@register.simple_tag
def demo_badge(title: str = "") -> str:
    """The badge every page puts next to generated (demo) data, so nobody reads it as official."""
    title = title or _("Dữ liệu mô phỏng để trình diễn, không phải số liệu chính thức.")
    return format_html('<span class="badge text-bg-warning" title="{}">{}</span>', title, _("Dữ liệu demo"))


@register.simple_tag
def set_status_badge(criteria_set) -> str:
    if criteria_set.status == SetStatus.PUBLISHED and criteria_set.published_by_demo:
        # Published by `load_demo` only: the set was not checked against the decision by an admin.
        label, css = _("Công bố cho demo"), "text-bg-warning"
    elif criteria_set.status == SetStatus.PUBLISHED:
        label, css = _("Đã công bố"), "text-bg-success"
    elif criteria_set.status == SetStatus.DRAFT:
        label, css = _("Nháp"), "text-bg-secondary"
    else:
        label, css = criteria_set.get_status_display(), "text-bg-light border"
    return format_html('<span class="badge {}">{}</span>', css, label)


@register.filter
def short_date(value) -> str:
    """dd/mm/yyyy in Vietnamese (Django's vi locale writes d-m-Y); the English catalogue gives its own."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, pgettext("định dạng ngày (cú pháp Django)", "d/m/Y"))


@register.filter
def short_datetime(value) -> str:
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), pgettext("định dạng ngày giờ (cú pháp Django)", "H:i d/m/Y"))


def _trimmed(value: Decimal) -> Decimal:
    # Thresholds are stored with three decimals: 36.000 must read "36", not "36,000" (36 in vi).
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


@register.filter
def plain_number(value) -> str:
    """A number in the active language's format, without trailing zeros: 1.234,5 in vi, 1,234.5 in en."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        value = _trimmed(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def target_label(*, operator: str, value: Decimal | None, text: str, unit: str) -> str:
    """The text the decision writes when there is one, else "≥80%" built from operator and value."""
    if text:
        return text
    if operator and value is not None:
        number = plain_number(value)
        suffix = unit if unit == "%" else f" {unit}" if unit else ""
        return f"{OPERATOR_SYMBOLS.get(operator, operator)}{number}{suffix}"
    return ""


@register.filter
def indicator_target(indicator) -> str:
    return target_label(
        operator=indicator.operator, value=indicator.target_value, text=indicator.target_text, unit=indicator.unit
    )


@register.filter
def variant_target(variant) -> str:
    return target_label(operator=variant.operator, value=variant.value, text=variant.text, unit=variant.unit)


@register.filter
def variant_scope(variant) -> str:
    """Where a variant applies: "Bắc Trung Bộ · từ năm 2024"; years apply until a later year's variant."""
    parts = [variant.get_region_display(), variant.get_commune_group_display()]
    if variant.year:
        parts.append(_("từ năm %(year)s") % {"year": variant.year})
    return " · ".join(p for p in parts if p) or _("Chung")


# The sign-in pages (accounts/urls.py): coming back to one of them after signing in makes no sense.
AUTH_PAGES = {
    "login", "logout", "password_change", "password_change_done", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete",
}


@register.simple_tag(takes_context=True)
def login_url(context) -> str:
    """The login page, with ?next= the current page so that signing in comes back here."""
    request = context.get("request")
    url = resolve_url(settings.LOGIN_URL)
    match = getattr(request, "resolver_match", None)
    if request is None or (match is not None and match.url_name in AUTH_PAGES and not match.namespace):
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


@register.simple_tag
def criteria_bodies(summary):
    """The commune page's criteria rows with their indicators (web.criteria_html)."""
    from web.criteria_html import criteria_bodies_html  # imports this module's plain_number

    return criteria_bodies_html(summary)
