"""Re-derive the stored latest-approved flags (Assessment.is_latest_approved) from the approved history.

The app keeps them by itself (approve, reopen, deletions, bulk creation); run this after approved
assessments were written around it, by raw SQL or a restore of part of a table. --dry-run reports
how many flags would change and changes nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from assessments import services
from assessments.models import Assessment


class Dry(Exception):
    pass


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would change, save nothing")

    def handle(self, *args, dry_run, **options):
        before = set(Assessment.objects.filter(is_latest_approved=True).values_list("id", flat=True))
        try:
            with transaction.atomic():
                services.latest_approved_refresh(scope=Q())
                after = set(Assessment.objects.filter(is_latest_approved=True).values_list("id", flat=True))
                if dry_run:
                    raise Dry
        except Dry:
            pass
        changed = len(before ^ after)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"{len(after)} latest approved assessment(s); {changed} flag(s) {verb}."))
