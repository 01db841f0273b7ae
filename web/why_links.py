"""The attributes that make a state badge open its explanation (web.views_why).

Without JavaScript the link opens the explanation's page; with it, htmx loads the explanation into
the page's dialog (templates/web/why/_modal.html) and Bootstrap opens the dialog. Used by the
templates (web/templatetags/why_ui.py) and by the rows written in Python (web/criteria_html.py).
"""

from django.utils.translation import gettext

from ntm.lib.html import escape


def modal_attrs(url: str) -> str:
    """href, htmx and dialog attributes of a badge's link (escaped, for inside a tag)."""
    u, title = escape(url), escape(gettext("Xem vì sao"))
    return (
        f'href="{u}" hx-get="{u}" hx-target="#why-modal-body" hx-swap="innerHTML" data-bs-toggle="modal" '
        f'data-bs-target="#why-modal" data-testid="why-link" title="{title}"'
    )


def inner_attrs(url: str) -> str:
    """A link inside an explanation to another one: replaces the dialog's content (the dialog stays open)."""
    u = escape(url)
    return f'href="{u}" hx-get="{u}" hx-target="#why-modal-body" hx-swap="innerHTML"'
