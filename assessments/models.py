"""Dated assessments of a commune against a criteria set, their per-indicator results, and the
stored summary that dashboards read (updated in the same transaction as the results).

An approved assessment is locked: its row, its results and its evidence refuse to be saved
(Assessment.save and the pre_save guards below), so neither the admin nor the API nor a stray script can change what a
reviewer approved. Only assessments.services.assessment_reopen unlocks it, and says why.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments import rollup
from ntm.lib.notes import validate_note_length


class Status(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


# Commune staff change results and evidence only in these statuses.
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class VerificationState(models.TextChoices):
    """A district department's check of one indicator (rà soát các tiêu chí mình phụ trách)."""

    UNCHECKED = "unchecked", _("Chưa rà soát")
    VERIFIED = "verified", _("Đã xác nhận")
    FLAGGED = "flagged", _("Cần xem lại")


class AssessmentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def latest_for(self, *, commune, criteria_set, statuses=(Status.APPROVED,)):
        """The commune's most recent assessment for the set, among `statuses` (None = any)."""
        qs = self.filter(commune=commune, criteria_set=criteria_set)
        if statuses:
            qs = qs.filter(status__in=statuses)
        return qs.order_by("-as_of", "-id").first()

    def latest_approved_per_commune(self):
        """Each commune's newest approved assessment per set (the stored flag: no ranking of history)."""
        return self.filter(is_latest_approved=True)


