"""Sending jobs to be run, and the Celery tasks of the jobs machinery (thin, taking ids, safe to run twice).

`send_job` is how jobs.services sends a recorded job (JobsConfig.ready wires it in): to this process's
threads with the thread runner, otherwise to the broker.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from jobs import runner, services
from jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

PURGE_EXPIRED_JOBS = "purge_expired_jobs"
SEND_REMINDERS = "send_reminders"

# A broker that does not answer is not waited for: the request that started the job must return,
# and the job is sent again later anyway. Two quick tries, then give up (about half a second).
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
BROKER_ERRORS = (OperationalError, OSError)


def send_job(job_id: int) -> bool:
    """Send the job to the broker; False (and the job left queued) when the broker cannot be reached."""
    # Recorded before sending: a fast worker (or an eager run) may have finished the job before apply_async
    # returns.
    sent_at = timezone.now()
    Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(enqueued_at=sent_at)
    if settings.NTM_JOB_RUNNER == "thread":
        runner.submit(job_id)
        return True
    try:
        run_job.apply_async(args=[job_id], retry=True, retry_policy=PUBLISH_RETRY)
    except BROKER_ERRORS:
        logger.warning("Job %s stays queued: the broker cannot be reached.", job_id, exc_info=True)
        Job.objects.filter(pk=job_id, enqueued_at=sent_at).update(enqueued_at=None)
        return False
    return True


# ignore_result: the Job row holds the state; no result backend is needed (nor contacted) to send it.
@shared_task(ignore_result=True)
def run_job(job_id: int) -> None:
    services.job_run(job_id=job_id)


@shared_task(ignore_result=True)
def requeue_jobs() -> None:
    services.jobs_housekeeping()  # also ends the running jobs whose worker died


@shared_task(ignore_result=True)
def purge_expired_jobs() -> None:
    # Once a day, however many beats sent it (jobs.services.run_once_a_day).
    services.run_once_a_day(PURGE_EXPIRED_JOBS, lambda: {"deleted": services.jobs_purge_expired()})
