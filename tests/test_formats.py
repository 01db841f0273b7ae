"""Dates are written and read day first in Vietnamese (the project's ntm/formats/vi overrides Django's)."""

import datetime
import re

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


def test_no_template_writes_an_id_or_a_revision_into_a_link_or_a_field_the_vietnamese_way():
    """USE_THOUSAND_SEPARATOR writes 25265 as 25.265 in a Vietnamese page. An id or a revision in a
    link, a form value or an htmx attribute must come back as a number, so it goes through
    |unlocalize (or sits in {% localize off %})."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    attribute = re.compile(r'(?:href|value|action|hx-[a-z]+|data-[a-z-]+)="[^"]*?\{\{\s*([^}|]+?)\s*\}\}')
    numeric = re.compile(r"(?:^|\.)(?:pk|id|\w+_id|revision)$")
    offenders = []
    for path in sorted(root.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "{% localize off %}" in text:
            continue
        for match in attribute.finditer(text):
            if numeric.search(match.group(1)):
                offenders.append(f"{path.relative_to(root)}: {match.group(0)}")
    assert offenders == []
