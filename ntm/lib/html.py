"""HTML escaping for pages that write many rows in Python (dashboards.rows_html, web.criteria_html)."""

import html


def escape(text) -> str:
    """What django.utils.html.escape does (it calls html.escape), without its lazy-string wrapper, which
    costs more than the escaping itself on tens of thousands of cells."""
    return html.escape(str(text))


def width_class(percent) -> str:
    """The class giving an element `percent`% of its parent's width (w-pct-0 .. w-pct-100 in web/ntm.css).

    Bars are sized by class, not by a style attribute, because the Content-Security-Policy forbids
    inline styles. Rounded to a whole percent and kept within 0..100.
    """
    try:
        value = round(float(percent))
    except (TypeError, ValueError):
        value = 0
    return f"w-pct-{min(100, max(0, value))}"


def safe_url(url: str) -> str:
    """`url` if it is a web address (http:// or https://), else "": only those become links, never a
    note, a javascript: or a data: URL."""
    url = (url or "").strip()
    return url if url.startswith(("https://", "http://")) else ""
