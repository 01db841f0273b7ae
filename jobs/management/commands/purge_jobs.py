"""Delete finished jobs past their expiry date (JOBS_KEEP_DAYS), with their result files; beat runs it daily."""

from django.core.management.base import BaseCommand

from jobs import services


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"Deleted {services.jobs_purge_expired()} expired job(s)."))
