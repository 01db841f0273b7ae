"""Send today's reminder emails now (beat runs the same every morning); a second run the same day sends nothing."""

from django.core.management.base import BaseCommand

from assessments import reminders


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        report = reminders.reminders_send()
        self.stdout.write(
            self.style.SUCCESS(
                f"Late communes: {report.late_communes}; reviewers with overdue submissions: "
                f"{report.overdue_reviewers}; emails sent: {report.sent}."
            )
        )
