"""The log of assessment imports: who imported which file, when, and what came of it.

A failed import writes nothing else, so this row is the only trace of it: it keeps every problem
found (sheet, cell, message) so that an office can answer "why was my file refused?" later.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", _("Thành công")
        FAILED = "failed", _("Không thành công")

    who = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    when = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    # {"sheets", "created", "updated", "unchanged", "results_changed"}
    counts = models.JSONField(_("số liệu"), default=dict, blank=True)
    # [{"sheet", "cell", "message"}], in the order they were found
    errors = models.JSONField(_("lỗi"), default=list, blank=True)

    class Meta:
        verbose_name = _("lần nhập sổ tính")
        verbose_name_plural = _("các lần nhập sổ tính")
        ordering = ["-when", "-id"]

    def __str__(self):
        return f"{self.file_name} · {self.get_outcome_display()}"
