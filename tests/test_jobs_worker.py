"""Jobs through a real Redis broker (database 5) and a real Celery worker (a thread of this process).

Without Redis these tests skip, saying why; with CI=true they fail instead.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from communes.models import Region
from jobs import services, tasks
from jobs.models import Job, JobStatus
from tests import factories
from tests.celery_fixtures import CALLS, CLOSED_BROKER_URL, GATE, QUEUE_KEY, broker_at, redis_client, wait_until
from tests.factories import make_recompute_world
from tests.helpers import change_form_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()
    GATE.clear()
    yield
    GATE.set()  # never leave a handler waiting in the worker thread


def _status(job):
    return Job.objects.filter(pk=job.pk).values_list("status", flat=True).first()


def test_job_started_in_a_transaction_runs_on_the_worker_after_commit_with_visible_progress(celery_worker):
    owner = factories.make_user()
    with transaction.atomic():
        job = services.job_start(kind="test.steps", by=owner)
        assert redis_client().llen(QUEUE_KEY) == 0  # nothing is sent before the commit
    running = wait_until(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, progress=50).first())
    assert running.message == "Đã xong bước 1/2" and running.started_at
    GATE.set()
    wait_until(lambda: _status(job) == JobStatus.SUCCEEDED)
    job.refresh_from_db()
    assert (job.progress, job.result) == (100, {"steps": 2}) and job.enqueued_at
    assert CALLS == [("test.steps", job.pk)]


def test_a_job_started_in_a_rolled_back_transaction_never_runs(celery_worker):
    owner = factories.make_user()
    with transaction.atomic():
        services.job_start(kind="test.echo", by=owner)
        transaction.set_rollback(True)
    # A control job sent afterwards: once it has run, the worker has seen everything sent before it.
    control = services.job_start(kind="test.steps", by=owner)
    GATE.set()
    wait_until(lambda: _status(control) == JobStatus.SUCCEEDED)
    assert CALLS == [("test.steps", control.pk)]
    assert list(Job.objects.values_list("pk", flat=True)) == [control.pk]


def test_broker_down_keeps_the_job_queued_and_requeue_runs_it_when_back(celery_worker):
    owner = factories.make_user()
    with broker_at(CLOSED_BROKER_URL):
        job = services.job_start(kind="test.echo", by=owner, params={"n": 1})
    job.refresh_from_db()
    assert (job.status, job.enqueued_at) == (JobStatus.QUEUED, None)
    out = io.StringIO()
    call_command("requeue_jobs", "--older-than", "0", stdout=out)
    assert f"Requeued 1 job(s): {job.pk}" in out.getvalue()
    wait_until(lambda: _status(job) == JobStatus.SUCCEEDED)
    assert Job.objects.get(pk=job.pk).result == {"echo": {"n": 1}}


def test_a_task_delivered_twice_runs_the_job_once(celery_worker):
    owner = factories.make_user()
    job = services.job_start(kind="test.echo", by=owner)
    wait_until(lambda: _status(job) == JobStatus.SUCCEEDED)
    finished_at = Job.objects.get(pk=job.pk).finished_at
    tasks.run_job.delay(job.pk)  # the same message again, e.g. after a requeue
    control = services.job_start(kind="test.echo", by=owner)
    wait_until(lambda: _status(control) == JobStatus.SUCCEEDED)
    assert CALLS == [("test.echo", job.pk), ("test.echo", control.pk)]
    assert Job.objects.get(pk=job.pk).finished_at == finished_at


def test_a_region_change_in_the_admin_is_recomputed_by_the_worker(celery_worker, client, tree):
    world = make_recompute_world(tree)
    client.force_login(world.cast.superuser)
    url = reverse("admin:communes_administrativeunit_change", args=[tree.a.pk])
    client.post(url, change_form_data(client.get(url)) | {"region": Region.DBSH})
    job = Job.objects.get(kind="recompute_summaries")
    wait_until(lambda: _status(job) == JobStatus.SUCCEEDED)
    job.refresh_from_db()
    assert (job.result["changed"], [c["id"] for c in job.result["changes"]]) == (1, [world.draft.pk])
    world.draft.refresh_from_db()
    world.approved.refresh_from_db()
    assert (world.draft.criteria_met, world.approved.criteria_met) == (1, 2)