class Assessment(models.Model):
    commune = models.ForeignKey(
        "communes.AdministrativeUnit",
        models.PROTECT,
        related_name="assessments",
        verbose_name=_("xã"),
        limit_choices_to={"level": 3},
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", models.PROTECT, related_name="assessments", verbose_name=_("bộ tiêu chí")
    )
    as_of = models.DateField(_("ngày đánh giá"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("lần sửa"), default=1, editable=False)
    is_demo = models.BooleanField(_("dữ liệu demo"), default=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True, validators=[validate_note_length])
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)

    # The stored summary (see assessments.rollup); never edited by hand.
    criteria_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), default=0, editable=False)
    criteria_total = models.PositiveSmallIntegerField(_("tổng số tiêu chí"), default=0, editable=False)
    indicators_met = models.PositiveSmallIntegerField(_("số chỉ tiêu đạt"), default=0, editable=False)
    indicators_total = models.PositiveSmallIntegerField(_("tổng số chỉ tiêu"), default=0, editable=False)
    indicators_unknown = models.PositiveSmallIntegerField(_("số chỉ tiêu chưa có kết quả"), default=0, editable=False)
    meets_standard = models.BooleanField(_("đạt chuẩn"), default=False, editable=False)
    unmet = models.JSONField(_("tiêu chí chưa đạt"), default=list, editable=False)
    undetermined = models.JSONField(_("chỉ tiêu chưa xác định được"), default=list, editable=False)
    # The set's completeness when the summary was computed (criteria.completeness): an incomplete set
    # never "đạt chuẩn", and every x/N of it carries a note.
    set_complete = models.BooleanField(_("bộ tiêu chí đầy đủ"), default=True, editable=False)
    indicators_stated = models.PositiveSmallIntegerField(
        _("số chỉ tiêu theo quyết định"), null=True, blank=True, editable=False
    )
    summary_updated_at = models.DateTimeField(null=True, editable=False)
    # Set on the commune's newest approved assessment for the set, and only there (one per commune and
    # set, a database constraint): the dashboards read today's standing of 10,000 communes through a
    # partial index instead of ranking every approved assessment of their history. Kept by
    # assessments.services.latest_approved_refresh, called wherever an approval starts or ends.
    is_latest_approved = models.BooleanField(_("đánh giá đã duyệt mới nhất"), default=False, editable=False)

    # The change reason holds a return or reopen reason (up to NTM_NOTE_MAX_CHARS), not 100 characters.
    history = HistoricalRecords(
        excluded_fields=["summary_updated_at", "is_latest_approved"],
        history_change_reason_field=models.TextField(null=True),
    )
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["-as_of", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "criteria_set", "as_of"], name="assessment_unique_date"),
            models.CheckConstraint(
                condition=Q(criteria_met__lte=models.F("criteria_total"))
                & Q(indicators_met__lte=models.F("indicators_total")),
                name="assessment_summary_consistent",
            ),
            models.UniqueConstraint(
                fields=["criteria_set", "commune"],
                condition=Q(is_latest_approved=True),
                name="assessment_one_latest_approved",
            ),
            models.CheckConstraint(
                condition=Q(is_latest_approved=False) | Q(status=Status.APPROVED),
                name="assessment_latest_is_approved",
            ),
        ]
        indexes = [
            models.Index(fields=["criteria_set", "commune", "status", "-as_of"], name="assessment_latest"),
            models.Index(fields=["status", "submitted_at"], name="assessment_queue"),
            # The dashboards' hot read (dashboards.selectors.latest_approved): every commune's latest
            # approved summary, answered from the index alone on PostgreSQL, without visiting the wide rows
            # that carry the unmet lists. SQLite has no INCLUDE and goes without it (models.W040 silenced).
            models.Index(
                fields=["criteria_set", "commune"],
                condition=Q(is_latest_approved=True),
                include=[
                    "id",
                    "as_of",
                    "criteria_met",
                    "criteria_total",
                    "indicators_met",
                    "indicators_total",
                    "indicators_unknown",
                    "set_complete",
                    "indicators_stated",
                ],
                name="assessment_latest_cover",
            ),
        ]

    def __str__(self):
        return f"{self.commune.name} · {self.criteria_set.code} · {self.as_of:%d/%m/%Y}"

    def save(self, *args, reopening: bool = False, stored_status: str | None = None, **kwargs):
        """Save, refusing any change to an approved assessment (the approved lock; fixtures loaded raw
        do not come through here).

        `reopening`: the one save of services.assessment_reopen, which takes it out of "approved".
        `stored_status`: the status the caller read under the row lock (services.common.lock), which
        spares the check its query."""
        if self.pk is not None and not reopening:
            if stored_status is None:
                approved = _is_approved(Assessment.objects.filter(pk=self.pk))
            else:
                approved = stored_status == Status.APPROVED
            if approved:
                raise ValidationError(approved_message(), code="approved")
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def summary(self) -> rollup.Summary:
        """The stored summary (the sentence names the level of the set, which the caller should have loaded)."""
        return rollup.Summary(
            criteria_met=self.criteria_met,
            criteria_total=self.criteria_total,
            indicators_met=self.indicators_met,
            indicators_total=self.indicators_total,
            indicators_unknown=self.indicators_unknown,
            unmet=self.unmet,
            undetermined=self.undetermined,
            set_complete=self.set_complete,
            indicators_stated=self.indicators_stated,
            level=self.criteria_set.level,
        )

    def sentence(self, language: str | None = None) -> str:
        return rollup.sentence(self.summary, language)

    @property
    def meets_held(self) -> bool:
        return self.criteria_total > 0 and self.criteria_met == self.criteria_total

    @property
    def set_note(self) -> str:
        """ "bộ tiêu chí chưa đầy đủ: 56/57 chỉ tiêu" on an incomplete set, else empty."""
        return rollup.set_note(
            rollup.Summary(
                indicators_total=self.indicators_total,
                set_complete=self.set_complete,
                indicators_stated=self.indicators_stated,
            )
        )

    @property
    def status_label(self) -> str:
        """ "Đạt chuẩn", "Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)" or empty (rollup.status_label)."""
        return rollup.status_label(
            rollup.Summary(
                criteria_met=self.criteria_met,
                criteria_total=self.criteria_total,
                set_complete=self.set_complete,
            )
        )

    def apply_summary(self, summary: rollup.Summary) -> None:
        self.criteria_met, self.criteria_total = summary.criteria_met, summary.criteria_total
        self.indicators_met, self.indicators_total = summary.indicators_met, summary.indicators_total
        self.indicators_unknown, self.unmet = summary.indicators_unknown, summary.unmet
        self.undetermined, self.set_complete = summary.undetermined, summary.set_complete
        self.indicators_stated = summary.indicators_stated
        self.meets_standard = summary.meets_standard

    SUMMARY_FIELDS = [
        "criteria_met",
        "criteria_total",
        "indicators_met",
        "indicators_total",
        "indicators_unknown",
        "unmet",
        "undetermined",
        "set_complete",
        "indicators_stated",
        "meets_standard",
        "summary_updated_at",
    ]


