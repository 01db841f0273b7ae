"""Forms of the commune staff's pages: creating an assessment and entering its results.

The entry form is built from the set's indicators, one group of fields per indicator, named after
its code ("value-2.1", "met-2.1", "note-2.1"), so a posted form maps straight onto the `entries`
that assessments.services.indicator_results_update takes.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from criteria.models import Kind

MAX_DIGITS, DECIMAL_PLACES = 14, 3  # IndicatorResult.value


class AssessmentCreateForm(forms.Form):
    criteria_set = forms.ModelChoiceField(
        queryset=None, label=pgettext_lazy("một bộ", "Bộ tiêu chí"), empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Bộ tiêu chí này không áp dụng cho xã.")},
    )
    as_of = forms.DateField(
        label=gettext_lazy("Ngày đánh giá"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    copy_from_latest = forms.BooleanField(
        label=gettext_lazy("Bắt đầu từ giá trị của lần đánh giá gần nhất"), required=False,
        help_text=gettext_lazy("Sao chép giá trị, kết quả đạt / chưa đạt và ghi chú; không sao chép tệp minh chứng."),
    )

    def __init__(self, *args, criteria_sets, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = criteria_sets
        # Today in Việt Nam, or the commune's last day if it no longer exists (a pre-2025 commune).
        today = timezone.localdate()
        self.fields["as_of"].initial = min(today, commune.valid_to) if commune.valid_to else today


def parse_number(text: str) -> Decimal:
    """A number as people type it in Việt Nam or elsewhere: "75", "75,5", "75.5", "1.234,5", "1,234.5".

    With both separators the last one is the decimal mark; a single separator written once is the
    decimal mark (an indicator value is far more often 45,5 triệu than 45.500 triệu); repeated, it
    groups thousands.
    """
    text = re.sub(r"\s", "", text)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", text):
        raise InvalidOperation(text)
    return Decimal(text)


def format_number(value: Decimal | None) -> str:
    """A stored value as the input shows it: no trailing zeros, the language's decimal mark, no grouping."""
    if value is None:
        return ""
    value = value.normalize()
    text = f"{value.quantize(Decimal(1)) if value == value.to_integral_value() else value:f}"
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


class IndicatorValueField(forms.CharField):
    """A measured value: a number, not negative unless the target is, at most 100 for a percentage."""

    def __init__(self, *, indicator, **kwargs):
        super().__init__(required=False, **kwargs)
        self.percent = indicator.unit.strip() == "%"
        target = indicator.target_value
        self.allow_negative = target is not None and target < 0

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            number = parse_number(text)
        except InvalidOperation:
            raise ValidationError(_("“%(value)s” không phải là một số."), code="invalid", params={"value": text})
        if number < 0 and not self.allow_negative:
            raise ValidationError(_("Giá trị không được âm."), code="negative")
        if self.percent and number > 100:
            raise ValidationError(_("Tỷ lệ phần trăm không được lớn hơn 100."), code="over_100")
        whole_digits = len(str(abs(number.to_integral_value(rounding="ROUND_DOWN"))))
        if whole_digits > MAX_DIGITS - DECIMAL_PLACES:
            raise ValidationError(_("Giá trị quá lớn."), code="too_large")
        return number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))


MET_CHOICES = [("1", gettext_lazy("Đạt")), ("0", gettext_lazy("Chưa đạt"))]


def _yes_no(value: str):
    return {"1": True, "0": False}.get(value)


class EntryForm(forms.Form):
    """One value (numeric) or đạt / chưa đạt answer (yes/no) and one evidence note per indicator,
    plus the revision the page was rendered from."""

    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            code = indicator.code
            if indicator.kind == Kind.NUMERIC:
                self.fields[f"value-{code}"] = IndicatorValueField(indicator=indicator)
            else:
                self.fields[f"met-{code}"] = forms.TypedChoiceField(
                    choices=MET_CHOICES, coerce=_yes_no, empty_value=None, required=False,
                )
            self.fields[f"note-{code}"] = forms.CharField(required=False, strip=False)

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            # Browsers send a textarea's new lines as CR LF; stored notes use LF, so an untouched
            # note must not count as a change (a change voids the department's check).
            if name.startswith("note-") and isinstance(value, str):
                cleaned[name] = value.replace("\r\n", "\n")
        return cleaned

    def entries(self, *, valid_only: bool = False) -> dict:
        """The posted results keyed by code, as indicator_results_update takes them.

        With `valid_only` (the live preview of a form that may hold errors), a field in error is
        treated as empty.
        """
        data = self.cleaned_data if not valid_only else getattr(self, "cleaned_data", {})
        entries = {}
        for indicator in self.indicators:
            code = indicator.code
            key = f"value-{code}" if indicator.kind == Kind.NUMERIC else f"met-{code}"
            entry = {"value" if indicator.kind == Kind.NUMERIC else "met": data.get(key)}
            if f"note-{code}" in data:
                entry["note"] = data[f"note-{code}"]
            entries[code] = entry
        return entries


def has_entries(data) -> bool:
    """True when a POST carries the entry form's fields (the submit button may post them or not)."""
    return any(key.startswith(("value-", "met-", "note-")) for key in data)
