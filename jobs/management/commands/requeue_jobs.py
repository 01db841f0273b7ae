"""Send again the jobs left queued while the broker was unreachable (beat runs this every minute)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs import services


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=settings.JOBS_REQUEUE_AFTER_SECONDS, metavar="SECONDS",
            help="only jobs last sent (or created) at least this many seconds ago",
        )

    def handle(self, *args, older_than, **options):
        sent = services.jobs_requeue(older_than=older_than)
        self.stdout.write(self.style.SUCCESS(f"Requeued {len(sent)} job(s): {', '.join(map(str, sent)) or '-'}"))
