from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.selectors import unit_scope_q
from communes.selectors import unit_for
from criteria.applicability import applicable_sets
from criteria.models import CriteriaSet
from jobs.models import JobStatus
from ntm.lib import uploads
from workbooks import forms
from workbooks.services import background

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def template_download(request, era, code):
    unit = unit_for(era=era, code=code, scope=unit_scope_q(request.user))
    sets = applicable_sets(unit)
    queryset = CriteriaSet.objects.filter(pk__in=[s.pk for s in sets]).order_by("-period_start", "code")
    form = forms.TemplateForm(request.POST or None, criteria_sets=queryset, unit=unit) if sets else None
    background_needed = background.needs_background(unit)
    if form is not None and form.is_valid():
        criteria_set, as_of = form.cleaned_data["criteria_set"], form.cleaned_data["as_of"]
        try:
            if background_needed:
                job = background.template_start(criteria_set=criteria_set, unit=unit, as_of=as_of, by=request.user)
                return redirect(job)
            content = background.template_bytes(criteria_set, unit, as_of)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            response = HttpResponse(content, content_type=XLSX)
            name = background.template_file_name(criteria_set, unit, as_of)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    ctx = {"unit": unit, "form": form, "background": background_needed, "direct_max": background.DIRECT_MAX_COMMUNES}
    return render(request, "workbooks/template.html", ctx)


@uploads.upload_limit("NTM_IMPORT_MAX_BYTES")
@login_required
def import_upload(request):
    if request.method == "POST" and uploads.declared_too_large(request, settings.NTM_IMPORT_MAX_BYTES):
        # Refused before anything reads the body: a huge upload is neither stored nor parsed.
        refused = forms.too_large_message(uploads.declared_size(request))
        ctx = {**_import_context(forms.ImportForm()), "refused": refused}
        return render(request, "workbooks/import.html", ctx, status=413)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        job = background.import_start(
            upload=form.cleaned_data["file"],
            by=request.user,
            as_of=form.cleaned_data["as_of"],
            dry_run=form.cleaned_data["dry_run"],
        )
        _say_if_waiting(request, job)
        return redirect(job)
    return render(request, "workbooks/import.html", _import_context(form))


def _import_context(form) -> dict:
    return {"form": form, "max_mb": formats.number_format(settings.NTM_IMPORT_MAX_BYTES / 1048576, 1)}


def _say_if_waiting(request, job) -> None:
    # job_start sent the job at once (no transaction is open here): never sent means the broker is down.
    job.refresh_from_db(fields=["status", "enqueued_at"])
    if job.status == JobStatus.QUEUED and job.enqueued_at is None:
        messages.warning(
            request,
            _(
                "Đã nhận tệp, sẽ xử lý khi hệ thống chạy nền hoạt động lại. "
                "Bạn không cần tải lên lại; kết quả sẽ hiện ở trang này."
            ),
        )
