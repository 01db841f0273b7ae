"""Import a filled-in assessment workbook as USERNAME: every sheet is checked, then all are written
or none. --dry-run checks and reports what would change without writing anything.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workbooks import services
from workbooks.management.commands.export_template import parse_date


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--user", required=True, help="the username the import is made as")
        parser.add_argument("--as-of", help="assessment date YYYY-MM-DD for every sheet (default: each sheet's)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file, user, as_of, dry_run, **options):
        by = get_user_model().objects.filter(username=user, is_active=True).first()
        if by is None:
            raise CommandError(f"No active user {user}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        with path.open("rb") as fileobj:
            outcome = services.import_workbook(
                fileobj, by, as_of=parse_date(as_of) if as_of else None, dry_run=dry_run, file_name=path.name
            )
        for action in outcome.actions:
            changed = ", ".join(action["changed"]) or "-"
            self.stdout.write(f"{action['sheet']}: {action['action']} ({action['as_of']}); changed: {changed}")
        counts = ", ".join(f"{k}={v}" for k, v in outcome.counts.items())
        if not outcome.ok:
            for problem in outcome.errors:
                where = "!".join(p for p in (problem.sheet, problem.cell) if p)
                self.stderr.write(f"{where}: {problem.message}" if where else problem.message)
            raise CommandError(f"Import refused, nothing written ({len(outcome.errors)} problem(s)).")
        prefix = "Dry run, nothing written" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{prefix}: {counts}."))
