"""Recompute the stored summaries of non-approved assessments against the current targets.

Run it after units were reloaded with other regions or commune groups, or after a set's targets were
corrected outside the admin (the admin starts the same recomputation by itself). Approved
assessments keep the summary they were approved with.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments import recompute


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--set", dest="set_code", metavar="CODE", help="only assessments of this criteria set")
        parser.add_argument("--unit", metavar="ERA/CODE", help="only communes under this unit, e.g. pre2025/443")
        parser.add_argument("--dry-run", action="store_true", help="report what would change, save nothing")

    def handle(self, *args, set_code, unit, dry_run, **options):
        try:
            scope = recompute.unit_by_key(unit) if unit else None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        report = recompute.summaries_recompute(set_code=set_code, unit=scope, dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"Examined {report.examined} non-approved assessment(s); {report.changed} summary(ies) {verb}."
            )
        )
        for change in report.changes:
            before, after = change["before"], change["after"]
            self.stdout.write(
                f"  #{change['id']} {change['commune']} · {change['set']} · {change['as_of']}: "
                f"{before[0]}/{before[1]} criteria, {before[2]}/{before[3]} indicators → "
                f"{after[0]}/{after[1]} criteria, {after[2]}/{after[3]} indicators"
            )
        if report.changed > len(report.changes):
            self.stdout.write(f"  … and {report.changed - len(report.changes)} more")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
