"""Who may do what where: a user holds memberships, each a role on one administrative unit.

A membership covers the unit's whole subtree, in that unit's era.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    COMMUNE_STAFF = "commune_staff", _("Cán bộ xã")
    REVIEWER = "reviewer", _("Thẩm định (Ban chỉ đạo, Văn phòng điều phối)")
    DEPARTMENT_OFFICER = "department_officer", _("Cán bộ phòng, ban chuyên môn")
    VIEWER = "viewer", _("Xem báo cáo")
    CRITERIA_ADMIN = "criteria_admin", _("Quản trị bộ tiêu chí")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("người dùng")
    )
    unit = models.ForeignKey(
        "communes.AdministrativeUnit", models.CASCADE, related_name="memberships", verbose_name=_("đơn vị")
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        "criteria.Department",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("phòng, ban"),
        help_text=_("Bắt buộc với cán bộ phòng, ban chuyên môn."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit.name}"
