"""What an office fills in on its official reports (Nghị định 30/2020/NĐ-CP), kept per unit.

The report's content comes from the assessments; these fields are the document's frame: who issues
it, its number and sign, the place written before the date, who signs it and who receives it. They
are asked once on the report form and offered again, as saved, the next time.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSettings(models.Model):
    unit = models.OneToOneField(
        "communes.AdministrativeUnit",
        models.CASCADE,
        related_name="report_settings",
        verbose_name=_("đơn vị"),
    )
    governing_body = models.CharField(_("cơ quan, tổ chức chủ quản"), max_length=200, blank=True)
    issuing_body = models.CharField(_("cơ quan, tổ chức ban hành"), max_length=200)
    number = models.CharField(_("số văn bản"), max_length=20, blank=True)
    sign = models.CharField(_("ký hiệu"), max_length=40, default="BC-UBND")
    place = models.CharField(_("địa danh"), max_length=100)
    signer_authority = models.CharField(_("quyền hạn ký (TM., KT., …)"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120)
    recipients = models.TextField(_("nơi nhận"), max_length=2000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thông tin văn bản báo cáo")
        verbose_name_plural = _("thông tin văn bản báo cáo")

    def __str__(self):
        return f"{self.unit} · {self.issuing_body}"

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip(" -;") for line in self.recipients.splitlines() if line.strip(" -;")]
