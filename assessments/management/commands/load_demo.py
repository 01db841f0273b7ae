"""Load the demo: huyện Can Lộc (Hà Tĩnh) with dated assessments and one user per role.

It needs the units of Hà Tĩnh and the bundled QĐ 1980 and QĐ 318 sets; it loads them first when
they are missing. Running it again keeps the existing demo (use --reset to rebuild it).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from assessments import demo
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
        if outcome["created"]:
            self.stdout.write(self.style.SUCCESS(
                f"Demo: {outcome['created']} assessments for {outcome['communes']} communes of huyện Can Lộc."
            ))
        else:
            self.stdout.write("Demo already loaded (use --reset to rebuild it).")
        self.stdout.write(self.style.SUCCESS("Logins (password for all: %s):" % demo.PASSWORD))
        for username, role in outcome["logins"]:
            self.stdout.write(f"  {username:<18} {role}")
