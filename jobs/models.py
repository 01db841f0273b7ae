"""Background jobs a user starts and then watches (recomputing summaries, later imports and exports).

The row is the job's truth: the page polls it, the worker writes progress into it, and a job whose
message never reached the broker stays "queued" here until `requeue_jobs` sends it again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    SUCCEEDED = "succeeded", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class JobQuerySet(models.QuerySet):
    def for_list_page(self, user):
        """The user's own jobs, newest first, without the wide JSON and error columns."""
        return self.filter(created_by=user).defer("params", "result", "error").order_by("-created_at", "-id")

    def waiting_since(self, cutoff):
        """Queued jobs last sent to the broker (or created, if never sent) before `cutoff`."""
        return self.filter(status=JobStatus.QUEUED).filter(
            Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, created_at__lt=cutoff)
        )


class Job(models.Model):
    kind = models.CharField(_("loại công việc"), max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("người bắt đầu"),
    )
    created_at = models.DateTimeField(_("bắt đầu lúc"), auto_now_add=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("thông báo"), max_length=300, blank=True)
    # The language the user started the job in: the worker writes messages in it.
    language = models.CharField(max_length=10, blank=True)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    enqueued_at = models.DateTimeField(_("gửi vào hàng đợi lúc"), null=True, blank=True)
    started_at = models.DateTimeField(_("chạy từ"), null=True, blank=True)
    # Stamped while the job runs (jobs.services._heartbeat, job_progress): when it stops, the worker died.
    heartbeat_at = models.DateTimeField(_("còn chạy lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    result_file = models.FileField(_("tệp kết quả"), upload_to="jobs/%Y/%m/", max_length=255, blank=True)
    expires_at = models.DateTimeField(_("xóa sau"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("công việc chạy nền")
        verbose_name_plural = _("công việc chạy nền")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_at_most_100"),
        ]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="job_owner_recent"),
            models.Index(fields=["status", "created_at"], name="job_status"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    def get_absolute_url(self):
        return reverse("jobs:detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class SentReminder(models.Model):
    """One reminder email sent to one user on one day, so that a second run that day sends nothing."""

    kind = models.CharField(_("loại nhắc việc"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("người nhận"))
    # What the reminder is about (e.g. "pre2025/18436" for a commune), so one user can get one per commune.
    key = models.CharField(_("về"), max_length=80, blank=True)
    day = models.DateField(_("ngày gửi"))
    subject = models.CharField(_("tiêu đề"), max_length=200)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thư nhắc việc đã gửi")
        verbose_name_plural = _("thư nhắc việc đã gửi")
        ordering = ["-day", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "user", "key", "day"], name="reminder_once_a_day"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.user} ({self.day})"


class DailyRun(models.Model):
    """One periodic task's run on one day (its claim): a second beat, or a second run that day, finds it and stops.

    The row is inserted in the transaction that does the work (jobs.services.run_once_a_day): a run that
    fails rolls its claim back with its work, so a later run that day may try again; a run racing it on
    PostgreSQL waits on the unique index until the first commits, then does nothing.
    """

    kind = models.CharField(_("loại việc định kỳ"), max_length=40)
    day = models.DateField(_("ngày"))
    started_at = models.DateTimeField(_("chạy từ"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lần chạy việc định kỳ")
        verbose_name_plural = _("lần chạy việc định kỳ")
        ordering = ["-day", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "day"], name="daily_run_once_a_day"),
        ]

    def __str__(self):
        return f"{self.kind} ({self.day})"
