"""The report form: the fields the office fills, kept per unit, and the report's date."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import ReportSettings

FORMATS = (("docx", _("Word (.docx)")), ("pdf", _("PDF")))


class ReportForm(forms.ModelForm):
    report_date = forms.DateField(
        label=_("Ngày báo cáo"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file_format = forms.ChoiceField(label=_("Định dạng"), choices=FORMATS, initial="docx", widget=forms.RadioSelect)

    class Meta:
        model = ReportSettings
        fields = [
            "governing_body",
            "issuing_body",
            "number",
            "sign",
            "place",
            "signer_authority",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "governing_body": _("Để trống nếu cơ quan ban hành không có cơ quan chủ quản (như Ủy ban nhân dân)."),
            "number": _("Để trống nếu văn thư ghi số khi đăng ký văn bản."),
            "recipients": _("Mỗi dòng một nơi nhận; dòng cuối thường là “Lưu: VT”."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_date"].initial = timezone.localdate()
