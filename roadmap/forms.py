import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roadmap.models import LEVEL_CHOICES, Recognition


class PlanForm(forms.Form):
    """The planned year of one level; an empty year removes the plan."""

    target_year = forms.IntegerField(
        label=_("Năm phấn đấu đạt chuẩn"), required=False, min_value=2010, max_value=2100,
        help_text=_("Để trống để xóa lộ trình của mức này."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecognitionForm(forms.ModelForm):
    class Meta:
        model = Recognition
        fields = ["level", "decision_number", "decision_date", "issuing_body", "note"]
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = LEVEL_CHOICES
        # The browser's date picker sends ISO dates; typed Vietnamese dates (dd/mm/yyyy) are accepted too.
        self.fields["decision_date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean_decision_date(self):
        value: datetime.date = self.cleaned_data["decision_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày quyết định không thể ở tương lai."))
        return value