class IndicatorResult(models.Model):
    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="results", verbose_name=_("đánh giá"))
    indicator = models.ForeignKey(
        "criteria.Indicator", models.PROTECT, related_name="results", verbose_name=_("chỉ tiêu")
    )
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=3, null=True, blank=True)
    met = models.BooleanField(_("đạt"), null=True, blank=True)
    target_applied = models.CharField(_("chỉ tiêu áp dụng"), max_length=200, blank=True, editable=False)
    note = models.TextField(_("ghi chú minh chứng"), blank=True, validators=[validate_note_length])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    verification_state = models.CharField(
        _("rà soát của phòng, ban"),
        max_length=10,
        choices=VerificationState.choices,
        default=VerificationState.UNCHECKED,
        editable=False,
    )
    verification_comment = models.TextField(
        _("ý kiến rà soát"), blank=True, editable=False, validators=[validate_note_length]
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("người rà soát"),
    )
    verified_at = models.DateTimeField(_("rà soát lúc"), null=True, blank=True, editable=False)
    # The change reason holds a review comment or the reason typed with a change (up to NTM_NOTE_MAX_CHARS).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("kết quả chỉ tiêu")
        verbose_name_plural = _("kết quả chỉ tiêu")
        ordering = ["assessment", "indicator__criterion__number", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="result_unique_indicator"),
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.met}"


class EvidenceFile(models.Model):
    """A file proving one result (biên bản, ảnh, báo cáo). Its type is detected from its content
    (assessments.evidence) and it is stored under a generated name, never the uploader's."""

    result = models.ForeignKey(
        IndicatorResult, models.CASCADE, related_name="evidence_files", verbose_name=_("kết quả chỉ tiêu")
    )
    file = models.FileField(_("tệp"), upload_to="evidence/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def delete(self, *args, **kwargs):
        # Model.delete only: a cascade from a deleted (non-approved or demo) assessment is allowed.
        if _is_approved(Assessment.objects.filter(results=self.result_id)):
            raise ValidationError(approved_message(), code="approved")
        return super().delete(*args, **kwargs)


def approved_message() -> str:
    return gettext("Đánh giá đã được duyệt nên không thể sửa.")


def _is_approved(queryset) -> bool:
    return queryset.filter(status=Status.APPROVED).exists()


@receiver(pre_save, sender=IndicatorResult)
def _guard_approved_result(sender, instance, raw=False, **kwargs):
    if not raw and _is_approved(Assessment.objects.filter(pk=instance.assessment_id)):
        raise ValidationError(approved_message(), code="approved")


@receiver(pre_save, sender=EvidenceFile)
def _guard_approved_evidence(sender, instance, raw=False, **kwargs):
    if not raw and _is_approved(Assessment.objects.filter(results=instance.result_id)):
        raise ValidationError(approved_message(), code="approved")


@receiver(pre_delete, sender=Assessment)
def _guard_approved_deletion(sender, instance, **kwargs):
    # Demo data may be reset (load_demo --reset); a real approved record stays, with its results.
    if instance.status == Status.APPROVED and not instance.is_demo:
        raise ValidationError(approved_message(), code="approved")
