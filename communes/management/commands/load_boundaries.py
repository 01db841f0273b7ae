"""Load commune boundaries (GeoJSON) for the dashboards' map, simplified, keyed by (era, code)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communes import boundaries
from communes.models import Era


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str, so translate when asked rather than lazily
        return _(
            "Nạp ranh giới xã từ một tệp GeoJSON (Polygon/MultiPolygon, WGS 84) cho bản đồ của bảng theo dõi: "
            "mỗi đối tượng mang mã xã của Tổng cục Thống kê trong thuộc tính --code-field. Ranh giới được đơn "
            "giản hóa khi nạp; tệp lỗi thì không ghi gì."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="TỆP.geojson")
        parser.add_argument("--era", required=True, choices=Era.values, help=_("thời kỳ của các mã trong tệp"))
        parser.add_argument(
            "--code-field", required=True, metavar="THUỘC_TÍNH", help=_("tên thuộc tính chứa mã xã (5 chữ số)")
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=boundaries.DEFAULT_TOLERANCE,
            metavar="ĐỘ",
            help=_("dung sai đơn giản hóa, tính bằng độ (mặc định %(default)s, khoảng 50 m)"),
        )
        parser.add_argument(
            "--illustrative", action="store_true", help=_("đánh dấu là ranh giới minh họa (không phải ranh giới thật)")
        )

    def handle(self, *args, file, era, code_field, tolerance, illustrative, **options):
        try:
            report = boundaries.load_file(
                file, era=era, code_field=code_field, tolerance=tolerance, illustrative=True if illustrative else None
            )
        except boundaries.BoundaryError as exc:
            raise CommandError(_("Không nạp gì: %(error)s") % {"error": exc}) from exc
        lines = boundaries.report_lines(report)
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(self.style.WARNING(line))
