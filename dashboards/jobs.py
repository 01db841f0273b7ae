"""The dashboard's background job (thin: the work is in dashboards.export)."""

from django.utils.translation import gettext_lazy

from dashboards import export
from jobs.registry import job_kind


@job_kind(export.KIND, label=gettext_lazy("Xuất bảng theo dõi ra Excel"))
def dashboard_xlsx(job) -> dict:
    return export.export_run(job)
