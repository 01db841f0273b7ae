"""Dates are written and read day first in Vietnamese (the project's ntm/formats/vi overrides Django's)."""

import datetime

from django import forms
from django.utils import formats, translation


class DateForm(forms.Form):
    day = forms.DateField()


def test_vietnamese_short_dates_read_day_first():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2025"
        form = DateForm(data={"day": "05/03/2025"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2025, 3, 5)


def test_english_keeps_its_own_formats():
    with translation.override("en"):
        assert formats.date_format(datetime.date(2025, 3, 5), "SHORT_DATE_FORMAT") == "03/05/2025"
