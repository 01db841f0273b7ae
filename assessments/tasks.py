"""Background work on assessments: the recompute job and the daily reminders (thin; the work is in
assessments.recompute and assessments.reminders)."""

from celery import shared_task
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.registry import job_kind

RECOMPUTE = "recompute_summaries"


@job_kind(RECOMPUTE, label=gettext_lazy("Tính lại kết quả tổng hợp của các đánh giá"))
def recompute_summaries(job) -> dict:
    """The job: params may hold "set" (a criteria set code) and "unit" ("ERA/CODE")."""
    from assessments import recompute  # local imports: this module is imported while apps load
    from jobs import services

    def progress(done: int, total: int) -> None:
        message = _("Đã xem %(done)s/%(total)s đánh giá chưa duyệt.") % {"done": done, "total": total}
        services.job_progress(job, done=done, total=total, message=message)

    unit = recompute.unit_by_key(job.params["unit"]) if job.params.get("unit") else None
    report = recompute.summaries_recompute(set_code=job.params.get("set"), unit=unit, on_progress=progress)
    return report.as_dict()


@shared_task(ignore_result=True)
def send_reminders() -> None:
    import dataclasses

    from assessments import reminders
    from jobs import services
    from jobs.tasks import SEND_REMINDERS

    # Once a day, however many beats sent it (jobs.services.run_once_a_day); each email is also recorded
    # per person and day (SentReminder), and `manage.py send_reminders` retries the refused ones by hand.
    services.run_once_a_day(SEND_REMINDERS, lambda: dataclasses.asdict(reminders.reminders_send()))
