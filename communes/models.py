"""Administrative units of both eras as one generic tree, with the lineage of the 2025 merge.

Official NSO codes are reused across eras (18436 was xã Kim Song Trường before 1 July 2025 and
is xã Trường Lưu after), so a unit is identified by (era, code), never by its code alone. Codes
keep their official width (province 2, district 3, commune 5 digits), which makes a code unique
within an era across levels.
"""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

REFORM_DATE = datetime.date(2025, 7, 1)


class Era(models.TextChoices):
    PRE_2025 = "pre2025", _("Trước 01/07/2025 (3 cấp)")
    CURRENT = "2025", _("Từ 01/07/2025 (2 cấp)")


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Tỉnh")
    DISTRICT = 2, _("Huyện")
    COMMUNE = 3, _("Xã")
    VILLAGE = 4, _("Thôn")


class UnitKind(models.TextChoices):
    TINH = "tinh", _("tỉnh")
    THANH_PHO_TW = "thanh_pho_tw", _("thành phố trực thuộc trung ương")
    HUYEN = "huyen", _("huyện")
    QUAN = "quan", _("quận")
    THI_XA = "thi_xa", _("thị xã")
    THANH_PHO = "thanh_pho", _("thành phố thuộc tỉnh")
    XA = "xa", _("xã")
    PHUONG = "phuong", _("phường")
    THI_TRAN = "thi_tran", _("thị trấn")
    DAC_KHU = "dac_khu", _("đặc khu")
    THON = "thon", _("thôn")


# The programme for communes (xã nông thôn mới) applies to xã: phường and thị trấn are urban units and
# đặc khu (2025) special zones, outside its denominators. Dashboards count them apart, never in "x/N xã".
PROGRAMME_KINDS = frozenset({UnitKind.XA})


class Region(models.TextChoices):
    """The 7 socio-economic regions (vùng) whose columns the 2016-2025 criteria tables use."""

    TDMNPB = "tdmnpb", _("Trung du miền núi phía Bắc")
    DBSH = "dbsh", _("Đồng bằng sông Hồng")
    BTB = "btb", _("Bắc Trung Bộ")
    DHNTB = "dhntb", _("Duyên hải Nam Trung Bộ")
    TN = "tn", _("Tây Nguyên")
    DNB = "dnb", _("Đông Nam Bộ")
    DBSCL = "dbscl", _("Đồng bằng sông Cửu Long")


class CommuneGroup(models.TextChoices):
    """Commune groups of QĐ 51/2025/QĐ-TTg (final numbering; the July 2025 draft was reversed)."""

    NHOM1 = "nhom1", _("Nhóm 1 (xã ven đô, đô thị hóa)")
    NHOM2 = "nhom2", _("Nhóm 2 (xã còn lại)")
    NHOM3 = "nhom3", _("Nhóm 3 (xã vùng đồng bào DTTS và miền núi khu vực II, III)")


class UnitQuerySet(models.QuerySet):
    def in_era(self, era: str):
        return self.filter(era=era)

    def communes(self):
        return self.filter(level=Level.COMMUNE)

    def under(self, unit: "AdministrativeUnit", include_self: bool = True):
        """Every unit in `unit`'s subtree (same era), by materialised path."""
        qs = self.filter(era=unit.era, path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def search(self, text: str):
        text = text.strip()
        if text.isdigit():
            return self.filter(code__in=_code_variants(text))
        return self.filter(name__icontains=text)


def _code_variants(text: str) -> list[str]:
    # A user may type "42", "042" or "18436": match the official widths for each level.
    number = int(text)
    return [str(number).zfill(width) for width in (2, 3, 5)]


# A code is a path segment in every link and part of the unit's path ("01/017/00004"): letters, digits,
# "-" and "_" only (official codes are digits).
unit_code_validator = RegexValidator(
    r"^[0-9A-Za-z_-]+\Z", _("Mã đơn vị chỉ gồm chữ số, chữ cái không dấu, dấu gạch ngang hoặc gạch dưới.")
)


class AdministrativeUnit(models.Model):
    era = models.CharField(_("thời kỳ"), max_length=10, choices=Era.choices)
    code = models.CharField(
        _("mã"),
        max_length=10,
        validators=[unit_code_validator],
        help_text=_("Mã đơn vị hành chính (Tổng cục Thống kê)"),
    )
    name = models.CharField(_("tên"), max_length=120)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("đơn vị cấp trên")
    )
    # Materialised path of codes, e.g. "42/443/18436/": subtree queries are one indexed prefix match.
    path = models.CharField(max_length=64, editable=False)
    region = models.CharField(_("vùng"), max_length=10, choices=Region.choices, blank=True)
    commune_group = models.CharField(
        _("nhóm xã"),
        max_length=10,
        choices=CommuneGroup.choices,
        blank=True,
        help_text=_("Do UBND tỉnh phân nhóm (QĐ 51/2025/QĐ-TTg)."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", through="UnitSuccession", symmetrical=False, related_name="predecessors", blank=True
    )
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["era", "path"]
        constraints = [
            models.UniqueConstraint(fields=["era", "code"], name="unit_unique_code_per_era"),
        ]
        indexes = [
            models.Index(fields=["era", "path"], name="unit_era_path"),
            models.Index(fields=["era", "level", "name"], name="unit_era_level_name"),
            # "Every commune under this unit" is path LIKE '01/017/%': with a database collation other
            # than C, PostgreSQL reads a plain index for that only with the pattern operator class
            # (a district's dashboard went from a scan of 14,000 units to an index range). Other
            # databases ignore opclasses.
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.code}, {self.get_era_display()})"

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("web:unit", kwargs={"era": self.era, "code": self.code})

    @property
    def is_commune(self) -> bool:
        return self.level == Level.COMMUNE

    @property
    def province_code(self) -> str:
        return self.path.split("/", 1)[0]

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent_id else ''}{self.code}/"


class UnitSuccession(models.Model):
    """An old unit (wholly or partly) became part of a new one on `effective`."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, models.CASCADE, related_name="succession_to", verbose_name=_("đơn vị cũ")
    )
    successor = models.ForeignKey(
        AdministrativeUnit, models.CASCADE, related_name="succession_from", verbose_name=_("đơn vị mới")
    )
    partial = models.BooleanField(_("sáp nhập một phần"), default=False)
    effective = models.DateField(_("ngày hiệu lực"), default=REFORM_DATE)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class Boundary(models.Model):
    """A commune's shape for the dashboards' map: a simplified GeoJSON Polygon or MultiPolygon (WGS 84),
    stored as JSON text so that SQLite and PostgreSQL alike hold it (no PostGIS).

    Keyed by the unit, that is by (era, code): `manage.py load_boundaries` fills it from a GeoJSON file
    (communes/boundaries.py). `illustrative`: a generated shape (the demo's), not a real boundary; the
    map says so.
    """

    unit = models.OneToOneField(
        AdministrativeUnit, models.CASCADE, related_name="boundary", verbose_name=_("đơn vị hành chính")
    )
    geometry = models.TextField(_("ranh giới (GeoJSON)"))
    points = models.PositiveIntegerField(_("số điểm"), default=0)
    illustrative = models.BooleanField(_("ranh giới minh họa"), default=False)
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("nạp lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ranh giới")
        verbose_name_plural = _("ranh giới")

    def __str__(self):
        return f"{self.unit.name} ({self.unit.code}, {self.unit.get_era_display()})"
