"""Import a crosswalk workbook (criteria.crosswalks, criteria.crosswalk_workbook): create the crosswalk of its two
sets, or replace all the links of the one that exists. All or nothing; every problem names its row and cell."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from criteria.crosswalk_workbook import crosswalk_import


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")

    def handle(self, *args, file, **options):
        with open(file, "rb") as handle:
            result = crosswalk_import(handle)
        if not result.ok:
            for problem in result.errors:
                place = " ".join(part for part in (problem.sheet, problem.cell) if part)
                self.stderr.write(f"{place}: {problem.message}" if place else problem.message)
            raise CommandError(_("Không nhập: có %(n)s lỗi; không có gì được ghi.") % {"n": len(result.errors)})
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nhập bảng chuyển đổi %(name)s: %(n)s liên kết.") % {"name": result.crosswalk, "n": result.links}
            )
        )
