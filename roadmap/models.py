"""The roadmap (lộ trình: the year a commune plans to reach each level) and the official
recognitions (công nhận đạt chuẩn: a decision with number and date).

Levels reuse the criteria sets' levels (criteria.models.SetLevel), so "a set of that level" and
"recognised at that level" speak of the same thing. Both models keep their history: reviewers
change plans over the years and the committee wants to see who moved a target and when.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from criteria.models import SetLevel
from ntm.lib.notes import validate_note_length

# The levels a commune is planned for and recognised at, lowest first; rank() orders them. The
# 2026-2030 "NTM hiện đại" is only a pilot framework (QĐ 51/2025), with no recognition yet.
LEVELS = (SetLevel.NTM, SetLevel.NANG_CAO, SetLevel.KIEU_MAU)
LEVEL_CHOICES = [(level.value, level.label) for level in LEVELS]
# The national target programme on new rural areas began in 2010 (QĐ 800/QĐ-TTg, 04/06/2010): no
# recognition decision predates it.
RECOGNITION_START = datetime.date(2010, 1, 1)


def rank(level: str) -> int:
    """0 for NTM, 1 for nâng cao …; -1 for anything else (never counts as reaching a level)."""
    return LEVELS.index(level) if level in LEVELS else -1


class Plan(models.Model):
    commune = models.ForeignKey(
        "communes.AdministrativeUnit",
        models.CASCADE,
        related_name="plans",
        verbose_name=_("xã"),
        limit_choices_to={"level": 3},
    )
    level = models.CharField(_("mức"), max_length=20, choices=LEVEL_CHOICES)
    target_year = models.PositiveSmallIntegerField(_("năm phấn đấu đạt chuẩn"))
    note = models.TextField(_("ghi chú"), blank=True, validators=[validate_note_length])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lộ trình")
        verbose_name_plural = _("lộ trình")
        ordering = ["commune__path", "level"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "level"], name="plan_unique_level"),
            models.CheckConstraint(
                condition=models.Q(target_year__gte=2010, target_year__lte=2100), name="plan_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.commune.name} · {self.get_level_display()} · {self.target_year}"


class Recognition(models.Model):
    commune = models.ForeignKey(
        "communes.AdministrativeUnit",
        models.PROTECT,
        related_name="recognitions",
        verbose_name=_("xã"),
        limit_choices_to={"level": 3},
    )
    level = models.CharField(_("mức"), max_length=20, choices=LEVEL_CHOICES)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200)
    note = models.TextField(_("ghi chú"), blank=True, validators=[validate_note_length])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        ordering = ["commune__path", "-decision_date"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "level", "decision_number"], name="recognition_unique_decision"),
        ]
        indexes = [models.Index(fields=["commune", "-decision_date"], name="recognition_latest")]

    def __str__(self):
        return f"{self.commune.name} · {self.get_level_display()} · {self.decision_number}"

    def clean(self):
        """A decision date the programme could have produced: from RECOGNITION_START, not in the future,
        not before the commune existed. Here, so the page, the admin and the service all refuse it."""
        date = self.decision_date
        if date is None:
            return
        shown = formats.date_format(date, "SHORT_DATE_FORMAT")
        if date < RECOGNITION_START:
            message = _(
                "Ngày quyết định %(date)s không hợp lệ: chương trình xây dựng nông thôn mới bắt đầu từ năm "
                "2010, chưa có quyết định công nhận nào trước đó."
            ) % {"date": shown}
        elif date > timezone.localdate():
            message = _("Ngày quyết định không thể ở tương lai.")
        elif self.commune_id and self.commune.valid_from and date < self.commune.valid_from:
            message = _("Ngày quyết định %(date)s trước ngày thành lập %(unit)s (%(from)s).") % {
                "date": shown,
                "unit": self.commune.name,
                "from": formats.date_format(self.commune.valid_from, "SHORT_DATE_FORMAT"),
            }
        else:
            return
        raise ValidationError({"decision_date": message}, code="implausible_date")
