"""The assessments' job kind: recompute the stored summaries (thin; the work is in assessments.recompute).
Imported by jobs.apps once the models are loaded (jobs.registry)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import recompute
from jobs import services
from jobs.registry import job_kind

RECOMPUTE = "recompute_summaries"


@job_kind(RECOMPUTE, label=gettext_lazy("Tính lại kết quả tổng hợp của các đánh giá"))
def recompute_summaries(job) -> dict:
    """The job: params may hold "set" (a criteria set code) and "unit" ("ERA/CODE")."""

    def progress(done: int, total: int) -> None:
        message = _("Đã xem %(done)s/%(total)s đánh giá chưa duyệt.") % {"done": done, "total": total}
        services.job_progress(job, done=done, total=total, message=message)

    unit = recompute.unit_by_key(job.params["unit"]) if job.params.get("unit") else None
    report = recompute.summaries_recompute(set_code=job.params.get("set"), unit=unit, on_progress=progress)
    return report.as_dict()
