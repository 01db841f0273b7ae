"""The criteria set admin's Excel action and page (hooked into criteria/admin.py): export the chosen
sets, and import a workbook as a new draft set or as the update of a draft."""

import io
import zipfile

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import administers, criteria_sets_q, sees_everything
from criteria import workbook as criteria_io
from criteria.models import CriteriaSet, SetStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(queryset) -> HttpResponse:
    """One set: its .xlsx; several: a .zip of one .xlsx each."""
    sets = list(queryset.select_related("province", "derived_from"))
    if len(sets) == 1:
        response = HttpResponse(criteria_io.criteria_set_export(sets[0]), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{criteria_io.export_file_name(sets[0])}"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for cs in sets:
            archive.writestr(criteria_io.export_file_name(cs), criteria_io.criteria_set_export(cs))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="bo-tieu-chi.zip"'
    return response


class CriteriaImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp sổ tính (.xlsx)"))
    update = forms.ModelChoiceField(
        queryset=CriteriaSet.objects.filter(status=SetStatus.DRAFT),
        required=False,
        label=gettext_lazy("Cập nhật bộ nháp"),
        empty_label=gettext_lazy("— tạo bộ tiêu chí nháp mới —"),
        help_text=gettext_lazy(
            "Để trống: tạo bộ nháp mới với mã ghi trong tệp. Chọn một bộ nháp: thay toàn bộ "
            "tiêu chí, chỉ tiêu và chỉ tiêu theo vùng/nhóm/năm của bộ đó."
        ),
    )


def import_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = CriteriaImportForm(request.POST or None, request.FILES or None)
    may_own = None
    if not sees_everything(request.user):
        # A criteria admin updates only their province's drafts and imports only sets of their province.
        form.fields["update"].queryset = form.fields["update"].queryset.filter(criteria_sets_q(request.user, edit=True))
        may_own = lambda province: administers(request.user, province)  # noqa: E731
    errors = []
    if form.is_valid():
        result = criteria_io.criteria_set_import(
            form.cleaned_data["file"], update=form.cleaned_data["update"], may_own=may_own
        )
        if result.ok:
            url = reverse("admin:criteria_criteriaset_change", args=[result.criteria_set.pk])
            messages.success(
                request,
                format_html(
                    _('Đã nhập bộ tiêu chí nháp <a href="{}">{}</a>: {} tiêu chí, {} chỉ tiêu.'),
                    url,
                    result.criteria_set.code,
                    result.counts["criteria"],
                    result.counts["indicators"],
                ),
            )
            return HttpResponseRedirect(url)
        errors = result.errors
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "form": form,
        "errors": errors,
        "title": _("Nhập bộ tiêu chí từ Excel"),
    }
    return TemplateResponse(request, "admin/criteria/criteriaset/import.html", context)
