"""Forms of the commune staff's pages: creating an assessment and entering its results.

The entry form is built from the set's indicators, one group of fields per indicator, named after
its code ("value-2.1", "met-2.1", "note-2.1"), so a posted form maps straight onto the `entries`
that assessments.services.indicator_results_update takes.
"""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy, pgettext_lazy

from assessments.forms.review import STALE_PAGE
from assessments.services import values
from criteria.models import IndicatorKind
from ntm.lib import notes
from ntm.lib.forms import DayField

parse_number = values.parse_number  # kept importable from here


class AssessmentCreateForm(forms.Form):
    criteria_set = forms.ModelChoiceField(
        queryset=None,
        label=pgettext_lazy("một bộ", "Bộ tiêu chí"),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Bộ tiêu chí này không áp dụng cho xã.")},
    )
    as_of = DayField(label=gettext_lazy("Ngày đánh giá"))
    copy_from_latest = forms.BooleanField(
        label=gettext_lazy("Bắt đầu từ giá trị của lần đánh giá gần nhất"),
        required=False,
        help_text=gettext_lazy("Sao chép giá trị, kết quả đạt / chưa đạt và ghi chú; không sao chép tệp minh chứng."),
    )

    def __init__(self, *args, criteria_sets, commune, proposed_as_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = criteria_sets
        # Today in Việt Nam, or the commune's last day if it no longer exists (a pre-2025 commune),
        # unless the view proposes a date that has no assessment yet.
        today = timezone.localdate()
        self.fields["as_of"].initial = proposed_as_of or (min(today, commune.valid_to) if commune.valid_to else today)


def format_number(value: Decimal | None) -> str:
    """A stored value as the input shows it: no trailing zeros, the language's decimal mark, no grouping."""
    if value is None:
        return ""
    value = value.normalize()
    text = f"{value.quantize(Decimal(1)) if value == value.to_integral_value() else value:f}"
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


class IndicatorValueField(forms.CharField):
    """A measured value, checked by the entry service's rules (assessments.services.values) against
    the target that applies to the assessment: the same rules as the API and a workbook import."""

    def __init__(self, *, indicator, target_of=None, **kwargs):
        super().__init__(required=False, **kwargs)
        self.indicator, self.target_of = indicator, target_of

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        target = self.target_of(self.indicator) if self.target_of else None
        return values.clean_value(text, indicator=self.indicator, target=target)


class NoteField(forms.CharField):
    """An evidence note: its new lines as stored, at most NTM_NOTE_MAX_CHARS characters."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            strip=False,
            validators=[notes.validate_note_length],
            widget=forms.Textarea(attrs={"maxlength": notes.max_chars()}),
            **kwargs,
        )

    def to_python(self, value):
        # Browsers send a textarea's new lines as CR LF; stored notes use LF, so an untouched note
        # must not count as a change (a change voids the department's check), nor a new line as two
        # characters of the limit.
        return super().to_python(value).replace("\r\n", "\n")


MET_CHOICES = [("1", gettext_lazy("Đạt")), ("0", gettext_lazy("Chưa đạt"))]


def _yes_no(value: str):
    return {"1": True, "0": False}.get(value)


class EntryForm(forms.Form):
    """One value (numeric) or đạt / chưa đạt answer (yes/no) and one evidence note per indicator,
    plus the revision the page was rendered from."""

    revision = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )

    def __init__(self, *args, indicators, target_of=None, **kwargs):
        """`target_of(indicator)`: the target that applies to the assessment (its values are checked
        against it, e.g. whether it is a percentage); only called when the form is validated."""
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            code = indicator.code
            if indicator.kind == IndicatorKind.NUMERIC:
                self.fields[f"value-{code}"] = IndicatorValueField(indicator=indicator, target_of=target_of)
            else:
                self.fields[f"met-{code}"] = forms.TypedChoiceField(
                    choices=MET_CHOICES,
                    coerce=_yes_no,
                    empty_value=None,
                    required=False,
                )
            self.fields[f"note-{code}"] = NoteField()

    def entries(self, *, valid_only: bool = False) -> dict:
        """The posted results keyed by code, as indicator_results_update takes them.

        With `valid_only` (the live preview of a form that may hold errors), a field in error is
        treated as empty.
        """
        data = self.cleaned_data if not valid_only else getattr(self, "cleaned_data", {})
        entries = {}
        for indicator in self.indicators:
            code = indicator.code
            key = f"value-{code}" if indicator.kind == IndicatorKind.NUMERIC else f"met-{code}"
            entry = {"value" if indicator.kind == IndicatorKind.NUMERIC else "met": data.get(key)}
            if f"note-{code}" in data:
                entry["note"] = data[f"note-{code}"]
            entries[code] = entry
        return entries


def add_service_errors(form: EntryForm, errors: dict) -> None:
    """Put the entry service's refusals (keyed by indicator code) next to their fields."""
    for code, error_list in errors.items():
        for error in error_list:
            name = {"too_long": f"note-{code}", "invalid_answer": f"met-{code}"}.get(error.code) or (
                f"value-{code}" if f"value-{code}" in form.fields else f"met-{code}"
            )
            form.add_error(name if name in form.fields else None, error)


def has_entries(data) -> bool:
    """True when a POST carries the entry form's fields (the submit button may post them or not)."""
    return any(key.startswith(("value-", "met-", "note-")) for key in data)
