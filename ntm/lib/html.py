"""HTML escaping for pages that write many rows in Python (dashboards.rows_html, web.criteria_html)."""

import html


def escape(text) -> str:
    """What django.utils.html.escape does (it calls html.escape), without its lazy-string wrapper, which
    costs more than the escaping itself on tens of thousands of cells."""
    return html.escape(str(text))
