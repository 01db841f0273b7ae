"""The forms of the workbook pages: choosing a template, uploading a filled-in workbook."""

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ntm.lib.forms import DayField


def too_large_message(size: int) -> str:
    limit = settings.NTM_IMPORT_MAX_BYTES
    return _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.") % {
        "size": formats.number_format(size / 1048576, 1),
        "max": formats.number_format(limit / 1048576, 1),
    }


class TemplateForm(forms.Form):
    criteria_set = forms.ModelChoiceField(
        queryset=None,
        label=pgettext_lazy("một bộ", "Bộ tiêu chí"),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Bộ tiêu chí này không áp dụng cho đơn vị.")},
    )
    as_of = DayField(
        label=gettext_lazy("Ngày đánh giá"),
        help_text=gettext_lazy("Chỉ tiêu áp dụng theo năm của ngày này; ngày được ghi sẵn vào mỗi trang."),
    )

    def __init__(self, *args, criteria_sets, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = criteria_sets
        today = timezone.localdate()
        self.fields["as_of"].initial = min(today, unit.valid_to) if unit.valid_to else today


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp sổ tính (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    as_of = DayField(
        label=gettext_lazy("Ngày đánh giá (không bắt buộc)"),
        required=False,
        help_text=gettext_lazy("Nếu nhập, ngày này thay cho ngày ghi trên mọi trang của sổ tính."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Chỉ kiểm tra (không ghi)"),
        required=False,
        help_text=gettext_lazy("Liệt kê lỗi hoặc những gì sẽ thay đổi, không ghi gì vào hệ thống."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.NTM_IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large_message(upload.size), code="too_large")
        return upload
