"""Criteria sets (bộ tiêu chí) → criteria (tiêu chí) → indicators (chỉ tiêu) → targets.

Official sets are bundled with their provenance: each criterion and indicator says where it
comes from and whether it was checked against the decision's text. A gap stays a gap: a target
that was not retrieved is stored as no target, never as a guessed number.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import CommuneGroup, Region

FROZEN_MESSAGE = _(
    "Bộ tiêu chí này đã công bố và đã được dùng để đánh giá nên không thể sửa cấu trúc hay chỉ tiêu. "
    "Hãy nhân bản thành phiên bản nháp mới (thao tác “Nhân bản thành phiên bản nháp mới”) rồi sửa bản đó."
)


# The first year of the period whose targets go by commune group rather than by region.
GROUP_PERIOD_START = 2026


class SetLevel(models.TextChoices):
    NTM = "ntm", _("Nông thôn mới")
    NANG_CAO = "ntm_nang_cao", _("Nông thôn mới nâng cao")
    KIEU_MAU = "ntm_kieu_mau", _("Nông thôn mới kiểu mẫu")
    HIEN_DAI = "ntm_hien_dai", _("Nông thôn mới hiện đại")
    OTHER = "other", _("Khác")


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    PUBLISHED = "published", _("Đã công bố")
    ARCHIVED = "archived", _("Đã lưu trữ")


class IndicatorKind(models.TextChoices):
    BOOLEAN = "boolean", _("Đạt / chưa đạt")
    NUMERIC = "numeric", _("Số so với ngưỡng")


class Operator(models.TextChoices):
    GTE = ">=", "≥"
    LTE = "<=", "≤"
    GT = ">", ">"
    LT = "<", "<"
    EQ = "=", "="


class Confidence(models.TextChoices):
    NONE = "", _("—")
    MEDIUM = "medium", _("trung bình")
    LOW = "low", _("thấp")


class Department(models.Model):
    """A phòng / ban chuyên môn responsible for some criteria."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)

    class Meta:
        verbose_name = _("phòng, ban chuyên môn")
        verbose_name_plural = _("phòng, ban chuyên môn")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SourceDocument(models.Model):
    """A source cited by the bundled data (S1…, Q1…), with its address."""

    key = models.CharField(_("mã nguồn"), max_length=20, unique=True)
    url = models.TextField(_("địa chỉ"), blank=True)
    description = models.TextField(_("nội dung"), blank=True)

    class Meta:
        verbose_name = _("nguồn tài liệu")
        verbose_name_plural = _("nguồn tài liệu")
        ordering = ["key"]

    def __str__(self):
        return self.key


class CriteriaSetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=SetStatus.PUBLISHED)

    def with_counts(self):
        """Annotate criteria_count and indicator_count in the same query."""
        return self.annotate(
            criteria_count=Count("criteria", distinct=True),
            indicator_count=Count("indicators", distinct=True),
        )


