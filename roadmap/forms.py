from django import forms
from django.utils.translation import gettext_lazy as _

from ntm.lib import notes
from ntm.lib.forms import DAY_FORMATS, DayInput
from roadmap.models import LEVEL_CHOICES, Recognition


class PlanForm(forms.Form):
    """The planned year of one level; an empty year removes the plan."""

    target_year = forms.IntegerField(
        label=_("Năm phấn đấu đạt chuẩn"),
        required=False,
        min_value=2010,
        max_value=2100,
        help_text=_("Để trống để xóa lộ trình của mức này."),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        validators=[notes.validate_note_length],
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": notes.max_chars()}),
    )


class RecognitionForm(forms.ModelForm):
    class Meta:
        model = Recognition
        fields = ["level", "decision_number", "decision_date", "issuing_body", "note"]
        widgets = {
            "decision_date": DayInput(),
            "note": forms.Textarea(attrs={"rows": 2, "maxlength": notes.max_chars()}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = LEVEL_CHOICES
        self.fields["decision_date"].input_formats = DAY_FORMATS  # dd/mm/yyyy in both languages
