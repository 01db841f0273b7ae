"""Write the assessment template of a criteria set for a commune, or for every commune under a unit.

Example: manage.py export_template --set qd318-2022-xa-ntm --unit pre2025/436 --as-of 2024-12-31 -o can-loc.xlsx
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from communes.models import AdministrativeUnit
from criteria.models import CriteriaSet
from workbooks import services


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--set", required=True, dest="set_code", help="criteria set code")
        parser.add_argument("--unit", required=True, help="ERA/CODE, e.g. pre2025/18436 or 2025/42")
        parser.add_argument("--as-of", help="assessment date YYYY-MM-DD (default today): targets of that year")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, set_code, unit, as_of, output, **options):
        criteria_set = CriteriaSet.objects.filter(code=set_code).first()
        if criteria_set is None:
            raise CommandError(f"No criteria set with code {set_code}.")
        era, _sep, code = unit.partition("/")
        found = AdministrativeUnit.objects.filter(era=era, code=code).first()
        if found is None:
            raise CommandError(f"No unit {unit} (expected ERA/CODE, e.g. pre2025/18436).")
        try:
            workbook = services.template_for(criteria_set, found, parse_date(as_of) if as_of else None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        workbook.save(output)
        sheets = len(workbook.worksheets) - 1
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}: {sheets} commune sheet(s) for {found.name}."))
