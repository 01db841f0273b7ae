"""The daily reminders, a Celery task sent by beat (thin; the work is in assessments.reminders). The
recompute job kind is in assessments/jobs.py."""

import dataclasses

from celery import shared_task

from assessments import reminders
from jobs import services
from jobs.tasks import SEND_REMINDERS


@shared_task(ignore_result=True)
def send_reminders() -> None:
    # Once a day, however many beats sent it (jobs.services.run_once_a_day); each email is also recorded
    # per person and day (SentReminder), and `manage.py send_reminders` retries the refused ones by hand.
    services.run_once_a_day(SEND_REMINDERS, lambda: dataclasses.asdict(reminders.reminders_send()))
