"""Filters for job results, which are stored as JSON (dates as ISO strings)."""

import datetime

from django import template

register = template.Library()


@register.filter
def iso_date(value):
    """ "2024-06-30" → a date, so that the usual date filters format it; anything else passes unchanged."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
