"""The roadmap (lộ trình: the year a commune plans to reach each level) and the official
recognitions (công nhận đạt chuẩn: a decision with number and date).

Levels reuse the criteria sets' levels (criteria.models.SetLevel), so "a set of that level" and
"recognised at that level" speak of the same thing. Both models keep their history: reviewers
change plans over the years and the committee wants to see who moved a target and when.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from criteria.models import SetLevel

# The levels a commune is planned for and recognised at, lowest first; rank() orders them. The
# 2026-2030 "NTM hiện đại" is only a pilot framework (QĐ 51/2025), with no recognition yet.
LEVELS = (SetLevel.NTM, SetLevel.NANG_CAO, SetLevel.KIEU_MAU)
LEVEL_CHOICES = [(level.value, level.label) for level in LEVELS]


def rank(level: str) -> int:
    """0 for NTM, 1 for nâng cao …; -1 for anything else (never counts as reaching a level)."""
    return LEVELS.index(level) if level in LEVELS else -1


class Plan(models.Model):
    commune = models.ForeignKey(
        "communes.AdministrativeUnit", models.CASCADE, related_name="plans", verbose_name=_("xã"),
        limit_choices_to={"level": 3},
    )
    level = models.CharField(_("mức"), max_length=20, choices=LEVEL_CHOICES)
    target_year = models.PositiveSmallIntegerField(_("năm phấn đấu đạt chuẩn"))
    note = models.TextField(_("ghi chú"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
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
        "communes.AdministrativeUnit", models.PROTECT, related_name="recognitions", verbose_name=_("xã"),
        limit_choices_to={"level": 3},
    )
    level = models.CharField(_("mức"), max_length=20, choices=LEVEL_CHOICES)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200)
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        ordering = ["commune__path", "-decision_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "level", "decision_number"], name="recognition_unique_decision"
            ),
        ]
        indexes = [models.Index(fields=["commune", "-decision_date"], name="recognition_latest")]

    def __str__(self):
        return f"{self.commune.name} · {self.get_level_display()} · {self.decision_number}"
