"""One scheduler, and if two beats run by mistake: each periodic task does its work once a day.

The claim is a jobs.DailyRun row per (kind, day), inserted in the transaction that does the work
(jobs.services.run_once_a_day).
"""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from assessments import tasks as assessment_tasks
from jobs import services
from jobs import tasks as job_tasks
from jobs.models import DailyRun, Job, JobStatus, SentReminder
from tests import factories
from tests.helpers import at
from tests.pg import postgresql_only


def _expired_job(owner):
    job = Job.objects.create(kind="test.echo", created_by=owner, status=JobStatus.SUCCEEDED, progress=100)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    return job


@pytest.mark.django_db
def test_the_purge_runs_once_a_day_however_often_beat_sends_it():
    owner = factories.make_user("chu.cong.viec")
    with at(2024, 12, 16, 2, 0):
        _expired_job(owner)
        job_tasks.purge_expired_jobs.delay()  # eager: as a worker would run it
        assert not Job.objects.exists()
        late = _expired_job(owner)
    with at(2024, 12, 16, 2, 0, 5):  # a second beat, five seconds later
        job_tasks.purge_expired_jobs.delay()
        assert list(Job.objects.all()) == [late]  # the second run did nothing
    runs = list(DailyRun.objects.values_list("kind", "day", "result"))
    assert runs == [("purge_expired_jobs", datetime.date(2024, 12, 16), {"deleted": 1})]
    with at(2024, 12, 17, 2, 0):
        job_tasks.purge_expired_jobs.delay()
    assert not Job.objects.exists()
    assert DailyRun.objects.count() == 2


@pytest.mark.django_db
def test_the_reminders_go_out_once_a_day_however_often_beat_sends_them(reminder_world, tree):
    with at(2024, 12, 16, 7, 30):
        assessment_tasks.send_reminders.delay()
    assert len(mail.outbox) == 2
    # Someone new would be reminded by a fresh run; the second beat's run that day does nothing at all.
    factories.make_user("canbo.a3", unit=tree.a, role=Role.COMMUNE_STAFF, email="a3@xa.vn")
    with at(2024, 12, 16, 7, 30, 1):
        assessment_tasks.send_reminders.delay()
    assert len(mail.outbox) == 2 and SentReminder.objects.count() == 2
    run = DailyRun.objects.get()
    assert (run.kind, run.day) == ("send_reminders", datetime.date(2024, 12, 16))
    assert run.result == {"late_communes": 1, "overdue_reviewers": 1, "sent": 2}
    with at(2024, 12, 17, 7, 30):
        assessment_tasks.send_reminders.delay()
    assert len(mail.outbox) == 5  # the next day: both late staff and the reviewer


@pytest.mark.django_db
def test_a_run_that_fails_leaves_no_claim_so_a_later_run_that_day_does_the_work():
    def broken():
        raise RuntimeError("database went away")

    with at(2024, 12, 16, 2, 0):
        with pytest.raises(RuntimeError):
            services.run_once_a_day("purge_expired_jobs", broken)
        assert not DailyRun.objects.exists()
        assert services.run_once_a_day("purge_expired_jobs", lambda: 3).result == {"value": 3}
        assert services.run_once_a_day("purge_expired_jobs", lambda: 4) is None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_the_same_moment_do_the_work_once():
    """Two threads (two connections) claim the same day at once: the second waits on the unique index
    until the first commits, then finds the claim and does nothing."""
    done = []
    start = threading.Barrier(2)
    outcomes = []

    def work():
        done.append(threading.current_thread().name)
        time.sleep(0.5)  # still inside the transaction: the other claim is waiting meanwhile
        return {"by": threading.current_thread().name}

    def beat():
        try:
            start.wait()
            outcomes.append(services.run_once_a_day("send_reminders", work))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat, name=f"beat-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(done) == 1
    assert sorted(outcome is None for outcome in outcomes) == [False, True]
    assert list(DailyRun.objects.values_list("kind", "result")) == [("send_reminders", {"by": done[0]})]
