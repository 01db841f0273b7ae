"""Daily reminders: communes late with the year's report, reviewers with submissions waiting too long."""

import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from assessments import reminders, services
from jobs.models import SentReminder
from tests import factories
from tests.helpers import at

pytestmark = pytest.mark.django_db


def _sent():
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def test_after_the_due_date_the_late_commune_and_the_overdue_reviewer_are_emailed(reminder_world):
    with at(2024, 12, 16, 7, 30):
        report = reminders.reminders_send()
    assert (report.late_communes, report.overdue_reviewers, report.sent) == (1, 1, 2)
    assert _sent() == [
        ("a@xa.vn", "[NTM Tracker] Xã A chưa gửi đánh giá nông thôn mới năm 2024"),
        ("h@huyen.vn", "[NTM Tracker] 1 đánh giá chờ thẩm định quá hạn"),
    ]
    to_commune = next(m for m in mail.outbox if m.to == ["a@xa.vn"]).body
    assert "Kính gửi Lan," in to_commune and "Hạn gửi đánh giá nông thôn mới năm 2024 là ngày 15/12/2024." in to_commune
    assert "https://ntm.example.vn/units/pre2025/18436/" in to_commune
    to_reviewer = next(m for m in mail.outbox if m.to == ["h@huyen.vn"]).body
    assert "Xã B: bộ tiêu chí" in to_reviewer and "gửi ngày 01/12/2024" in to_reviewer and "Xã C" not in to_reviewer
    assert "https://ntm.example.vn/review/" in to_reviewer


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(reminder_world):
    with at(2024, 12, 16, 7, 30):
        reminders.reminders_send()
    with at(2024, 12, 16, 15, 0):
        assert reminders.reminders_send().sent == 0
    assert len(mail.outbox) == 2 and SentReminder.objects.count() == 2
    with at(2024, 12, 17, 7, 30):
        assert reminders.reminders_send().sent == 2
    assert len(mail.outbox) == 4


def test_nobody_is_late_until_the_due_date_has_passed(reminder_world):
    with at(2024, 12, 15, 23, 0):
        report = reminders.reminders_send()
    assert report.late_communes == 0
    assert _sent() == [("h@huyen.vn", "[NTM Tracker] 1 đánh giá chờ thẩm định quá hạn")]


def test_a_returned_assessment_does_not_count_as_reported(reminder_world, tree):
    assessment = services.assessment_create(
        commune=tree.a, criteria_set=reminder_world.cs, as_of=factories.D, by=reminder_world.staff_a
    )
    services.indicator_results_update(assessment=assessment, entries=factories.ANSWERS, by=reminder_world.staff_a)
    services.assessment_submit(assessment=assessment, by=reminder_world.staff_a)
    services.assessment_return(assessment=assessment, by=reminder_world.reviewer_h, reason="Thiếu biên bản.")
    with at(2024, 12, 16, 7, 30):
        assert reminders.reminders_send().late_communes == 1


def test_a_commune_that_no_longer_exists_is_never_late(reminder_world):
    with at(2025, 12, 16, 7, 30):  # the pre-2025 communes ended on 30/06/2025
        assert reminders.reminders_send().late_communes == 0


def test_a_refused_email_is_not_recorded_so_the_next_run_retries(reminder_world, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPException("mail server down")

    monkeypatch.setattr("jobs.services.send_mail", refuse)
    with at(2024, 12, 16, 7, 30):
        assert reminders.reminders_send().sent == 0  # logged; the run goes on to the next person
    assert not SentReminder.objects.exists()
    monkeypatch.undo()
    with at(2024, 12, 16, 8, 30):
        assert reminders.reminders_send().sent == 2


def test_the_due_date_comes_from_settings(settings):
    settings.NTM_REPORTING_DUE = "06-30"
    assert reminders.due_date(2024) == datetime.date(2024, 6, 30)
    settings.NTM_REPORTING_DUE = "30/06"
    with pytest.raises(ImproperlyConfigured):
        reminders.due_date(2024)


def test_the_command_and_the_beat_schedule(reminder_world, settings):
    out = io.StringIO()
    with at(2024, 12, 16, 7, 30):
        call_command("send_reminders", stdout=out)
    assert "emails sent: 2." in out.getvalue()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["send-reminders"]["task"] == "assessments.tasks.send_reminders"
    assert schedule["requeue-jobs"]["task"] == "jobs.tasks.requeue_jobs"
