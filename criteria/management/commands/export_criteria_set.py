"""Write a criteria set (any status) to an .xlsx workbook: set fields, criteria, indicators, targets by
region / group / year, provenance. Edit it and bring it back with import_criteria_set.

Example: manage.py export_criteria_set qd318-2022-xa-ntm -o qd318.xlsx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria import workbook as criteria_io
from criteria.models import CriteriaSet


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("code", help="criteria set code")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, code, output, **options):
        criteria_set = CriteriaSet.objects.filter(code=code).first()
        if criteria_set is None:
            raise CommandError(f"No criteria set with code {code}.")
        Path(output).write_bytes(criteria_io.criteria_set_export(criteria_set))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}: {criteria_set.code}."))
