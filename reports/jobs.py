"""The reports' background job (thin: the work is in reports.build)."""

from django.utils.translation import gettext_lazy

from jobs.registry import job_kind
from reports import build


@job_kind(build.KIND, label=gettext_lazy("Lập báo cáo theo Nghị định 30"))
def unit_report(job) -> dict:
    return build.report_run(job)