class CriteriaSet(models.Model):
    code = models.SlugField(_("mã bộ tiêu chí"), max_length=80, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    level = models.CharField(_("mức"), max_length=20, choices=SetLevel.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    effective_date = models.DateField(_("ngày hiệu lực"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    appendix = models.CharField(_("phụ lục"), max_length=60, blank=True)
    period_start = models.PositiveSmallIntegerField(_("giai đoạn từ năm"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("giai đoạn đến năm"), null=True, blank=True)
    province = models.ForeignKey(
        "communes.AdministrativeUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_sets",
        verbose_name=_("phạm vi tỉnh"),
        help_text=_("Để trống với bộ tiêu chí quốc gia."),
        limit_choices_to={"level": 1},
    )
    derived_from = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="derivatives", verbose_name=_("xây dựng từ bộ")
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    status = models.CharField(_("trạng thái"), max_length=12, choices=SetStatus.choices, default=SetStatus.DRAFT)
    completeness = models.CharField(_("mức đầy đủ"), max_length=20, blank=True)
    stated_criteria_count = models.PositiveSmallIntegerField(_("số tiêu chí theo quyết định"), null=True, blank=True)
    stated_indicator_count = models.PositiveSmallIntegerField(_("số chỉ tiêu theo quyết định"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    provenance = models.JSONField(_("thông tin nguồn khác"), default=dict, blank=True)
    source_file = models.CharField(_("tệp nguồn"), max_length=200, blank=True, editable=False)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    in_use = models.BooleanField(_("đã dùng để đánh giá"), default=False, editable=False)
    # Kept in the schema on purpose: a synthetic set (seed_synthetic) may sit in the same database as
    # the real ones (a staging copy, a benchmark run on real units), and every path that shows or
    # exports a set must be able to say "not official" without knowing the bench exists: the admin,
    # the API, the criteria-set workbook and the set pages read this flag.
    is_synthetic = models.BooleanField(_("dữ liệu tổng hợp (không chính thức)"), default=False)
    published_by_demo = models.BooleanField(_("công bố cho dữ liệu demo"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["-period_start", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("web:criteria_set", kwargs={"code": self.code})

    @property
    def is_frozen(self) -> bool:
        """Used by an assessment and no longer a draft: its structure and targets may no longer change.

        Archiving keeps the set frozen, since its old assessments still refer to its targets.
        """
        return self.in_use and self.status != SetStatus.DRAFT

    @property
    def uses_commune_groups(self) -> bool:
        """Targets go by commune group (nhóm 1/2/3) from the 2026-2030 period on (QĐ 51/2025/QĐ-TTg)."""
        return (self.period_start or 0) >= GROUP_PERIOD_START

    def check_editable(self):
        if self.is_frozen:
            raise ValidationError(FROZEN_MESSAGE, code="frozen")


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, models.CASCADE, related_name="criteria", verbose_name=_("bộ tiêu chí")
    )
    number = models.PositiveSmallIntegerField(_("số"))
    name = models.CharField(_("tên tiêu chí"), max_length=300)
    group_number = models.PositiveSmallIntegerField(_("nhóm số"), null=True, blank=True)
    group_name = models.CharField(_("nhóm"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="criteria",
        verbose_name=_("phòng, ban phụ trách"),
    )
    name_verified = models.BooleanField(_("tên đã kiểm chứng"), default=False)
    sources = models.CharField(_("nguồn"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="criterion_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def save(self, *args, **kwargs):
        self.criteria_set.check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.criteria_set.check_editable()
        return super().delete(*args, **kwargs)


class Target:
    """A resolved target: an operator and a number, or only the text a decision writes."""

    __slots__ = ("operator", "value", "text", "unit", "source")

    def __init__(self, operator: str = "", value: Decimal | None = None, text: str = "", unit: str = "", source=""):
        self.operator, self.value, self.text, self.unit, self.source = operator, value, text, unit, source

    @property
    def is_numeric(self) -> bool:
        return bool(self.operator) and self.value is not None

    def evaluate(self, value: Decimal) -> bool:
        op, target = self.operator, self.value
        return {
            ">=": value >= target,
            "<=": value <= target,
            ">": value > target,
            "<": value < target,
            "=": value == target,
        }[op]

    def display(self) -> str:
        if self.text:
            return self.text
        if self.is_numeric:
            symbol = dict(Operator.choices)[self.operator]
            unit = self.unit if self.unit == "%" else f" {self.unit}" if self.unit else ""
            return f"{symbol}{self.value.normalize():f}{unit}"
        return ""

    def __repr__(self):
        return f"Target({self.operator!r}, {self.value!r}, {self.text!r}, source={self.source!r})"


class Indicator(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, models.CASCADE, related_name="indicators", editable=False)
    criterion = models.ForeignKey(Criterion, models.CASCADE, related_name="indicators", verbose_name=_("tiêu chí"))
    code = models.CharField(_("mã chỉ tiêu"), max_length=12)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.TextField(_("nội dung chỉ tiêu"))
    kind = models.CharField(_("loại"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.BOOLEAN)
    operator = models.CharField(_("phép so sánh"), max_length=2, choices=Operator.choices, blank=True)
    target_value = models.DecimalField(_("ngưỡng"), max_digits=14, decimal_places=3, null=True, blank=True)
    target_text = models.CharField(
        _("chỉ tiêu theo văn bản"), max_length=200, blank=True, help_text=_("Ví dụ: ≥80%, Đạt, Không")
    )
    unit = models.CharField(_("đơn vị"), max_length=60, blank=True)
    evidence_guidance = models.TextField(_("hướng dẫn minh chứng"), blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)
    confidence = models.CharField(_("độ tin cậy"), max_length=10, choices=Confidence.choices, blank=True)
    sources = models.CharField(_("nguồn"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú nguồn"), blank=True)
    provenance = models.JSONField(_("thông tin nguồn khác"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["criteria_set", "criterion__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="indicator_unique_code_per_set"),
            models.CheckConstraint(
                condition=Q(kind="boolean")
                | ~Q(operator="") & Q(target_value__isnull=False)
                | Q(target_value__isnull=True, operator=""),
                name="indicator_numeric_target_complete",
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        self.criteria_set_id = self.criterion.criteria_set_id
        self.criterion.criteria_set.check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.criteria_set.check_editable()
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.kind == IndicatorKind.NUMERIC and bool(self.operator) != (self.target_value is not None):
            raise ValidationError(_("Chỉ tiêu dạng số cần có cả phép so sánh và ngưỡng, hoặc để trống cả hai."))

    @property
    def base_target(self) -> Target:
        return Target(self.operator, self.target_value, self.target_text, self.unit, source="chung")

    @property
    def target_missing(self) -> bool:
        """True when no target was retrieved for this indicator (neither general nor variant)."""
        return not self.target_text and self.target_value is None


class IndicatorTarget(models.Model):
    """A target that differs from the general one for a region, a commune group and/or a year."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="targets", verbose_name=_("chỉ tiêu"))
    region = models.CharField(_("vùng"), max_length=10, choices=Region.choices, blank=True)
    commune_group = models.CharField(_("nhóm xã"), max_length=10, choices=CommuneGroup.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"), default=0, help_text=_("0 = mọi năm"))
    operator = models.CharField(_("phép so sánh"), max_length=2, choices=Operator.choices, blank=True)
    value = models.DecimalField(_("ngưỡng"), max_digits=14, decimal_places=3, null=True, blank=True)
    text = models.CharField(_("chỉ tiêu theo văn bản"), max_length=200, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu theo vùng / nhóm / năm")
        verbose_name_plural = _("chỉ tiêu theo vùng / nhóm / năm")
        ordering = ["indicator", "year", "region", "commune_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "commune_group", "year"], name="target_unique_variant"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.region or self.commune_group or ''} {self.year or ''}: {self.text}"

    def save(self, *args, **kwargs):
        self.indicator.criteria_set.check_editable()
        super().save(*args, **kwargs)

    def as_target(self) -> Target:
        parts = [p for p in (self.region, self.commune_group, str(self.year) if self.year else "") if p]
        return Target(self.operator, self.value, self.text, self.unit, source="/".join(parts))

    def delete(self, *args, **kwargs):
        self.indicator.criteria_set.check_editable()
        return super().delete(*args, **kwargs)


class LinkKind(models.TextChoices):
    """How an indicator of an older set corresponds to one of a newer set (criteria.crosswalks)."""

    SAME = "same", _("Cùng nội dung")
    VALUE_CARRIES = "value_carries", _("Giá trị chuyển sang, ngưỡng khác")
    NONE = "none", _("Không có tương đương")


class Crosswalk(models.Model):
    """A table of correspondence from the indicators of one set to those of a newer one, so that an
    assessment of the old set can be re-scored under the new one (assessments.rescore)."""

    from_set = models.ForeignKey(
        CriteriaSet, models.PROTECT, related_name="crosswalks_from", verbose_name=_("bộ tiêu chí cũ")
    )
    to_set = models.ForeignKey(
        CriteriaSet, models.PROTECT, related_name="crosswalks_to", verbose_name=_("bộ tiêu chí mới")
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bảng chuyển đổi chỉ tiêu")
        verbose_name_plural = _("bảng chuyển đổi chỉ tiêu")
        ordering = ["-to_set__period_start", "from_set__code"]
        constraints = [
            models.UniqueConstraint(fields=["from_set", "to_set"], name="crosswalk_unique_pair"),
            models.CheckConstraint(condition=~Q(from_set=models.F("to_set")), name="crosswalk_two_sets"),
        ]

    def __str__(self):
        return f"{self.from_set.code} → {self.to_set.code}"

    def clean(self):
        errors = self.field_errors()
        if errors:
            raise ValidationError(errors)

    def field_errors(self) -> dict[str, str]:
        """Problems of the crosswalk's own fields, keyed by field (clean() and crosswalks.crosswalk_save)."""
        errors = {}
        from_set = self.from_set if self.from_set_id else None
        to_set = self.to_set if self.to_set_id else None
        if from_set is None or to_set is None:
            return errors
        if from_set.pk == to_set.pk:
            errors["to_set"] = _("Bộ tiêu chí mới phải khác bộ tiêu chí cũ.")
        elif from_set.period_start and to_set.period_start and to_set.period_start <= from_set.period_start:
            errors["to_set"] = _(
                "Bộ tiêu chí mới (giai đoạn từ %(new)s) phải thuộc giai đoạn sau bộ cũ (từ %(old)s)."
            ) % {
                "new": to_set.period_start,
                "old": from_set.period_start,
            }
        if self.pk:
            before = Crosswalk.objects.filter(pk=self.pk).values_list("from_set_id", "to_set_id").first()
            if before and before != (from_set.pk, to_set.pk) and self.links.exists():
                errors["from_set"] = _("Bảng đã có liên kết nên không đổi được bộ tiêu chí; hãy tạo bảng mới.")
        if not errors:
            twin = Crosswalk.objects.filter(from_set=from_set, to_set=to_set).exclude(pk=self.pk)
            if twin.exists():
                errors["to_set"] = _("Đã có bảng chuyển đổi từ “%(old)s” sang “%(new)s”.") % {
                    "old": from_set.code,
                    "new": to_set.code,
                }
        return errors


class CrosswalkLink(models.Model):
    crosswalk = models.ForeignKey(Crosswalk, models.CASCADE, related_name="links", verbose_name=_("bảng chuyển đổi"))
    from_indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="crosswalk_links_from", verbose_name=_("chỉ tiêu bộ cũ")
    )
    to_indicator = models.ForeignKey(
        Indicator,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="crosswalk_links_to",
        verbose_name=_("chỉ tiêu bộ mới"),
    )
    kind = models.CharField(_("quan hệ"), max_length=14, choices=LinkKind.choices)
    verified = models.BooleanField(
        _("đã kiểm chứng"), default=False, help_text=_("Đối chiếu với văn bản của hai bộ tiêu chí.")
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liên kết chỉ tiêu")
        verbose_name_plural = _("liên kết chỉ tiêu")
        ordering = ["crosswalk", "from_indicator__criterion__number", "from_indicator__position", "id"]
        constraints = [
            # A new indicator takes its value from one old indicator at most.
            models.UniqueConstraint(fields=["crosswalk", "to_indicator"], name="crosswalk_link_one_source"),
            models.UniqueConstraint(
                fields=["crosswalk", "from_indicator"], condition=Q(kind="none"), name="crosswalk_link_one_none"
            ),
            models.CheckConstraint(
                condition=Q(kind="none", to_indicator__isnull=True) | ~Q(kind="none") & Q(to_indicator__isnull=False),
                name="crosswalk_link_none_has_no_target",
            ),
        ]

    def __str__(self):
        target = self.to_indicator.code if self.to_indicator_id else "—"
        return f"{self.from_indicator.code} → {target} ({self.get_kind_display()})"
