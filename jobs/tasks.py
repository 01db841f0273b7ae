"""Celery tasks of the jobs machinery: thin, taking ids, safe to run twice."""

from celery import shared_task
from django.conf import settings


# ignore_result: the Job row holds the state; no result backend is needed (nor contacted) to send it.
@shared_task(ignore_result=True)
def run_job(job_id: int) -> None:
    from jobs import services  # local import: services imports this module

    services.job_run(job_id=job_id)


@shared_task(ignore_result=True)
def requeue_jobs() -> None:
    from jobs import services

    services.jobs_requeue(older_than=settings.JOBS_REQUEUE_AFTER_SECONDS)


@shared_task(ignore_result=True)
def purge_expired_jobs() -> None:
    from jobs import services

    services.jobs_purge_expired()
