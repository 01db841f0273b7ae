"""Form fields shared by every app's forms.

`DayField`: a date typed and shown as dd/mm/yyyy in both languages. A browser's `<input type=date>`
shows its own locale's order (06/30/2025 in an American Chromium), which Vietnamese offices misread,
so the input is text with the format as its placeholder; ISO dates (from scripts, older links) are
still accepted.
"""

from django import forms

DAY_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class DayInput(forms.DateInput):
    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": 10,
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class DayField(forms.DateField):
    widget = DayInput
    input_formats = DAY_FORMATS
