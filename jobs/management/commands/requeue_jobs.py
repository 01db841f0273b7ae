"""Send again the jobs left queued while the broker was unreachable, and mark failed the running jobs whose
worker died (no heartbeat for NTM_JOB_STALE_MINUTES); beat runs both every minute."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs import services


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.JOBS_REQUEUE_AFTER_SECONDS,
            metavar="SECONDS",
            help="only jobs last sent (or created) at least this many seconds ago",
        )
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=settings.NTM_JOB_STALE_MINUTES,
            metavar="MINUTES",
            help="mark failed the running jobs without a heartbeat for this many minutes",
        )

    def handle(self, *args, older_than, stale_minutes, **options):
        failed = services.jobs_fail_stale(minutes=stale_minutes)
        self.stdout.write(
            self.style.SUCCESS(f"Marked {len(failed)} stale job(s) failed: {', '.join(map(str, failed)) or '-'}")
        )
        sent = services.jobs_requeue(older_than=older_than)
        self.stdout.write(self.style.SUCCESS(f"Requeued {len(sent)} job(s): {', '.join(map(str, sent)) or '-'}"))
