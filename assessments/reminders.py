"""The daily reminders: communes late with their yearly report, reviewers with submissions waiting.

The reporting calendar: the reporting period is the calendar year and its report is due on
settings.NTM_REPORTING_DUE ("MM-DD", e.g. "12-15"). From the day after, until the year ends, every
commune with no submitted or approved assessment dated in that year gets a reminder a day, sent to
its commune staff. A reviewer gets one a day while their queue holds submissions older than
settings.NTM_REVIEW_REMINDER_DAYS days. Each (reminder, person, commune) goes out at most once a day
(jobs.services.reminder_send_once), however often the task runs.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, Role
from assessments.models import Assessment, Status
from assessments.selectors.review import review_queue_for
from communes.models import Level
from jobs import services as jobs

logger = logging.getLogger(__name__)

LATE_COMMUNE = "late_commune"
REVIEW_QUEUE = "review_queue"


@dataclass
class ReminderReport:
    late_communes: int = 0
    overdue_reviewers: int = 0
    sent: int = 0


def due_date(year: int) -> datetime.date:
    """The year's due date from NTM_REPORTING_DUE ("MM-DD")."""
    try:
        month, day = (int(part) for part in settings.NTM_REPORTING_DUE.split("-"))
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ImproperlyConfigured(f"NTM_REPORTING_DUE must be MM-DD, not {settings.NTM_REPORTING_DUE!r}.") from exc


def late_staff_memberships(today: datetime.date) -> list[Membership]:
    """Commune staff memberships (with an email address) of communes late with this year's report.

    Nobody is late on or before the due date; a commune that no longer exists (valid_to passed) is
    never late.
    """
    if today <= due_date(today.year):
        return []
    reported = Assessment.objects.filter(status__in=[Status.SUBMITTED, Status.APPROVED], as_of__year=today.year).values(
        "commune_id"
    )
    return list(
        Membership.objects.filter(role=Role.COMMUNE_STAFF, unit__level=Level.COMMUNE, user__is_active=True)
        .exclude(user__email="")
        .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=today))
        .filter(Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=today))
        .exclude(unit_id__in=reported)
        .select_related("user", "unit")
        .order_by("unit__path", "user_id")
    )


def overdue_queues(now: datetime.datetime) -> list[tuple[object, list[Assessment]]]:
    """(reviewer, submissions waiting longer than NTM_REVIEW_REMINDER_DAYS) for every reviewer with some."""
    cutoff = now - datetime.timedelta(days=settings.NTM_REVIEW_REMINDER_DAYS)
    reviewers = {
        m.user_id: m.user
        for m in Membership.objects.filter(role=Role.REVIEWER, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    }
    queues = []
    for user in reviewers.values():
        waiting = list(review_queue_for(user).filter(submitted_at__lt=cutoff))
        if waiting:
            queues.append((user, waiting))
    return queues


def reminders_send() -> ReminderReport:
    """Send today's reminders (in Vietnamese, the programme's language); returns what was found and sent."""
    now = timezone.now()
    today = timezone.localdate(now)
    report = ReminderReport()
    with translation.override(settings.LANGUAGE_CODE):
        for membership in late_staff_memberships(today):
            report.late_communes += 1
            report.sent += _send(
                LATE_COMMUNE,
                membership.user,
                f"{membership.unit.era}/{membership.unit.code}",
                {
                    "commune": membership.unit,
                    "year": today.year,
                    "due": due_date(today.year),
                    "today": today,
                    "url": _absolute(
                        reverse("web:unit", kwargs={"era": membership.unit.era, "code": membership.unit.code})
                    ),
                },
            )
        for user, waiting in overdue_queues(now):
            report.overdue_reviewers += 1
            report.sent += _send(
                REVIEW_QUEUE,
                user,
                "",
                {
                    "assessments": waiting,
                    "days": settings.NTM_REVIEW_REMINDER_DAYS,
                    "url": _absolute(reverse("web:review_queue")),
                },
            )
    return report


def _send(kind: str, user, key: str, context: dict) -> bool:
    context = {"user": user, **context}
    subject = render_to_string(f"jobs/email/{kind}_subject.txt", context).strip()
    body = render_to_string(f"jobs/email/{kind}.txt", context)
    try:
        return jobs.reminder_send_once(kind=kind, user=user, key=key, subject=subject, body=body)
    except (smtplib.SMTPException, OSError):
        # One refused address must not keep the others from their reminder; this one is retried next run.
        logger.exception("Reminder %s to %s could not be sent.", kind, user.email)
        return False


def _absolute(path: str) -> str:
    return settings.NTM_SITE_URL.rstrip("/") + path
