"""Presentation helpers shared by the pages: badges, Vietnamese dates and numbers, targets.

Load with {% load ntm_ui %}.
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.html import format_html
from django.utils.translation import gettext as _

from criteria import display
from criteria.models import SetStatus
from ntm.lib import dates, html, notes, numbers
from web.criteria_html import criteria_bodies_html

register = template.Library()


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


# Thin wrappers: the functions live in ntm.lib and criteria.display, where Python code imports them.
register.filter("short_date", dates.short_date)
register.filter("short_datetime", dates.short_datetime)
register.filter("plain_number", numbers.plain_number)
register.filter("indicator_target", display.indicator_target)
register.filter("variant_target", display.variant_target)


@register.filter
def variant_scope(variant) -> str:
    """Where a variant applies: "Bắc Trung Bộ · từ năm 2024"; years apply until a later year's variant."""
    parts = [variant.get_region_display(), variant.get_commune_group_display()]
    if variant.year:
        parts.append(_("từ năm %(year)s") % {"year": variant.year})
    return " · ".join(p for p in parts if p) or _("Chung")


# The sign-in pages (accounts/urls.py): coming back to one of them after signing in makes no sense.
AUTH_PAGES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
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
    return criteria_bodies_html(summary)
