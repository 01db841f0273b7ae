"""Celery tasks of the jobs machinery: thin, taking ids, safe to run twice."""

from celery import shared_task

PURGE_EXPIRED_JOBS = "purge_expired_jobs"
SEND_REMINDERS = "send_reminders"


# ignore_result: the Job row holds the state; no result backend is needed (nor contacted) to send it.
@shared_task(ignore_result=True)
def run_job(job_id: int) -> None:
    from jobs import services  # local import: services imports this module

    services.job_run(job_id=job_id)


@shared_task(ignore_result=True)
def requeue_jobs() -> None:
    from jobs import services

    services.jobs_housekeeping()  # also ends the running jobs whose worker died


@shared_task(ignore_result=True)
def purge_expired_jobs() -> None:
    from jobs import services

    # Once a day, however many beats sent it (jobs.services.run_once_a_day).
    services.run_once_a_day(PURGE_EXPIRED_JOBS, lambda: {"deleted": services.jobs_purge_expired()})
