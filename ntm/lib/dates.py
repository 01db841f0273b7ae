"""Dates and times as the pages write them: 05/03/2025 and 14:30 05/03/2025 in Vietnamese, local time
(Asia/Ho_Chi_Minh); the English catalogue gives its own formats (the strings' context names them)."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import pgettext


def short_date(value) -> str:
    """dd/mm/yyyy in Vietnamese (Django's vi locale writes d-m-Y); the English catalogue gives its own."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, pgettext("định dạng ngày (cú pháp Django)", "d/m/Y"))


def short_datetime(value) -> str:
    if not value:
        return ""
    return formats.date_format(timezone.localtime(value), pgettext("định dạng ngày giờ (cú pháp Django)", "H:i d/m/Y"))
