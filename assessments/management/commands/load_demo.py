"""Load the demo: huyện Can Lộc (Hà Tĩnh) with dated assessments and one user per role, and the current era:
the xã of Hà Tĩnh (2025 tree) assessed in 2026 under a simulated QĐ 51-shaped set.

It needs the units of Hà Tĩnh and the bundled QĐ 1980 and QĐ 318 sets; it loads them first when
they are missing. Running it again keeps the existing demo (use --reset to rebuild it).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments import demo, demo_current
from communes.models import AdministrativeUnit, Era
from criteria.models import CriteriaSet


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--reset", action="store_true", help="delete the demo assessments and build them again")

    def handle(self, *args, seed, reset, **options):
        if not AdministrativeUnit.objects.filter(era=Era.PRE_2025, code=demo.DISTRICT).exists():
            call_command("load_units", province=demo.PROVINCE, stdout=self.stdout)
        if CriteriaSet.objects.filter(code__in=demo.SETS).count() < len(demo.SETS):
            call_command("load_criteria", stdout=self.stdout)
        outcome = demo.load_demo(seed=seed, reset=reset)
        if outcome["communes"]:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo: %(n)s đánh giá của %(communes)s xã huyện Can Lộc (trước 01/07/2025).")
                    % {"n": outcome["created"] - outcome["current"], "communes": outcome["communes"]}
                )
            )
        if outcome["current"]:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo thời kỳ hiện hành: %(n)s đánh giá của các xã tỉnh Hà Tĩnh (cây 2025) "
                        "theo một bộ tiêu chí MÔ PHỎNG có hình dạng QĐ 51/2025 (%(code)s), "
                        "không phải văn bản chính thức."
                    )
                    % {"n": outcome["current"], "code": demo_current.SET_CODE}
                )
            )
        if not outcome["created"]:
            self.stdout.write(_("Dữ liệu demo đã có sẵn (dùng --reset để tạo lại)."))
        self.stdout.write(
            self.style.SUCCESS(_("Tài khoản đăng nhập (mật khẩu chung: %(password)s):") % {"password": demo.PASSWORD})
        )
        for username, role in outcome["logins"]:
            self.stdout.write(f"  {username:<18} {role}")
