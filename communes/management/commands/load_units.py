"""Fill or refresh the administrative units of both eras, and the 2025 lineage, from the pinned
vietnam-provinces package (see communes/loaders.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communes import loaders
from communes.models import Era


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str, so translate when asked rather than lazily
        return _(
            "Nạp đơn vị hành chính trước 01/07/2025 (tỉnh → huyện → xã), hiện hành (tỉnh → xã) và quan hệ kế thừa "
            "từ gói vietnam-provinces. Chạy lại không thay đổi gì và giữ nguyên id; không xóa đơn vị nào. "
            "Không ghi đè vùng hoặc nhóm xã đã có giá trị (có thể đã được sửa trong trang quản trị); nhóm xã "
            "không bao giờ do lệnh này đặt."
        )

    def add_arguments(self, parser):
        parser.add_argument("--province", metavar="MÃ", help=_("chỉ nạp tỉnh có mã này (cả hai thời kỳ)"))
        parser.add_argument("--era", choices=Era.values, help=_("chỉ nạp một thời kỳ"))
        parser.add_argument("--dry-run", action="store_true", help=_("báo cáo thay đổi nhưng không ghi gì"))

    def handle(self, *args, province, era, dry_run, **options):
        try:
            report = loaders.units_load(province=province, era=era, dry_run=dry_run)
        except loaders.LoadError as exc:
            raise CommandError(str(exc)) from exc
        for line in loaders.count_lines(report):
            self.stdout.write(self.style.SUCCESS(line))
        notes = loaders.defect_lines(report)
        if notes:
            # Known gaps of the package's data: expected on every run, nothing to fix here.
            self.stdout.write(_("Ghi chú về dữ liệu nguồn (để tham khảo, không phải lỗi; đã nạp xong):"))
            for line in notes:
                self.stdout.write(f"  • {line}")
