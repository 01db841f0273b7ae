"""Load criteria sets from YAML files as drafts (default: the official sets bundled with the app).

Why: the official sets ship as data (criteria/data/official/, format in criteria/data/FORMAT.md) and
provinces issue their own variants in the same format. Every file is checked first; one malformed
file loads nothing. A set that is already published or used is never changed (clone it instead).
Running it again with the same files writes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from criteria import loader


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE", help=_("tệp YAML (mặc định: các bộ chính thức đi kèm)"))
        parser.add_argument("--dry-run", action="store_true", help=_("kiểm tra các tệp và báo cáo, không ghi gì"))

    def handle(self, *args, files, dry_run, **options):
        paths = [Path(f) for f in files] or loader.bundled_files()
        try:
            report = loader.load_files(paths, dry_run=dry_run)
        except loader.LoadError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(self.style.SUCCESS(line))
