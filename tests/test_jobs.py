"""The jobs machinery in eager mode (no broker): start after commit, claim once, fail visibly, requeue."""

import datetime
import time

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Job, JobStatus
from tests import factories
from tests.celery_fixtures import CALLS, CLOSED_BROKER_URL, GATE, broker_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()
    GATE.set()  # eager runs are synchronous: never wait halfway
    yield
    GATE.clear()


@pytest.fixture
def owner():
    return factories.make_user("chu.cong.viec")


@pytest.fixture
def other():
    return factories.make_user("nguoi.khac")


def test_job_runs_only_after_the_transaction_commits(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.job_start(kind="test.echo", by=owner, params={"x": 1})
        assert CALLS == []  # still inside the transaction
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.progress, job.result) == (JobStatus.SUCCEEDED, 100, {"echo": {"x": 1}})
    assert job.started_at and job.finished_at and job.expires_at > job.created_at
    assert CALLS == [("test.echo", job.pk)]


def test_a_rolled_back_job_never_runs(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            services.job_start(kind="test.echo", by=owner)
            transaction.set_rollback(True)
    assert callbacks == []
    assert CALLS == [] and not Job.objects.exists()


def test_unknown_kind_is_refused_at_start(owner):
    with pytest.raises(ImproperlyConfigured):
        services.job_start(kind="no.such.kind", by=owner)
    assert not Job.objects.exists()


def test_running_a_job_twice_runs_it_once(owner):
    job = Job.objects.create(kind="test.echo", created_by=owner)
    assert services.job_run(job_id=job.pk) is True
    finished_at = Job.objects.get(pk=job.pk).finished_at
    assert services.job_run(job_id=job.pk) is False
    assert CALLS == [("test.echo", job.pk)]
    assert Job.objects.get(pk=job.pk).finished_at == finished_at


def test_a_job_claimed_by_another_run_is_left_alone(owner):
    job = Job.objects.create(kind="test.echo", created_by=owner, status=JobStatus.RUNNING)
    assert services.job_run(job_id=job.pk) is False
    assert CALLS == [] and Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_a_failing_handler_marks_the_job_failed_without_raising(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(kind="test.boom", by=owner)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "RuntimeError: boom" and job.finished_at


def test_progress_is_bounded_and_ignored_once_finished(owner):
    job = Job.objects.create(kind="test.echo", created_by=owner, status=JobStatus.RUNNING)
    services.job_progress(job, done=3, total=4, message="ba phần tư")
    job.refresh_from_db()
    assert (job.progress, job.message) == (75, "ba phần tư")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress=100)
    services.job_progress(job, done=1, total=4)
    assert Job.objects.get(pk=job.pk).progress == 100


def test_broker_down_leaves_the_job_queued_then_requeue_runs_it(owner, django_capture_on_commit_callbacks):
    started = time.monotonic()
    with broker_at(CLOSED_BROKER_URL), django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(kind="test.echo", by=owner)
    assert time.monotonic() - started < 5  # the request is not held up by the dead broker
    job.refresh_from_db()
    assert (job.status, job.enqueued_at) == (JobStatus.QUEUED, None)
    assert CALLS == []
    # Broker back (eager here): the command sends it again and it runs.
    call_command("requeue_jobs", "--older-than", "0", stdout=open("/dev/null", "w"))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and CALLS == [("test.echo", job.pk)]


def test_requeue_only_takes_jobs_waiting_longer_than_asked(owner):
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=5)):
        old = Job.objects.create(kind="test.echo", created_by=owner)
    new = Job.objects.create(kind="test.echo", created_by=owner)
    done = Job.objects.create(kind="test.echo", created_by=owner, status=JobStatus.SUCCEEDED)
    Job.objects.filter(pk=done.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert services.jobs_requeue(older_than=60) == [old.pk]
    assert CALLS == [("test.echo", old.pk)]
    assert Job.objects.get(pk=new.pk).status == JobStatus.QUEUED


def test_purge_deletes_expired_finished_jobs_and_their_files(owner):
    job = Job.objects.create(kind="test.file", created_by=owner)
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    path = job.result_file.path
    waiting = Job.objects.create(kind="test.echo", created_by=owner)
    past = timezone.now() - datetime.timedelta(seconds=1)
    Job.objects.update(expires_at=past)
    assert services.jobs_purge_expired() == 1
    assert list(Job.objects.all()) == [waiting]
    import os

    assert not os.path.exists(path)


# Pages


def _finished(owner, **kw):
    kw.setdefault("status", JobStatus.SUCCEEDED)
    return Job.objects.create(kind="test.echo", created_by=owner, progress=100, **kw)


def test_owner_sees_the_job_page(client, owner):
    job = Job.objects.create(
        kind="test.steps", created_by=owner, status=JobStatus.RUNNING, progress=40, message="Đã xong bước 1/2"
    )
    client.force_login(owner)
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Test steps" in body and "Đã xong bước 1/2" in body and "Đang chạy" in body
    assert 'aria-valuenow="40"' in body and "w-pct-40" in body
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in body and 'hx-trigger="every 1s"' in body


@pytest.mark.parametrize("name", ["jobs:detail", "jobs:progress", "jobs:file"])
def test_someone_else_gets_404(client, owner, other, name):
    job = _finished(owner)
    client.force_login(other)
    assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, owner):
    job = _finished(owner)
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_progress_partial_polls_while_running_and_stops_when_finished(client, owner):
    job = Job.objects.create(kind="test.echo", created_by=owner, status=JobStatus.QUEUED)
    client.force_login(owner)
    url = reverse("jobs:progress", args=[job.pk])
    partial = client.get(url).content.decode()
    assert partial.lstrip().startswith('<div id="job-state"') and "<html" not in partial
    assert 'hx-trigger="every 1s"' in partial and 'data-status="queued"' in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress=100, result={"echo": {}})
    partial = client.get(url).content.decode()
    assert "hx-trigger" not in partial and 'data-status="succeeded"' in partial
    assert "Công việc đã hoàn thành." in partial


def test_failed_job_shows_the_error(client, owner):
    job = _finished(owner, status=JobStatus.FAILED, error="RuntimeError: boom")
    client.force_login(owner)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Công việc không hoàn thành." in body and "RuntimeError: boom" in body and "hx-trigger" not in body


def test_result_file_is_offered_to_the_owner_only(client, owner):
    job = Job.objects.create(kind="test.file", created_by=owner)
    services.job_run(job_id=job.pk)
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:file", args=[job.pk]) in page
    response = client.get(reverse("jobs:file", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == "xin chào".encode()
    assert "attachment" in response["Content-Disposition"]


def test_no_file_is_a_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("jobs:file", args=[_finished(owner).pk])).status_code == 404


def test_list_shows_only_my_jobs_newest_first(client, owner, other, django_assert_max_num_queries):
    mine = [_finished(owner), Job.objects.create(kind="test.steps", created_by=owner)]
    theirs = _finished(other)
    client.force_login(owner)
    with django_assert_max_num_queries(4):  # session, user, jobs (+ savepoint-free margin)
        response = client.get(reverse("jobs:list"))
    body = response.content.decode()
    rows = [int(pk) for pk in __import__("re").findall(r'data-testid="job-row" data-pk="(\d+)"', body)]
    assert rows == [mine[1].pk, mine[0].pk] and theirs.pk not in rows
    assert "Test steps" in body and "Test echo" in body


def test_empty_list_says_so(client, owner):
    client.force_login(owner)
    assert "Bạn chưa bắt đầu công việc chạy nền nào." in client.get(reverse("jobs:list")).content.decode()
