"""Jobs never run inside a request: the thread runner (no broker, the embedded default), and jobs whose
worker died are marked failed after NTM_JOB_STALE_MINUTES instead of showing "running" forever."""

import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from jobs import registry, runner, services
from jobs.models import Job, JobStatus
from tests import factories
from tests.celery_fixtures import wait_until
from tests.helpers import as_file, filled_template, manage_py

STARTED = threading.Event()  # the handler has begun
RELEASE = threading.Event()  # the test lets it finish


@registry.job_kind("test.gated", label="Test gated")
def _gated(job) -> dict:
    STARTED.set()
    if not RELEASE.wait(timeout=10):
        raise TimeoutError("the test never released the job")
    return {"gated": True}


@pytest.fixture
def thread_runner(settings, monkeypatch):
    settings.NTM_JOB_RUNNER = "thread"
    STARTED.clear()
    RELEASE.clear()
    connection = connections["default"]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # An in-memory test database lives in this connection only: the runner's threads borrow it, as
        # Django's live server does (the test touches the database only while the job waits on an Event).
        original = runner._run_one

        def run_on_test_connection(job_id):
            connections["default"] = connection
            original(job_id)

        monkeypatch.setattr(runner, "_run_one", run_on_test_connection)
        connection.inc_thread_sharing()
        yield
        connection.dec_thread_sharing()
    else:
        yield
    RELEASE.set()
    wait_until(lambda: not runner.pending())


def _idle():
    return not runner.pending()


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_returns_at_once_and_the_job_completes(thread_runner):
    owner = factories.make_user("chu.cong.viec")
    started = time.monotonic()
    job = services.job_start(kind="test.gated", by=owner)  # autocommit: sent to the runner at once
    assert STARTED.wait(timeout=10)
    assert time.monotonic() - started < 5
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.heartbeat_at is not None
    RELEASE.set()
    wait_until(_idle)
    job.refresh_from_db()
    assert (job.status, job.progress, job.result) == (JobStatus.SUCCEEDED, 100, {"gated": True})


@pytest.mark.django_db(transaction=True)
def test_an_upload_returns_before_its_import_ends_and_the_import_completes(
    client, workbook_set, tree, cast, thread_runner, monkeypatch
):
    real = registry.get("workbook_import")

    def gated_import(job):
        STARTED.set()
        assert RELEASE.wait(timeout=10)
        return real.handler(job)

    monkeypatch.setitem(registry._KINDS, real.name, registry.JobKind(real.name, real.label, gated_import))
    client.force_login(cast.staff)
    file = io.BytesIO(as_file(filled_template(workbook_set, tree)).getvalue())
    file.name = "ket-qua.xlsx"
    response = client.post(reverse("workbooks:import"), {"file": file})
    # The page answered while the import had not even begun its work.
    assert response.status_code == 302 and not RELEASE.is_set()
    assert STARTED.wait(timeout=10)
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url() and job.status == JobStatus.RUNNING
    RELEASE.set()
    wait_until(_idle, timeout=30)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["ok"], job.error
    assert job.result["counts"]["created"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_job_is_handed_to_the_runner_once(thread_runner):
    owner = factories.make_user("chu.cong.viec")
    job = services.job_start(kind="test.gated", by=owner)
    assert STARTED.wait(timeout=10)
    assert services.job_enqueue(job_id=job.pk) is True  # e.g. a requeue while it runs
    assert runner.pending() == {job.pk}
    RELEASE.set()
    wait_until(_idle)
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


# Stale jobs


@pytest.fixture
def owner(db):
    return factories.make_user("chu.cong.viec")


def _running(owner, *, beat_minutes_ago, **kw):
    beat = timezone.now() - datetime.timedelta(minutes=beat_minutes_ago)
    return Job.objects.create(
        kind="test.echo", created_by=owner, status=JobStatus.RUNNING, started_at=beat, heartbeat_at=beat, **kw
    )


def test_a_running_job_without_a_heartbeat_is_marked_failed(owner, settings):
    settings.NTM_JOB_STALE_MINUTES = 10
    dead = _running(owner, beat_minutes_ago=11, language="vi")
    alive = _running(owner, beat_minutes_ago=2)
    assert services.jobs_fail_stale() == [dead.pk]
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.finished_at
    assert "không còn tín hiệu sau 10 phút" in dead.error
    assert Job.objects.get(pk=alive.pk).status == JobStatus.RUNNING


def test_the_stale_message_is_in_the_language_the_job_was_started_in(owner, settings):
    settings.NTM_JOB_STALE_MINUTES = 10
    dead = _running(owner, beat_minutes_ago=30, language="en")
    services.jobs_fail_stale()
    dead.refresh_from_db()
    assert "no sign of life for 10 minutes" in dead.error


def test_progress_is_a_heartbeat(owner, settings):
    settings.NTM_JOB_STALE_MINUTES = 10
    job = _running(owner, beat_minutes_ago=11)
    services.job_progress(job, done=1, total=2)
    assert services.jobs_fail_stale() == []
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_a_late_result_does_not_revive_a_job_marked_failed(owner):
    job = _running(owner, beat_minutes_ago=60)
    services.jobs_fail_stale()
    services._finish(job, JobStatus.SUCCEEDED, result={"late": True})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result == {}


def test_the_requeue_command_and_task_end_stale_jobs(owner, settings):
    settings.NTM_JOB_STALE_MINUTES = 10
    first = _running(owner, beat_minutes_ago=15)
    out = io.StringIO()
    call_command("requeue_jobs", stdout=out)
    assert f"Marked 1 stale job(s) failed: {first.pk}" in out.getvalue()
    second = _running(owner, beat_minutes_ago=15)
    from jobs import tasks

    tasks.requeue_jobs.delay()  # what beat runs every minute
    assert Job.objects.get(pk=second.pk).status == JobStatus.FAILED


def test_with_the_thread_runner_the_jobs_page_ends_a_dead_job(client, owner, settings, monkeypatch):
    settings.NTM_JOB_RUNNER = "thread"
    settings.NTM_JOB_STALE_MINUTES = 10
    monkeypatch.setattr(services, "_last_housekeeping", 0.0)
    job = _running(owner, beat_minutes_ago=20)
    client.force_login(owner)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'data-status="failed"' in body and "không còn tín hiệu" in body


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_stamps_a_silent_job(settings, thread_runner):
    settings.NTM_JOB_HEARTBEAT_SECONDS = 0.05
    owner = factories.make_user("chu.cong.viec")
    job = services.job_start(kind="test.gated", by=owner)
    assert STARTED.wait(timeout=10)
    first = Job.objects.get(pk=job.pk).heartbeat_at
    time.sleep(0.3)  # the handler says nothing; the heartbeat thread writes meanwhile
    assert Job.objects.get(pk=job.pk).heartbeat_at > first
    RELEASE.set()
    wait_until(_idle)
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_without_a_broker_jobs_run_on_threads_and_with_one_on_celery():
    code = "from django.conf import settings; print(settings.NTM_JOB_RUNNER)"
    assert manage_py("shell", "-c", code, CELERY_BROKER_URL="").stdout.strip().splitlines()[-1] == "thread"
    with_broker = manage_py("shell", "-c", code, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert with_broker.stdout.strip().splitlines()[-1] == "celery"
