"""Import a criteria set workbook (made by export_criteria_set) as a NEW DRAFT set with the code written
in it, or with --update CODE replace the content of that existing DRAFT set. All or nothing: every
problem is listed with its sheet and cell, and then nothing is written. Published and archived sets
are refused: clone them into a new draft first.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria import workbook as criteria_io
from criteria.models import CriteriaSet


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--update", metavar="CODE", help="the draft set to update instead of creating one")

    def handle(self, *args, file, update, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        target = None
        if update:
            target = CriteriaSet.objects.filter(code=update).first()
            if target is None:
                raise CommandError(f"No criteria set with code {update}.")
        with path.open("rb") as fileobj:
            result = criteria_io.criteria_set_import(fileobj, update=target)
        if not result.ok:
            for problem in result.errors:
                where = "!".join(p for p in (problem.sheet, problem.cell) if p)
                self.stderr.write(f"{where}: {problem.message}" if where else problem.message)
            raise CommandError(f"Import refused, nothing written ({len(result.errors)} problem(s)).")
        counts = ", ".join(f"{k}={v}" for k, v in result.counts.items())
        verb = "Updated" if target else "Created"
        self.stdout.write(self.style.SUCCESS(f"{verb} draft set {result.criteria_set.code}: {counts}."))
